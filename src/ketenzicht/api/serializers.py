"""API v1 output shapes and query parameters, camelCase as the NL API Design Rules ask."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ketenzicht.followup.selectors import overdue
from ketenzicht.persons.models import PersonRecord
from ketenzicht.sharing.models import Distribution, HandlingCode
from ketenzicht.signals.models import Kind, Signal
from ketenzicht.signals.payload import SignalInputSerializer, SubjectInputSerializer

__all__ = ["SignalInputSerializer", "SubjectInputSerializer"]


class PhoneListField(serializers.ListField):
    child = serializers.CharField()

    def get_attribute(self, instance: PersonRecord) -> list[str]:
        return [i.value for i in instance.identifiers.all() if i.kind == "phone"]


class PersonSerializer(serializers.ModelSerializer):
    givenName = serializers.CharField(source="given_name")
    familyName = serializers.CharField(source="family_name")
    aliases = serializers.ListField(child=serializers.CharField())
    dateOfBirth = serializers.DateField(source="date_of_birth", allow_null=True)
    dateOfBirthPrecision = serializers.CharField(source="dob_precision")
    vNumber = serializers.CharField(source="v_number")
    phones = PhoneListField()
    organisation: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    registeredAt = serializers.DateTimeField(source="created_at")

    class Meta:
        model = PersonRecord
        fields = [
            "id",
            "organisation",
            "givenName",
            "familyName",
            "aliases",
            "dateOfBirth",
            "dateOfBirthPrecision",
            "sex",
            "nationality",
            "vNumber",
            "phones",
            "registeredAt",
        ]
        read_only_fields = fields


class SubjectSerializer(serializers.Serializer):
    role = serializers.CharField()
    restricted = serializers.BooleanField()
    person = PersonSerializer(source="record")


class ContactSerializer(serializers.Serializer):
    """Whom partners call: the organisation's designated contact, not an individual's account."""

    organisation = serializers.CharField(source="code")
    organisationName = serializers.CharField(source="name")
    name = serializers.CharField(source="contact_name")
    phone = serializers.CharField(source="contact_phone")
    email = serializers.CharField(source="contact_email")


class CodeListField(serializers.ListField):
    child = serializers.CharField()

    def __init__(self, relation: str, **kwargs: Any) -> None:
        self.relation = relation
        super().__init__(**kwargs)

    def get_attribute(self, instance: Signal) -> list[str]:
        return [item.code for item in getattr(instance, self.relation).all()]


class SignalSerializer(serializers.ModelSerializer):
    """A signal in full: what roles with a need to know see of a signal shared with them."""

    projection = serializers.CharField(
        default="full", help_text="How much of the signal you see: full."
    )
    observedOn = serializers.DateField(source="observed_on")
    registeredAt = serializers.DateTimeField(source="received_at")
    municipality = serializers.CharField(source="municipality_id")
    location = serializers.IntegerField(source="location_id", allow_null=True)
    organisation: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    exploitationTypes = CodeListField("exploitation_types")
    indicators = CodeListField("indicators")
    controlMethods = CodeListField("control_methods")
    sourceReliability = serializers.CharField(source="source_reliability")
    informationCredibility = serializers.CharField(source="information_credibility")
    sourceReference = serializers.CharField(source="source_reference")
    subjects = SubjectSerializer(many=True)
    sharingGroup: serializers.SlugRelatedField = serializers.SlugRelatedField(
        source="sharing_group", slug_field="code", read_only=True, allow_null=True
    )
    legalBasis: serializers.SlugRelatedField = serializers.SlugRelatedField(
        source="legal_basis", slug_field="code", read_only=True, allow_null=True
    )
    legalBasisNote = serializers.CharField(source="legal_basis_note")
    handlingCodes = serializers.ListField(source="handling_codes", child=serializers.CharField())
    contact = ContactSerializer(source="organisation")
    referrals = serializers.SerializerMethodField(
        help_text="Where the signal went, its status and the feedback for the reporter."
    )

    def to_representation(self, instance: Signal) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["projection"] = "full"
        return data

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_referrals(self, signal: Signal) -> list[dict[str, Any]]:
        return list(ReferralSerializer(getattr(signal, "referral_list", []), many=True).data)

    class Meta:
        model = Signal
        fields = [
            "id",
            "projection",
            "kind",
            "status",
            "organisation",
            "observedOn",
            "registeredAt",
            "municipality",
            "location",
            "exploitationTypes",
            "indicators",
            "controlMethods",
            "sourceReliability",
            "informationCredibility",
            "narrative",
            "distribution",
            "sharingGroup",
            "legalBasis",
            "legalBasisNote",
            "handlingCodes",
            "contact",
            "sourceReference",
            "version",
            "subjects",
            "referrals",
        ]
        read_only_fields = fields


class SignalAttentionSerializer(serializers.Serializer):
    """The attention projection: that a partner registered a signal, whether it names a
    presumed victim, and whom to contact. No narrative, no people, no indicators."""

    id = serializers.UUIDField()
    projection = serializers.CharField(help_text="How much of the signal you see: attention.")
    kind = serializers.CharField()
    organisation = serializers.CharField(source="organisation.code")
    registeredAt = serializers.DateTimeField(source="received_at")
    namesPresumedVictim = serializers.BooleanField(source="names_victim")
    handlingCodes = serializers.ListField(source="handling_codes", child=serializers.CharField())
    contact = ContactSerializer(source="organisation")

    def to_representation(self, instance: Signal) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["projection"] = "attention"
        return data


class SignalSharingSerializer(serializers.Serializer):
    """A change of how far a signal is shared (PATCH)."""

    distribution = serializers.ChoiceField(choices=Distribution.choices)
    sharingGroup = serializers.SlugField(required=False, allow_blank=True)
    legalBasis = serializers.SlugField(required=False, allow_blank=True)
    legalBasisNote = serializers.CharField(required=False, allow_blank=True, max_length=300)
    handlingCodes = serializers.ListField(
        child=serializers.ChoiceField(choices=HandlingCode.choices), required=False, max_length=4
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version you started from; refused with 409 if someone changed it since.",
    )


class SubjectSummarySerializer(serializers.Serializer):
    role = serializers.CharField()
    person = serializers.UUIDField(source="person_id")


class SignalSummarySerializer(serializers.Serializer):
    """List rows: the signal, its types and who it is about (persons by id only), so a page
    of 25 costs three queries and no nested person serialisation."""

    id = serializers.UUIDField(source="signal.id")
    kind = serializers.CharField(source="signal.kind")
    status = serializers.CharField(source="signal.status")
    organisation = serializers.CharField(source="signal.organisation.code")
    observedOn = serializers.DateField(source="signal.observed_on")
    registeredAt = serializers.DateTimeField(source="signal.received_at")
    municipality = serializers.CharField(source="signal.municipality_id")
    exploitationTypes = serializers.SerializerMethodField()
    sourceReliability = serializers.CharField(source="signal.source_reliability")
    informationCredibility = serializers.CharField(source="signal.information_credibility")
    subjects = SubjectSummarySerializer(many=True)

    def get_exploitationTypes(self, row: Any) -> list[str]:  # noqa: N802
        return [t.code for t in row.exploitation_types]


class SignalPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = SignalSummarySerializer(many=True)


class PersonPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = PersonSerializer(many=True)


class QuerySerializer(serializers.Serializer):
    """Query parameters: a parameter that is sent must have a value. Django REST framework
    reads an empty query value as "not sent", so ``?status=`` would silently list
    everything; refused instead, field by field."""

    def to_internal_value(self, data: Any) -> Any:
        empty: dict[str, list[str]] = {
            str(name): [str(_("Leave out a parameter you do not use; it may not be empty."))]
            for name in self.fields
            if name in data and data.get(name) == ""
        }
        if empty:
            raise serializers.ValidationError(empty)
        return super().to_internal_value(data)


class SignalFilterSerializer(QuerySerializer):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    status = serializers.CharField(required=False, max_length=20)
    observedFrom = serializers.DateField(required=False)
    observedTo = serializers.DateField(required=False)
    municipality = serializers.RegexField(r"^GM\d{4}$", required=False)
    exploitationType = serializers.CharField(required=False, max_length=20)
    cursor = serializers.CharField(required=False, max_length=200)
    pageSize = serializers.IntegerField(required=False, min_value=1, max_value=100)


class PersonFilterSerializer(QuerySerializer):
    name = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Whole words of the name or an alias, in any order, case and accents "
        "ignored; names are encrypted at rest, so parts of words do not match.",
    )
    vNumber = serializers.CharField(required=False, max_length=20, help_text="Exact V-number.")
    cursor = serializers.CharField(required=False, max_length=200)
    pageSize = serializers.IntegerField(required=False, min_value=1, max_value=100)


class HitSerializer(serializers.Serializer):
    """A match notice: never the other organisation's content."""

    id = serializers.IntegerField(source="notice.pk")
    person = serializers.UUIDField(source="notice.record_id", help_text="Your person record.")
    personName = serializers.CharField(source="notice.record.display_name")
    ownSignals = serializers.ListField(source="own_signals", child=serializers.CharField())
    otherOrganisation = ContactSerializer(source="notice.other_organisation")
    otherSignals = serializers.ListField(
        source="other_signals",
        child=serializers.CharField(),
        help_text="Their signal numbers, to refer to when you call them.",
    )
    since = serializers.DateTimeField(source="notice.since")
    matchedOn = serializers.ListField(source="notice.matched_on", child=serializers.CharField())
    createdAt = serializers.DateTimeField(source="notice.created_at")
    acknowledgedAt = serializers.DateTimeField(source="notice.acknowledged_at", allow_null=True)


class HitPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = HitSerializer(many=True)


class HitFilterSerializer(QuerySerializer):
    open = serializers.BooleanField(
        required=False, help_text="Only notices not yet marked as dealt with."
    )
    cursor = serializers.CharField(required=False, max_length=200)
    pageSize = serializers.IntegerField(required=False, min_value=1, max_value=100)


class HitUpdateSerializer(serializers.Serializer):
    acknowledged = serializers.BooleanField(help_text="true marks the notice as dealt with.")


class AttentionReasonSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["signal", "hit"])
    contact = ContactSerializer(source="organisation")
    since = serializers.DateTimeField()
    signal = serializers.UUIDField(
        source="signal_id", allow_null=True, help_text="Only when the signal is shared with you."
    )
    signalReference = serializers.CharField(source="signal_reference")
    narrative = serializers.CharField(help_text="Empty unless the signal is shared with you.")
    handlingCodes = serializers.ListField(source="handling_codes", child=serializers.CharField())


class AttentionResidentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    givenName = serializers.CharField(source="given_name")
    familyName = serializers.CharField(source="family_name")
    vNumber = serializers.CharField(source="v_number")
    dateOfBirth = serializers.DateField(source="date_of_birth", allow_null=True)


class AttentionSerializer(serializers.Serializer):
    resident = AttentionResidentSerializer()
    possibleVictim = serializers.BooleanField(source="possible_victim")
    reasons = AttentionReasonSerializer(many=True)


