"""Follow-up: routing rules, referrals and their history, deadlines, combination rules,
joint-analysis cases and the victim track."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ketenzicht.accounts.models import LocationKind
from ketenzicht.common.encrypted_fields import (
    EncryptedCharField,
    EncryptedTextField,
    seal_key_column,
)


class ReferralKind(models.TextChoices):
    ROUTED = "routed", _("routed by rule")
    JOINT_ANALYSIS = "joint_analysis", _("joint analysis of soft signals")
    FORWARDED = "forwarded", _("forwarded by another body")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("sent")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    IN_ASSESSMENT = "in_assessment", _("in assessment")
    OUTCOME = "outcome", _("outcome known")
    CLOSED = "closed", _("closed")


class Outcome(models.TextChoices):
    INVESTIGATION_STARTED = "investigation_started", _("investigation started")
    VICTIM_CARE_STARTED = "victim_care_started", _("victim care started")
    FORWARDED = "forwarded", _("forwarded to another body")
    NO_FURTHER_ACTION = "no_further_action", _("no further action")


class TargetKind(models.TextChoices):
    ORGANISATION = "organisation", _("a fixed organisation")
    POLICE_UNIT = "police_unit", _("the police (AVIM) of the municipality's regional unit")


class RoutingRule(models.Model):
    """Where a hard signal goes, by its content. Rules are tried by position; the first
    whose conditions all hold and whose target exists decides. Empty conditions hold."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=100)
    active = models.BooleanField(_("active"), default=True)
    exploitation_types = models.ManyToManyField(
        "taxonomy.ExploitationType",
        blank=True,
        related_name="+",
        verbose_name=_("exploitation types (any of)"),
    )
    location_kinds = models.JSONField(_("location kinds (any of)"), default=list, blank=True)
    municipalities = models.ManyToManyField(
        "geo.Municipality", blank=True, related_name="+", verbose_name=_("municipalities (any of)")
    )
    target_kind = models.CharField(
        _("send to"), max_length=20, choices=TargetKind.choices, default=TargetKind.ORGANISATION
    )
    target_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving organisation"),
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name

    @property
    def location_kind_labels(self) -> list[str]:
        labels = dict(LocationKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.location_kinds]

    def clean(self) -> None:
        if self.target_kind == TargetKind.ORGANISATION and self.target_organisation_id is None:
            raise ValidationError({"target_organisation": _("Choose the receiving organisation.")})
        if self.target_kind == TargetKind.POLICE_UNIT and self.target_organisation_id is not None:
            raise ValidationError(
                {
                    "target_organisation": _(
                        "Leave empty: the police unit follows from the municipality."
                    )
                }
            )


