"""API v1 output shapes and query parameters, camelCase as the NL API Design Rules ask."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ketenzicht.persons.models import PersonRecord
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
    person = PersonSerializer(source="record")


class CodeListField(serializers.ListField):
    child = serializers.CharField()

    def __init__(self, relation: str, **kwargs: Any) -> None:
        self.relation = relation
        super().__init__(**kwargs)

    def get_attribute(self, instance: Signal) -> list[str]:
        return [item.code for item in getattr(instance, self.relation).all()]


class SignalSerializer(serializers.ModelSerializer):
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

    class Meta:
        model = Signal
        fields = [
            "id",
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
            "sourceReference",
            "version",
            "subjects",
        ]
        read_only_fields = fields


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


class SignalFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    status = serializers.CharField(required=False, max_length=20)
    observedFrom = serializers.DateField(required=False)
    observedTo = serializers.DateField(required=False)
    municipality = serializers.RegexField(r"^GM\d{4}$", required=False)
    exploitationType = serializers.CharField(required=False, max_length=20)
    cursor = serializers.CharField(required=False, max_length=200)
    pageSize = serializers.IntegerField(required=False, min_value=1, max_value=100)


class PersonFilterSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, max_length=100)
    vNumber = serializers.CharField(required=False, max_length=20)
    cursor = serializers.CharField(required=False, max_length=200)
    pageSize = serializers.IntegerField(required=False, min_value=1, max_value=100)