class AttentionListSerializer(serializers.Serializer):
    location = serializers.CharField()
    results = AttentionSerializer(many=True)


class AttentionFilterSerializer(QuerySerializer):
    location = serializers.SlugField(
        required=False, help_text="Location code; default: your own location."
    )


# -- follow-up ---------------------------------------------------------------------------


class ReferralSerializer(serializers.Serializer):
    """A referral as its sender and its receiver see it: where it went and why, its status
    against the deadlines, and the outcome with feedback for the reporter."""

    id = serializers.UUIDField()
    reference = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    signals = serializers.SerializerMethodField(
        help_text="The referred signals you may see in full."
    )
    fromOrganisation = serializers.CharField(source="from_organisation.code")
    toOrganisation = ContactSerializer(source="to_organisation")
    reason = serializers.CharField(help_text="Why this body: the rule that routed it.")
    outcome = serializers.CharField()
    outcomeReason = serializers.CharField(source="outcome_reason")
    feedback = serializers.CharField(help_text="The receiving body's feedback to the reporter.")
    sentAt = serializers.DateTimeField(source="sent_at")
    acknowledgeDue = serializers.DateField(source="acknowledge_due")
    outcomeDue = serializers.DateField(source="outcome_due")
    acknowledgedAt = serializers.DateTimeField(source="acknowledged_at", allow_null=True)
    closedAt = serializers.DateTimeField(source="closed_at", allow_null=True)
    overdue = serializers.SerializerMethodField(
        help_text='"acknowledge" or "outcome" when that deadline has passed, else "".'
    )
    version = serializers.IntegerField()

    def get_signals(self, referral: Any) -> list[str]:
        return [str(s.pk) for s in getattr(referral, "visible_signals", [])]

    def get_overdue(self, referral: Any) -> str:
        return overdue(referral)


class ReferralPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = ReferralSerializer(many=True)


class ReferralFilterSerializer(QuerySerializer):
    signal = serializers.UUIDField(required=False)
    status = serializers.ChoiceField(
        required=False, choices=["sent", "acknowledged", "in_assessment", "outcome", "closed"]
    )
    direction = serializers.ChoiceField(required=False, choices=["received", "sent"])
    cursor = serializers.CharField(required=False, max_length=200)
    pageSize = serializers.IntegerField(required=False, min_value=1, max_value=100)


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=["acknowledged", "in_assessment", "outcome", "closed"],
        help_text="The next status; see the workflow in the API description.",
    )
    outcome = serializers.ChoiceField(
        required=False,
        allow_blank=True,
        choices=["investigation_started", "victim_care_started", "forwarded", "no_further_action"],
    )
    outcomeReason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    feedback = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, help_text="Required to close."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    forwardTo = serializers.SlugField(
        required=False, allow_blank=True, help_text="Organisation code, with outcome forwarded."
    )
    version = serializers.IntegerField(required=False, min_value=1)


class SubscriptionSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    callbackUrl = serializers.URLField(source="callback_url", max_length=500)
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=["referrals", "victims", "hits"]), min_length=1
    )
    filters = serializers.DictField(
        child=serializers.CharField(max_length=100),
        required=False,
        help_text='Attributes (kenmerken) that must match, e.g. {"status": "closed"}.',
    )
    active = serializers.BooleanField(required=False, default=True)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)


class SubscriptionCreatedSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="HMAC-SHA256 key for the X-Ketenzicht-Signature header; shown only now.",
    )


class SubscriptionPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = SubscriptionSerializer(many=True)


# -- privacy-preserving hit/no-hit (keyed tokens, ADR 0010) ---------------------------------


class TokenSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["v_number", "phone", "name_dob", "key_dob"],
        help_text="Which normalised feature the token was made of (see `ketenzicht tokens`).",
    )
    value = serializers.RegexField(
        r"^[0-9a-f]{32}$",
        help_text="HMAC-SHA-256 under the partners' key, first 128 bits, lower-case hex.",
        error_messages={"invalid": _("A token is 32 lower-case hexadecimal characters.")},
    )


class TokenRecordPutSerializer(serializers.Serializer):
    keyId = serializers.RegexField(
        r"^[A-Za-z0-9._-]{1,32}$",
        help_text="Which shared key made the tokens (rotation).",
        error_messages={
            "invalid": _("Use 1 to 32 letters, digits or . _ - for the key identifier.")
        },
    )
    tokens = serializers.ListField(child=TokenSerializer(), min_length=1, max_length=20)


class TokenHitSerializer(serializers.Serializer):
    contact = ContactSerializer(source="organisation")
    kinds = serializers.ListField(child=serializers.CharField(), help_text="Token kinds in common.")
    since = serializers.DateTimeField(help_text="When that organisation first sent the token.")


class TokenRecordSerializer(serializers.Serializer):
    reference = serializers.CharField(source="record.reference", help_text="Your own reference.")
    keyId = serializers.CharField(source="record.key_id")
    updatedAt = serializers.DateTimeField(source="record.updated_at")
    hits = TokenHitSerializer(many=True)


class TokenRecordListSerializer(serializers.Serializer):
    results = TokenRecordSerializer(many=True)


class TokenHitFilterSerializer(QuerySerializer):
    since = serializers.DateTimeField(
        required=False,
        help_text="Only records whose own or matching tokens arrived or changed since then.",
    )
