"""What one organisation registered about a person, and which records probably concern one
person (linkage clusters, ADR 0009)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from ketenzicht.common.encrypted_fields import (
    BlindIndexField,
    BlindTokensField,
    EncryptedCharField,
    EncryptedJSONField,
    seal_key_column,
)

from .validation import DobPrecision


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("unknown")


class DobPrecisionChoice(models.TextChoices):
    EXACT = DobPrecision.EXACT, _("exact date")
    YEAR = DobPrecision.YEAR, _("year only")
    UNKNOWN = DobPrecision.UNKNOWN, _("unknown")
    PLACEHOLDER = DobPrecision.PLACEHOLDER, _("1 January placeholder")


class PersonCluster(models.Model):
    """Person records that probably concern one person. The identifier survives re-links
    (``persons.linkage.clusters.stable_ids``), so people who did not change keep it."""

    id = models.BigIntegerField(primary_key=True)
    size = models.PositiveIntegerField(default=1)
    linked_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person cluster")


class LinkageModel(models.Model):
    """A trained linkage model (Splink's JSON plus our version); the newest one links."""

    version = models.CharField(max_length=60)
    trained_at = models.DateTimeField(auto_now_add=True)
    records = models.PositiveIntegerField()
    labels = models.PositiveIntegerField(default=0)
    model = models.JSONField()

    class Meta:
        ordering = ["-trained_at", "-id"]


class PersonRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="person_records"
    )
    # Identity fields are sealed at rest (ADR 0021); they are found through blind indexes.
    given_name = EncryptedCharField(_("given name"), max_length=200, blank=True)
    family_name = EncryptedCharField(_("family name"), max_length=200, blank=True)
    aliases = EncryptedJSONField(_("aliases"), default=list, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    dob_precision = models.CharField(
        _("precision of date of birth"),
        max_length=20,
        choices=DobPrecisionChoice.choices,
        default=DobPrecision.UNKNOWN,
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    nationality = models.CharField(_("nationality"), max_length=3, blank=True)
    v_number = EncryptedCharField(_("V-number"), max_length=10, blank=True)
    v_number_digest = BlindIndexField(source="v_number", purpose="v_number", db_index=True)
    family_name_digest = BlindIndexField(source="family_name", purpose="family_name")
    name_digests = BlindTokensField(
        sources=("given_name", "family_name", "aliases"), purpose="name"
    )
    # Where the person stays, for organisations that house people (COA reception residents).
    location = models.ForeignKey(
        "accounts.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("residence location"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cluster = models.ForeignKey(
        PersonCluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="records"
    )

    class Meta:
        indexes = [models.Index(fields=["organisation", "family_name_digest"])]
        verbose_name = _("person record")
        verbose_name_plural = _("person records")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.given_name, self.family_name) if p)
        return name or str(_("(name unknown)"))

    @property
    def birth_display(self) -> str:
        if self.date_of_birth is None:
            return str(_("unknown"))
        if self.dob_precision == DobPrecision.YEAR:
            return str(self.date_of_birth.year)
        if self.dob_precision == DobPrecision.PLACEHOLDER:
            return f"{self.date_of_birth:%d-%m-%Y} ({_('placeholder')})"
        return f"{self.date_of_birth:%d-%m-%Y}"


class IdentifierKind(models.TextChoices):
    PHONE = "phone", _("phone number")


class PersonIdentifier(models.Model):
    """Identifiers that link records: normalised so equal values compare equal."""

    record = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=20, choices=IdentifierKind.choices)
    value = EncryptedCharField(max_length=100)
    value_digest = BlindIndexField(source="value", purpose="identifier")
    seal_key = seal_key_column()  # what ``value`` is bound to (ADR 0021)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record", "kind", "value_digest"], name="identifier_unique_per_record"
            )
        ]
        indexes = [models.Index(fields=["kind", "value_digest"])]


class MatchKey(models.TextChoices):
    V_NUMBER = "v_number", _("V-number")
    PHONE = "phone", _("phone number")
    NAME_DOB = "name_dob", _("name and date of birth")
    # Linked by the probabilistic model or a reviewer, without a shared exact feature.
    LINKED = "linked", _("linked as the same person (comparison or review)")


class IndexEntry(models.Model):
    """One keyed pseudonym of one identifying feature of a person record.

    ``token`` is an HMAC of the normalised feature under the index key (``persons.pseudonyms``);
    the plaintext is never stored here, so the index alone reveals only which records share
    a feature, not what it is. See ADR 0007.
    """

    record = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="index_entries")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField(max_length=20, choices=MatchKey.choices)
    token = models.CharField(max_length=32)
    key_id = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "key", "token"], name="index_entry_unique")
        ]
        indexes = [models.Index(fields=["token", "organisation"], name="index_token_org")]


