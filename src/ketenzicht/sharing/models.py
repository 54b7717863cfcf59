"""How far a signal travels, on what legal basis, and under which handling conditions.

The signal carries its current distribution (``signals.Signal.distribution``, ``sharing_group``,
``legal_basis``, ``handling_codes``); this app holds the vocabulary for those fields, the named
sharing groups, the per-organisation defaults, the access that follows a referral, and the
append-only record of every disclosure decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Distribution(models.TextChoices):
    ORGANISATION = "organisation", _("own organisation only")
    GROUP = "group", _("sharing group")
    CHAIN = "chain", _("chain partners with a need to know")


# Most restrictive first: a part of a signal never travels further than the signal itself.
DISTRIBUTION_ORDER = (Distribution.ORGANISATION, Distribution.GROUP, Distribution.CHAIN)


class HandlingCode(models.TextChoices):
    """Conditions on further use, after Europol SIENA's handling codes H0-H3."""

    PURPOSE_BOUND = "purpose_bound", _("Only for protecting victims and combating trafficking")
    NOT_IN_COURT = "not_in_court", _("Not for use in court without the reporter's consent")
    NO_ONWARD_SHARING = "no_onward_sharing", _("No onward sharing without the reporter's consent")
    PROTECT_SOURCE = (
        "protect_source",
        _("Protect the source: consult the reporter before contacting the person"),
    )


class SharingGroup(models.Model):
    """A named set of organisations that agreed to share with each other (e.g. a regional
    chain partnership under a covenant)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organisations = models.ManyToManyField(
        "accounts.Organisation", related_name="sharing_groups", verbose_name=_("organisations")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sharing group")
        verbose_name_plural = _("sharing groups")

    def __str__(self) -> str:
        return self.name


class LegalBasis(models.Model):
    """A ground on which personal data may be disclosed beyond the own organisation."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_nl = models.CharField(_("label (Dutch)"), max_length=300)
    label_en = models.CharField(_("label (English)"), max_length=300)
    # Consent and covenants only mean something with their scope or reference written down.
    needs_note = models.BooleanField(_("needs a note"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "nl").startswith("en") else self.label_nl


class OrganisationDefaults(models.Model):
    """Sharing defaults of one organisation, set by an administrator."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="sharing_defaults",
    )
    legal_basis = models.ForeignKey(
        LegalBasis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("default legal basis"),
    )
    legal_basis_note = models.CharField(_("note on the legal basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sharing defaults")
        verbose_name_plural = _("sharing defaults")


class GrantReason(models.TextChoices):
    REFERRAL = "referral", _("referral")


class GrantEnd(models.TextChoices):
    """Why access through a referral ended (ADR 0022)."""

    FORWARDED = "forwarded", _("forwarded to another body")
    CLOSED = "closed", _("referral closed")
    REVOKED = "revoked", _("revoked by the reporting organisation")


class AccessGrant(models.Model):
    """Access to one signal for one organisation beyond its distribution: a referral.

    Access lasts while the referral is open: ``ends_at`` is set when the receiving body
    forwards it (at once) or closes it (after ``REFERRAL_ACCESS_AFTER_CLOSE_DAYS``), and
    cleared when it reopens. The policy compares ``ends_at`` with the time of the query, so
    access ends on the minute without a clean-up job.
    """

    signal = models.ForeignKey("signals.Signal", on_delete=models.CASCADE, related_name="grants")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=GrantReason.choices)
    legal_basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT)
    legal_basis_note = models.CharField(max_length=300, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=GrantEnd.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["signal", "organisation"],
                condition=models.Q(revoked_at__isnull=True),
                name="grant_one_active_per_organisation",
            )
        ]
        indexes = [models.Index(fields=["organisation", "signal"], name="grant_org_signal")]


class Disclosure(models.Model):
    """One decision to disclose a signal beyond the reporting organisation, or to stop.

    Append-only history: the signal holds the current state, this table says who decided
    what, when and on which basis.
    """

    signal = models.ForeignKey(
        "signals.Signal", on_delete=models.CASCADE, related_name="disclosures"
    )
    distribution = models.CharField(max_length=20, choices=Distribution.choices)
    sharing_group = models.ForeignKey(
        SharingGroup, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # For a referral: the organisation that received access.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    legal_basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT, null=True)
    legal_basis_note = models.CharField(max_length=300, blank=True)
    handling_codes = models.JSONField(default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
