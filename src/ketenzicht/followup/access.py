"""Who may see and handle referrals and cases: the sharing policy's rules for follow-up's own
objects, in SQL, on top of the policy's capabilities (ADR 0002, ADR 0029). They live here, not
in ``ketenzicht.policy``, because the policy sits below the workflows and may not import their
models."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.sharing.models import SharingGroup

from .models import Case, Outcome, Referral, ReferralKind, ReferralStatus


def referral_access_after_close() -> dt.timedelta:
    return dt.timedelta(days=settings.REFERRAL_ACCESS_AFTER_CLOSE_DAYS)


def referral_access_ended() -> Q:
    """Referrals whose receiving body no longer has access (ADR 0022): forwarded to another
    body, or closed longer ago than ``REFERRAL_ACCESS_AFTER_CLOSE_DAYS``. The same terms end
    its ``AccessGrant`` on the signals (``followup.services``)."""
    closed = ReferralStatus.CLOSED
    return Q(outcome=Outcome.FORWARDED, status__in=[ReferralStatus.OUTCOME, closed]) | Q(
        status=closed, closed_at__lte=timezone.now() - referral_access_after_close()
    )


def visible_referrals(actor: Actor) -> QuerySet[Referral]:
    """Referrals the own organisation sent, received, or contributed a signal to (every
    reporter hears the outcome, also of a joint analysis that combined its signal; the
    receiving body handles them). A receiving body sees one only while its access lasts;
    a body that forwarded a referral is not the sender of the forwarded one."""
    if not policy.has_capability(actor, "referrals"):
        return Referral.objects.none()
    org = actor.organisation_id or 0
    contributed = Referral.signals.through.objects.filter(
        referral_id=OuterRef("pk"), signal__organisation_id=org
    )
    return Referral.objects.filter(
        (Q(from_organisation_id=org) & ~Q(kind=ReferralKind.FORWARDED))
        | (Q(to_organisation_id=org) & ~referral_access_ended())
        | Q(Exists(contributed))
    )


def handled_referrals(actor: Actor) -> QuerySet[Referral]:
    """Referrals whose status the actor may change: those its organisation received, while
    its access lasts."""
    if not policy.has_capability(actor, "referrals"):
        return Referral.objects.none()
    return Referral.objects.filter(to_organisation_id=actor.organisation_id or 0).exclude(
        referral_access_ended()
    )


def ended_referrals(actor: Actor) -> QuerySet[Referral]:
    """Referrals the own organisation received and no longer has access to: what it can
    still be told is that access ended, when and why, never their content."""
    if not policy.has_capability(actor, "referrals"):
        return Referral.objects.none()
    return Referral.objects.filter(
        referral_access_ended(), to_organisation_id=actor.organisation_id or 0
    )


def visible_cases(actor: Actor) -> QuerySet[Case]:
    """Joint-analysis cases of the own organisation or shared with one of its groups."""
    if not policy.may_work_on_cases(actor):
        return Case.objects.none()
    org = actor.organisation_id or 0
    groups = SharingGroup.organisations.through.objects.filter(organisation_id=org)
    return Case.objects.filter(
        Q(organisation_id=org) | Q(sharing_group_id__in=groups.values("sharinggroup_id"))
    )