class HitNotice(models.Model):
    """A match notice for one organisation: another organisation holds a record about a
    person this organisation also holds a record about. Never carries the other side's
    content; see ``persons.hit_selectors.hit_list`` for what the coordinator sees."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="hit_notices"
    )
    record = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="hit_notices")
    other_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # The first matching record of the other organisation (never shown).
    other_record = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="+")
    matched_on = models.JSONField(default=list)
    # Since when the other organisation has known the person: its first signal about them,
    # or the record's registration when it has none (a reception resident).
    since = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One notice per record and other organisation, however many records that
            # organisation holds about the person.
            models.UniqueConstraint(
                fields=["record", "other_organisation"], name="hit_notice_unique"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "-created_at", "-id"], name="hit_org_keyset")
        ]

    @property
    def matched_labels(self) -> list[str]:
        labels = dict(MatchKey.choices)
        return [str(labels.get(key, key)) for key in self.matched_on]


class RecordFeatures(models.Model):
    """The normalised comparison features of one record (``persons.linkage.features``), so
    that a new record finds its candidates by index instead of by a batch run: each indexed
    column is one of the model's blocking keys."""

    record = models.OneToOneField(
        PersonRecord, on_delete=models.CASCADE, primary_key=True, related_name="features"
    )
    # The features are sealed; the blocking-key columns hold blind indexes of their values
    # (``linking.blind_keys``), so candidates are still found by index.
    row = EncryptedJSONField()
    v_number = models.CharField(max_length=32, null=True, db_index=True)
    phone = models.CharField(max_length=32, null=True, db_index=True)
    name_sorted = models.CharField(max_length=400, null=True, db_index=True)
    name_key = models.CharField(max_length=400, null=True, db_index=True)
    key_first = models.CharField(max_length=100, null=True)
    key_last = models.CharField(max_length=100, null=True)
    dob_year = models.PositiveSmallIntegerField(null=True)
    dob_trusted = models.CharField(max_length=10, null=True)
    dob_md = models.CharField(max_length=5, null=True)
    nationality = models.CharField(max_length=3, null=True)
    key_given = models.CharField(max_length=100, null=True)
    key_second = models.CharField(max_length=100, null=True)
    dob = models.CharField(max_length=10, null=True)
    dob_span = models.PositiveSmallIntegerField(null=True)
    dob_span_shifted = models.PositiveSmallIntegerField(null=True)
    sex = models.CharField(max_length=1, null=True)

    class Meta:
        # One index per blocking rule (``linkage.model.BLOCKING_KEYS``); the name_key rule
        # uses the leading column of the first. name_sorted and name_key alone also serve
        # the name frequency counts.
        indexes = [
            models.Index(fields=["name_key", "dob_year"], name="features_key_year"),
            models.Index(fields=["name_key", "dob_md"], name="features_key_md"),
            models.Index(fields=["key_first", "dob_trusted"], name="features_first_dob"),
            models.Index(fields=["key_last", "dob_trusted"], name="features_last_dob"),
            models.Index(
                fields=["key_first", "key_last", "dob_year"], name="features_first_last_year"
            ),
            models.Index(fields=["dob_trusted", "nationality"], name="features_dob_nat"),
            models.Index(fields=["key_given", "dob"], name="features_given_dob"),
            models.Index(fields=["key_given", "key_second"], name="features_given_second"),
            models.Index(fields=["key_second", "dob"], name="features_second_dob"),
            models.Index(fields=["key_given", "dob_span"], name="features_given_span"),
            models.Index(fields=["key_given", "dob_span_shifted"], name="features_given_shift"),
            models.Index(fields=["key_given", "dob_md"], name="features_given_md"),
            models.Index(fields=["dob_trusted", "sex"], name="features_dob_sex"),
            models.Index(fields=["key_first", "dob_span", "sex"], name="features_first_span"),
            models.Index(
                fields=["key_first", "dob_span_shifted", "sex"], name="features_first_shift"
            ),
            models.Index(fields=["key_last", "dob_span", "sex"], name="features_last_span"),
            models.Index(
                fields=["key_last", "dob_span_shifted", "sex"], name="features_last_shift"
            ),
        ]


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("to be reviewed")
    CONFIRMED = "confirmed", _("same person")
    REJECTED = "rejected", _("different people")
    # The pair no longer needs a decision: a later run linked or separated it otherwise.
    SUPERSEDED = "superseded", _("no longer needed")


class MatchReview(models.Model):
    """A pair of records the model is unsure about, and what a coordinator decided.

    ``left`` is the record with the smaller identifier, so a pair has one row. Decisions
    (confirmed, rejected) are kept for good: every later online match and batch re-link
    follows them, and a split of a wrong link is recorded as rejections.
    """

    left = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    weight = models.FloatField()
    # The waterfall: [[comparison, level, match weight], ...] and the prior's weight.
    steps = models.JSONField(default=list)
    prior = models.FloatField(default=0.0)
    model_version = models.CharField(max_length=60, blank=True)
    status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_for = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="match_review_pair"),
            models.CheckConstraint(
                condition=models.Q(left__lt=models.F("right")), name="match_review_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "-probability"], name="match_review_queue")]


class TokenRecord(models.Model):
    """A partner's person record known to the index only by keyed tokens (ADR 0010): the
    partner's own reference, the key the tokens were made with, and the tokens."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="token_records"
    )
    reference = models.CharField(max_length=64)
    key_id = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="token_record_reference"
            )
        ]
        indexes = [models.Index(fields=["organisation", "-updated_at"], name="token_record_org")]


class PartnerToken(models.Model):
    """One keyed token (HMAC of a normalised feature, 128 bits hex) of a token record."""

    record = models.ForeignKey(TokenRecord, on_delete=models.CASCADE, related_name="tokens")
    kind = models.CharField(max_length=12)
    value = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "kind", "value"], name="partner_token_unique")
        ]
        indexes = [models.Index(fields=["value", "kind"], name="partner_token_value")]
