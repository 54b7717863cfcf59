"""Signals of possible trafficking, the people they concern, their edit history and imports."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ketenzicht.common.encrypted_fields import (
    EncryptedBinaryField,
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedTextField,
    seal_key_column,
)
from ketenzicht.sharing.models import Distribution


class Kind(models.TextChoices):
    HARD = "hard", _("hard")
    SOFT = "soft", _("soft")


class Status(models.TextChoices):
    REGISTERED = "registered", _("registered")
    IN_PROGRESS = "in_progress", _("in progress")
    REFERRED = "referred", _("referred")
    CLOSED = "closed", _("closed")


class SourceReliability(models.TextChoices):
    """Europol 4x4 / Admiralty scale: how far the source can be trusted."""

    A = "A", _("A - completely reliable")
    B = "B", _("B - usually reliable")
    C = "C", _("C - not usually reliable")
    X = "X", _("X - cannot be judged")


class InformationCredibility(models.TextChoices):
    """Europol 4x4: how far the information itself is confirmed."""

    ONE = "1", _("1 - known to be true without reservation")
    TWO = "2", _("2 - known personally to the source, not to the official")
    THREE = "3", _("3 - not known personally to the source, but corroborated")
    FOUR = "4", _("4 - cannot be judged")


class SubjectRole(models.TextChoices):
    PRESUMED_VICTIM = "presumed_victim", _("presumed victim")
    PRESUMED_PERPETRATOR = "presumed_perpetrator", _("presumed perpetrator")
    OTHER = "other", _("other")


class Signal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="signals",
        verbose_name=_("reporting organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    observed_on = models.DateField(_("observed on"))
    received_at = models.DateTimeField(_("registered at"), default=timezone.now)
    municipality = models.ForeignKey(
        "geo.Municipality", on_delete=models.PROTECT, verbose_name=_("municipality")
    )
    location = models.ForeignKey(
        "accounts.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("location"),
    )
    exploitation_types = models.ManyToManyField(
        "taxonomy.ExploitationType", related_name="+", verbose_name=_("exploitation types")
    )
    indicators = models.ManyToManyField(
        "taxonomy.Indicator", related_name="+", blank=True, verbose_name=_("indicators")
    )
    control_methods = models.ManyToManyField(
        "taxonomy.ControlMethod",
        related_name="+",
        blank=True,
        verbose_name=_("methods of control"),
    )
    source_reliability = models.CharField(
        _("source reliability"),
        max_length=1,
        choices=SourceReliability.choices,
        default=SourceReliability.X,
    )
    information_credibility = models.CharField(
        _("information credibility"),
        max_length=1,
        choices=InformationCredibility.choices,
        default=InformationCredibility.FOUR,
    )
    narrative = EncryptedTextField(_("narrative"))
    # Current sharing; sharing.Disclosure keeps the history of these decisions.
    distribution = models.CharField(
        _("distribution"),
        max_length=20,
        choices=Distribution.choices,
        default=Distribution.ORGANISATION,
    )
    sharing_group = models.ForeignKey(
        "sharing.SharingGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sharing group"),
    )
    legal_basis = models.ForeignKey(
        "sharing.LegalBasis",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal basis"),
    )
    legal_basis_note = EncryptedCharField(_("note on the legal basis"), max_length=300, blank=True)
    handling_codes = models.JSONField(_("handling codes"), default=list, blank=True)
    # The reporting system's own reference; makes imports idempotent.
    source_reference = models.CharField(_("source reference"), max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the retention period ended (privacy.purge): narrative, references, subjects
    # and history are gone; what is left counts in the monitor and names no one.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # The routing decision of a hard signal (followup.services.signal_route), also when no
    # referral follows: the rule that applied (its code; empty when none did) and the body
    # it named, which may be the reporting organisation itself. Shown on the signal.
    routed_at = models.DateTimeField(_("routing decided at"), null=True, blank=True)
    routing_rule_code = models.CharField(_("routing rule"), max_length=20, blank=True)
    routing_target = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("competent body by routing"),
    )

    # Set by the selectors from the sharing policy, never stored: how much of this signal
    # the reader sees (policy.Projection; 0 = nothing), whether it names a presumed
    # victim (for the attention projection), and the SQL annotation behind it.
    projection: int = 0
    names_victim: bool = False
    referral_list: tuple[Any, ...] = ()  # set per instance by signal_get

    class Meta:
        indexes = [
            # Keyset pagination of the list as seen by one organisation (the common case).
            models.Index(fields=["organisation", "-received_at", "-id"], name="signal_org_keyset"),
            models.Index(fields=["-received_at", "-id"], name="signal_keyset"),
            models.Index(fields=["municipality", "observed_on"], name="signal_muni_observed"),
            models.Index(
                fields=["distribution", "-received_at", "-id"], name="signal_distribution_keyset"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_reference"],
                condition=~models.Q(source_reference=""),
                name="signal_unique_source_reference",
            )
        ]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return str(self.id)[:8].upper()

    @property
    def grade(self) -> str:
        return f"{self.source_reliability}{self.information_credibility}"


class Subject(models.Model):
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="subjects")
    record = models.ForeignKey(
        "persons.PersonRecord", on_delete=models.PROTECT, related_name="subjects"
    )
    role = models.CharField(_("role"), max_length=30, choices=SubjectRole.choices)
    position = models.PositiveSmallIntegerField(default=0)
    # The reporter may keep a person's identity inside the own organisation even when the
    # signal itself is shared: the part is never more visible than the whole, and may be less.
    restricted = models.BooleanField(_("identity only within own organisation"), default=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")


class SignalRevision(models.Model):
    """One edit of a signal: who changed which fields from what to what."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    changes = EncryptedJSONField(default=dict)  # old and new values: names, narrative
    seal_key = seal_key_column()  # what ``changes`` is bound to (ADR 0021)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["signal", "version"], name="revision_unique")
        ]


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("imported")
    FAILED = "failed", _("rejected")


class ImportFailure(models.TextChoices):
    """Why a job failed other than for the file's own problems (listed in ``errors``)."""

    INTERRUPTED = "interrupted", _("interrupted")


class ImportJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=255)
    content = EncryptedBinaryField(editable=False)  # emptied once the job has run
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    # Runs started: a worker that dies mid-import is noticed when its lease runs out, and the
    # job runs again until IMPORT_MAX_ATTEMPTS (ADR 0024).
    attempts = models.PositiveSmallIntegerField(default=0)
    failure = models.CharField(max_length=20, choices=ImportFailure.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status in (ImportStatus.PENDING, ImportStatus.RUNNING) else 100
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