class DeadlinePolicy(models.Model):
    """Working days a receiving organisation has to acknowledge a referral and to reach an
    outcome. Organisations without one use the settings' defaults."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="deadline_policy"
    )
    acknowledge_days = models.PositiveSmallIntegerField(_("working days to acknowledge"))
    outcome_days = models.PositiveSmallIntegerField(_("working days to an outcome"))

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("deadline policy")

    def clean(self) -> None:
        acknowledge, outcome = self.acknowledge_days, self.outcome_days
        if acknowledge is not None and outcome is not None and not 1 <= acknowledge <= outcome:
            raise ValidationError(
                {
                    "outcome_days": _(
                        "Give at least one working day to acknowledge, and no fewer to an "
                        "outcome than to acknowledge."
                    )
                }
            )


class CombinationBasis(models.TextChoices):
    PERSON = "person", _("the same person")
    PHONE = "phone", _("the same phone number")


class CombinationRule(models.Model):
    """Soft signals that together say more: e.g. three or more about the same person from
    at least two organisations within twelve months."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    basis = models.CharField(_("linked by"), max_length=20, choices=CombinationBasis.choices)
    min_signals = models.PositiveSmallIntegerField(_("at least this many soft signals"))
    min_organisations = models.PositiveSmallIntegerField(_("from at least this many organisations"))
    window_days = models.PositiveSmallIntegerField(_("within this many days"), default=365)
    target_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("joint analysis by"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("combination rule")
        verbose_name_plural = _("combination rules")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        signals, organisations = self.min_signals, self.min_organisations
        if (
            signals is not None
            and organisations is not None
            and (signals < 2 or organisations > signals)
        ):
            raise ValidationError(
                {
                    "min_signals": _(
                        "A combination needs at least two signals, and at least as many "
                        "signals as organisations."
                    )
                }
            )


class Referral(models.Model):
    """The unit of follow-up: one or more signals sent to one competent body, handled
    against deadlines and closed with feedback to the reporter. Status changes only through
    ``followup.workflow``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ReferralKind.choices)
    signal = models.ForeignKey(
        "signals.Signal", on_delete=models.PROTECT, related_name="referrals_as_main"
    )
    signals = models.ManyToManyField("signals.Signal", related_name="referrals")
    from_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    rule = models.ForeignKey(RoutingRule, on_delete=models.SET_NULL, null=True, blank=True)
    combination_rule = models.ForeignKey(
        CombinationRule, on_delete=models.SET_NULL, null=True, blank=True
    )
    forwarded_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = EncryptedTextField(_("why this body"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    outcome_reason = EncryptedTextField(_("reason for the outcome"), blank=True)
    feedback = EncryptedTextField(_("feedback to the reporter"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    acknowledge_due = models.DateField(_("acknowledge by"))
    outcome_due = models.DateField(_("outcome by"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    acknowledge_escalated_at = models.DateTimeField(null=True, blank=True)
    outcome_escalated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["to_organisation", "status", "-sent_at"], name="referral_inbox"),
            models.Index(fields=["from_organisation", "-sent_at"], name="referral_sent"),
            models.Index(fields=["status", "acknowledge_due"], name="referral_ack_due"),
            models.Index(fields=["status", "outcome_due"], name="referral_outcome_due"),
        ]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return "D-" + str(self.id)[:8].upper()


class ReferralEvent(models.Model):
    """One step in a referral's life, in order: who moved it from where to where, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True, choices=ReferralStatus.choices)
    to_status = models.CharField(max_length=20, choices=ReferralStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = EncryptedTextField(blank=True)
    seal_key = seal_key_column()  # what ``note`` is bound to (ADR 0021)

    class Meta:
        ordering = ["at", "id"]


class VictimTrack(models.Model):
    """The steps and clocks Dutch practice prescribes for one presumed victim (a subject
    of a signal): reflection period, CoMensha registration, minors to Nidos."""

    subject = models.OneToOneField(
        "signals.Subject", on_delete=models.CASCADE, related_name="victim_track"
    )
    minor = models.BooleanField(_("minor"), default=False)
    nidos_notified_at = models.DateTimeField(null=True, blank=True)
    protected_reception = models.BooleanField(_("protected reception advised"), default=False)
    reflection_offered_at = models.DateTimeField(null=True, blank=True)
    reflection_start = models.DateField(null=True, blank=True)
    reflection_end = models.DateField(null=True, blank=True)
    reflection_dublin = models.BooleanField(default=False)
    reflection_reminded_at = models.DateTimeField(null=True, blank=True)
    comensha_registered_at = models.DateTimeField(null=True, blank=True)
    comensha_basis = models.CharField(max_length=20, blank=True)  # "law" or "consent"
    comensha_consent_note = EncryptedCharField(max_length=300, blank=True)
    seal_key = seal_key_column()  # what the consent note is bound to (ADR 0021)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("victim track")


class MissingReport(models.Model):
    """Reception recorded that a resident left with unknown destination; for a flagged
    minor everyone concerned is alerted at once."""

    record = models.ForeignKey(
        "persons.PersonRecord", on_delete=models.PROTECT, related_name="missing_reports"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now)
    flagged_minor = models.BooleanField(default=False)
    alerted = models.JSONField(default=list)  # organisation codes


class Case(models.Model):
    """A joint-analysis case (casus): signals a coordinator grouped by hand, shared with a
    sharing group, with notes and decisions."""

    # Sealed: a case is often named after the people in it. Never searched or sorted by name.
    name = EncryptedCharField(_("name"), max_length=200)
    seal_key = seal_key_column()  # what ``name`` is bound to (ADR 0021)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    sharing_group = models.ForeignKey(
        "sharing.SharingGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared with"),
    )
    signals = models.ManyToManyField("signals.Signal", related_name="cases", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("joint-analysis case")


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    text = EncryptedTextField(_("note"))
    seal_key = seal_key_column()  # what ``text`` is bound to (ADR 0021)
    decision = models.BooleanField(_("this is a decision"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
