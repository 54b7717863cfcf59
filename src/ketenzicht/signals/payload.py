"""The external (camelCase) shape of a new signal, validated once for the API and the import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rest_framework import serializers

from ketenzicht.persons.models import Sex
from ketenzicht.persons.validation import (
    DobPrecision,
    check_date_of_birth,
    parse_nationality,
    parse_phone,
    parse_v_number,
)
from ketenzicht.sharing.models import Distribution, HandlingCode

from .intake import SignalInput, SubjectInput
from .models import (
    InformationCredibility,
    Kind,
    SourceReliability,
    SubjectRole,
)
from .services import Vocabulary

MAX_SUBJECTS = 20


def _run(parser: Any, value: Any) -> Any:
    try:
        return parser(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc


class SubjectInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=SubjectRole.choices)
    givenName = serializers.CharField(max_length=200, required=False, allow_blank=True)
    familyName = serializers.CharField(max_length=200, required=False, allow_blank=True)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=20
    )
    dateOfBirth = serializers.DateField(required=False, allow_null=True)
    dateOfBirthPrecision = serializers.ChoiceField(
        choices=[(p, p) for p in DobPrecision.ALL],
        required=False,
        help_text=_(
            "exact, year, unknown or placeholder_jan1; default exact when a date is "
            "given, else unknown"
        ),
    )
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, default=Sex.UNKNOWN)
    nationality = serializers.CharField(
        max_length=3,
        required=False,
        allow_blank=True,
        help_text=_("ISO 3166-1 alpha-3, such as ERI"),
    )
    vNumber = serializers.CharField(max_length=20, required=False, allow_blank=True)
    phones = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=10
    )
    restricted = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "Keep this person's identity within the reporting organisation, even when the "
            "signal is shared."
        ),
    )

    def validate_nationality(self, value: str) -> str:
        return _run(parse_nationality, value) if value else ""

    def validate_vNumber(self, value: str) -> str:
        return _run(parse_v_number, value) if value else ""

    def validate_phones(self, value: list[str]) -> list[str]:
        return [_run(parse_phone, phone) for phone in value]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        dob = attrs.get("dateOfBirth")
        precision = attrs.get("dateOfBirthPrecision") or (
            DobPrecision.EXACT if dob else DobPrecision.UNKNOWN
        )
        try:
            attrs["dateOfBirth"] = check_date_of_birth(dob, precision)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"dateOfBirth": exc.messages}) from exc
        attrs["dateOfBirthPrecision"] = precision
        return attrs

    def to_input(self, attrs: dict[str, Any]) -> SubjectInput:
        return SubjectInput(
            role=attrs["role"],
            given_name=attrs.get("givenName", ""),
            family_name=attrs.get("familyName", ""),
            aliases=tuple(attrs.get("aliases", ())),
            date_of_birth=attrs["dateOfBirth"],
            dob_precision=attrs["dateOfBirthPrecision"],
            sex=attrs.get("sex", Sex.UNKNOWN),
            nationality=attrs.get("nationality", ""),
            v_number=attrs.get("vNumber", ""),
            phones=tuple(attrs.get("phones", ())),
            restricted=attrs.get("restricted", False),
        )


class SignalInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    observedOn = serializers.DateField()
    municipality = serializers.RegexField(
        r"^GM\d{4}$",
        max_length=6,
        error_messages={"invalid": _("Use a CBS municipality code such as GM1950.")},
    )
    location = serializers.IntegerField(required=False, allow_null=True)
    exploitationTypes = serializers.ListField(
        child=serializers.CharField(max_length=20),
        min_length=1,
        max_length=6,
        error_messages={
            "min_length": _("Choose at least one exploitation type."),
            "empty": _("Choose at least one exploitation type."),
        },
    )
    indicators = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=200
    )
    controlMethods = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=20
    )
    sourceReliability = serializers.ChoiceField(choices=SourceReliability.choices, required=False)
    informationCredibility = serializers.ChoiceField(
        choices=InformationCredibility.choices, required=False
    )
    narrative = serializers.CharField(max_length=20000)
    distribution = serializers.ChoiceField(
        choices=Distribution.choices,
        required=False,
        help_text=_(
            "Default: chain for a soft signal, organisation for a hard one (it reaches the "
            "competent body by referral)."
        ),
    )
    sharingGroup = serializers.SlugField(
        required=False, allow_blank=True, help_text=_("Code of the sharing group, for group.")
    )
    legalBasis = serializers.SlugField(
        required=False,
        allow_blank=True,
        help_text=_(
            "Code of the legal basis for sharing beyond your organisation; default: your "
            "organisation's default basis."
        ),
    )
    legalBasisNote = serializers.CharField(required=False, allow_blank=True, max_length=300)
    handlingCodes = serializers.ListField(
        child=serializers.ChoiceField(choices=HandlingCode.choices), required=False, max_length=4
    )
    sourceReference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    subjects = SubjectInputSerializer(many=True, required=False, max_length=MAX_SUBJECTS)  # type: ignore[call-arg]

    # Code and date checks here as well as in the service, so that one response (or one
    # import report) lists every problem of a signal, not only those of the first layer.
    def _vocabulary(self) -> Vocabulary:
        vocabulary: Vocabulary | None = self.context.get("vocabulary") or getattr(
            self, "_own_vocabulary", None
        )
        if vocabulary is None:
            vocabulary = self._own_vocabulary = Vocabulary()
        return vocabulary

    def _known(self, codes: list[str], known: dict[str, int]) -> list[str]:
        unknown = sorted({c for c in codes if c not in known})
        if unknown:
            raise serializers.ValidationError(
                _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return codes

    def validate_observedOn(self, value: dt.date) -> dt.date:
        if value > timezone.localdate():
            raise serializers.ValidationError(_("The observation date lies in the future."))
        return value

    def validate_municipality(self, value: str) -> str:
        if value not in self._vocabulary().municipalities:
            raise serializers.ValidationError(
                _("Unknown municipality code '%(code)s'.") % {"code": value}
            )
        return value

    def validate_exploitationTypes(self, value: list[str]) -> list[str]:
        return self._known(value, self._vocabulary().types)

    def validate_indicators(self, value: list[str]) -> list[str]:
        return self._known(value, self._vocabulary().indicators)

    def validate_controlMethods(self, value: list[str]) -> list[str]:
        return self._known(value, self._vocabulary().controls)

    def to_input(self, attrs: dict[str, Any] | None = None) -> SignalInput:
        """The typed input from validated data (``attrs`` from ``run_validation``, or
        ``validated_data`` after ``is_valid``)."""
        data = self.validated_data if attrs is None else attrs
        subject_serializer = SubjectInputSerializer()
        return SignalInput(
            kind=data["kind"],
            observed_on=data["observedOn"],
            municipality_code=data["municipality"],
            location_id=data.get("location"),
            exploitation_type_codes=tuple(data["exploitationTypes"]),
            indicator_codes=tuple(data.get("indicators", ())),
            control_method_codes=tuple(data.get("controlMethods", ())),
            source_reliability=data.get("sourceReliability", SourceReliability.X),
            information_credibility=data.get("informationCredibility", InformationCredibility.FOUR),
            narrative=data["narrative"],
            distribution=data.get("distribution", ""),
            sharing_group=data.get("sharingGroup", ""),
            legal_basis=data.get("legalBasis", ""),
            legal_basis_note=data.get("legalBasisNote", ""),
            handling_codes=tuple(data.get("handlingCodes", ())),
            source_reference=data.get("sourceReference", ""),
            subjects=tuple(subject_serializer.to_input(s) for s in data.get("subjects", [])),
        )
