"""Retention periods: what each category holds, when its time is up, and what is then done.

The periods are settings (``RETENTION_DAYS``, one environment variable each) because they
follow each organisation's legal basis and its retention schedule, not the code. A category
is due when its own clock has run out:

- ``soft_signals``: soft signals that led to nothing -- no referral, no case, no victim
  track -- counted from their last change. Anonymised.
- ``closed_referrals``: signals whose every referral was closed before the cut-off and that
  are in no case still open. Anonymised; the referrals keep their dates and outcome (the
  deadline figures) but lose their free text.
- ``hit_notices``: hit/no-hit notices, counted from their creation. Deleted.
- ``idempotency_keys``: the API's retry keys (a digest and a signal id), a day. Deleted.

Anonymising keeps what the monitor counts (kind, dates, municipality, exploitation types,
indicators) and removes everything that can name or describe a person: narrative, source
reference, note on the legal basis, the edit history, the subjects with their victim tracks,
and person records no other signal or missing-person report still needs (with their index
entries, linkage features and hit notices).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ketenzicht.followup.models import Case, Referral, ReferralStatus, VictimTrack
from ketenzicht.persons.models import HitNotice
from ketenzicht.signals.models import Kind, Signal

if TYPE_CHECKING:  # django-stubs ships it; not installed in production
    from django_stubs_ext import StrOrPromise


class Category(StrEnum):
    SOFT_SIGNALS = "soft_signals"
    CLOSED_REFERRALS = "closed_referrals"
    HIT_NOTICES = "hit_notices"
    IDEMPOTENCY_KEYS = "idempotency_keys"


class Measure(StrEnum):
    ANONYMISE = "anonymise"
    DELETE = "delete"


@dataclass(frozen=True)
class Rule:
    category: Category
    label: StrOrPromise
    counted_from: StrOrPromise
    measure: Measure


RULES = (
    Rule(
        Category.SOFT_SIGNALS,
        _("Soft signals without follow-up"),
        _("last change"),
        Measure.ANONYMISE,
    ),
    Rule(
        Category.CLOSED_REFERRALS,
        _("Signals with closed referrals"),
        _("closing of the last referral"),
        Measure.ANONYMISE,
    ),
    Rule(Category.HIT_NOTICES, _("Hit notices"), _("creation"), Measure.DELETE),
    Rule(
        Category.IDEMPOTENCY_KEYS,
        _("Retry keys of the API"),
        _("creation"),
        Measure.DELETE,
    ),
)


def retention_days(category: Category) -> int:
    return int(settings.RETENTION_DAYS[category.value])


def cutoff(category: Category, now: dt.datetime) -> dt.datetime:
    """Everything whose clock started before this moment is due."""
    return now - dt.timedelta(days=retention_days(category))


def _followed_up() -> Q:
    """Signals that led somewhere: a referral (as the main signal or combined), a case, or a
    victim track for one of its subjects."""
    return (
        Q(Exists(Referral.objects.filter(signal_id=OuterRef("pk"))))
        | Q(Exists(Referral.signals.through.objects.filter(signal_id=OuterRef("pk"))))
        | Q(Exists(Case.signals.through.objects.filter(signal_id=OuterRef("pk"))))
        | Q(Exists(VictimTrack.objects.filter(subject__signal_id=OuterRef("pk"))))
    )


def due_soft_signals(before: dt.datetime) -> QuerySet[Signal]:
    return Signal.objects.filter(
        kind=Kind.SOFT, anonymised_at__isnull=True, updated_at__lt=before
    ).exclude(_followed_up())


def due_closed_referral_signals(before: dt.datetime) -> QuerySet[Signal]:
    """Signals with at least one referral, all closed before ``before``, in no open case
    (a case closed before the cut-off no longer holds them)."""
    referrals = Referral.objects.filter(Q(signal_id=OuterRef("pk")) | Q(signals=OuterRef("pk")))
    still_running = referrals.filter(~Q(status=ReferralStatus.CLOSED) | Q(closed_at__gte=before))
    open_cases = Case.objects.filter(signals=OuterRef("pk")).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=before)
    )
    return Signal.objects.filter(anonymised_at__isnull=True).filter(
        Exists(referrals), ~Exists(still_running), ~Exists(open_cases)
    )


def due_closed_referrals(before: dt.datetime) -> QuerySet[Referral]:
    """Referrals closed before ``before`` whose free text is still there."""
    return Referral.objects.filter(status=ReferralStatus.CLOSED, closed_at__lt=before).filter(
        Q(reason__isempty=False) | Q(outcome_reason__isempty=False) | Q(feedback__isempty=False)
    )


def due_hit_notices(before: dt.datetime) -> QuerySet[HitNotice]:
    return HitNotice.objects.filter(created_at__lt=before)


# Categories whose rows belong to an app above this one (the API's retry keys): that app
# says what is due from its AppConfig.ready(), so privacy need not import it.
_due_elsewhere: dict[Category, Callable[[dt.datetime], QuerySet[Any]]] = {}


def register_due(category: Category, due: Callable[[dt.datetime], QuerySet[Any]]) -> None:
    _due_elsewhere[category] = due


def due_registered(category: Category) -> Callable[[dt.datetime], QuerySet[Any]]:
    """What another app registered as due in ``category`` (KeyError: nobody did, which
    the purge must not pass over in silence)."""
    return _due_elsewhere[category]
