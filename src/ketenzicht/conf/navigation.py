"""The main menu and where each role lands after logging in.

Each item names the policy check its page uses to let a role in, so that the menu never
offers a page that answers as nonexistent (tests: every demo role opens every item)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.monitor import access


def _anyone(actor: Actor) -> bool:
    return True


def _monitor(actor: Actor) -> bool:
    return access.monitor_home_scope(actor) is not None


@dataclass(frozen=True)
class MenuItem:
    url_name: str
    label: Promise
    allowed: Callable[[Actor], bool]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


MENU: tuple[MenuItem, ...] = (
    MenuItem("signals:list", _("Signals"), policy.may_read_signals),
    MenuItem("signals:create", _("New signal"), policy.may_register),
    MenuItem("signals:import", _("Import"), policy.may_register),
    MenuItem("persons:attention", _("Attention list"), policy.may_open_attention_list),
    MenuItem("followup:inbox", _("Inbox"), policy.may_follow_up),
    MenuItem("followup:cases", _("Cases"), policy.may_work_on_cases),
    MenuItem("followup:sla", _("Deadlines"), policy.may_view_follow_up_figures),
    MenuItem("persons:hits", _("Hits"), policy.may_receive_hits),
    MenuItem("persons:reviews", _("Possible links"), policy.may_review_matches),
    MenuItem("monitor:home", _("Monitor"), _monitor),
    MenuItem("sharing:health", _("Sharing health"), policy.may_view_sharing_health),
    MenuItem("sharing:groups", _("Sharing groups"), policy.may_administer),
    MenuItem("sharing:organisations", _("Organisations"), policy.may_administer),
    MenuItem("followup:configuration", _("Routing"), policy.may_administer),
    MenuItem("notifications:subscriptions", _("Webhooks"), policy.may_manage_subscriptions),
    MenuItem("audit:list", _("Audit trail"), policy.may_read_audit),
    MenuItem("privacy:requests", _("Requests for access"), policy.may_answer_subject_access),
    MenuItem("api:docs", _("API"), _anyone),
)

# Where a role's daily work starts, first match wins: the auditor's trail before anything
# else, case work before figures, and the national monitor on the monitor, not on the
# sharing health figure it also may read.
HOME_ORDER = (
    "audit:list",
    "signals:list",
    "privacy:requests",
    "sharing:groups",
    "monitor:home",
    "sharing:health",
)


def menu(actor: Actor) -> list[MenuItem]:
    return [item for item in MENU if item.allowed(actor)]


def home_item(actor: Actor) -> MenuItem | None:
    """The page a role lands on, from its own menu; ``None`` if it has no work here."""
    open_here = {item.url_name: item for item in menu(actor)}
    return next((open_here[name] for name in HOME_ORDER if name in open_here), None)
