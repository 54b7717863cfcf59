"""Web forms for signals. Validation reuses the person parsers the API and import use."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.selectors import location_list
from ketenzicht.common.forms import DateInput
from ketenzicht.geo.selectors import municipality_list
from ketenzicht.persons.models import DobPrecisionChoice, Sex
from ketenzicht.persons.validation import (
    DobPrecision,
    check_date_of_birth,
    nationality_choices,
    parse_nationality,
    parse_phone,
    parse_v_number,
)
from ketenzicht.sharing.models import Distribution, HandlingCode
from ketenzicht.sharing.selectors import legal_basis_list, organisation_defaults, sharing_group_list
from ketenzicht.taxonomy.models import AgeGroup
from ketenzicht.taxonomy.selectors import (
    control_method_list,
    exploitation_type_list,
    indicator_list,
)

from .intake import SignalInput, SubjectInput
from .models import (
    InformationCredibility,
    Kind,
    SourceReliability,
    Status,
    SubjectRole,
)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


class ChoicesMixin:
    fields: dict[str, forms.Field]

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = cast(forms.ChoiceField, self.fields[name])
        return field


SHARING_FIELDS = (
    "distribution",
    "sharing_group",
    "legal_basis",
    "legal_basis_note",
    "handling_codes",
)


class SharingForm(ChoicesMixin, forms.Form):
    """How far a signal may travel. The service decides; this form only collects."""

    distribution = forms.ChoiceField(
        label=_("Who may see this signal"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Chain partners with a need to know: coordinators and investigators of every chain "
            "organisation; their frontline staff see only that someone needs attention and "
            "whom to contact."
        ),
    )
    sharing_group = forms.ChoiceField(label=_("Sharing group"), required=False)
    legal_basis = forms.ChoiceField(
        label=_("Legal basis for sharing"),
        required=False,
        help_text=_("Needed when the signal is shared beyond your organisation."),
    )
    legal_basis_note = forms.CharField(
        label=_("Note on the legal basis"),
        max_length=300,
        required=False,
        help_text=_("For consent: its scope. For a covenant: its reference."),
    )
    handling_codes = forms.MultipleChoiceField(
        label=_("Handling codes"),
        required=False,
        choices=HandlingCode.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Conditions every recipient sees with the signal."),
    )

    def __init__(self, *args: Any, actor: Actor, with_default: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = list(Distribution.choices)
        if with_default:
            choices.insert(
                0,
                (
                    "",
                    _(
                        "Default: a soft signal goes to chain partners, a hard signal stays "
                        "in your organisation until it is referred"
                    ),
                ),
            )
        self._choice_field("distribution").choices = choices
        self._choice_field("sharing_group").choices = [("", _("No sharing group"))] + [
            (g.code, g.name) for g in sharing_group_list(organisation_id=actor.organisation_id)
        ]
        defaults = organisation_defaults(organisation_id=actor.organisation_id)
        default_label = str(_("The default of your organisation"))
        if defaults is not None and defaults.legal_basis is not None:
            default_label = _("The default of your organisation: %(basis)s") % {
                "basis": defaults.legal_basis.label
            }
        self._choice_field("legal_basis").choices = [("", default_label)] + [
            (b.code, b.label) for b in legal_basis_list()
        ]

    def sharing_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "distribution": data.get("distribution", ""),
            "sharing_group": data.get("sharing_group", ""),
            "legal_basis": data.get("legal_basis", ""),
            "legal_basis_note": data.get("legal_basis_note", ""),
            "handling_codes": tuple(data.get("handling_codes", ())),
        }


class SignalForm(SharingForm):
    kind = forms.ChoiceField(
        label=_("Kind of signal"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        help_text=_("Hard: concrete enough to start an investigation. Soft: a concern."),
    )
    observed_on = forms.DateField(label=_("Observed on"), widget=DateInput())
    municipality = forms.ChoiceField(label=_("Municipality"))
    location = forms.TypedChoiceField(
        label=_("Location"), required=False, coerce=int, empty_value=None
    )
    exploitation_types = forms.MultipleChoiceField(
        label=_("Exploitation types"), widget=forms.CheckboxSelectMultiple
    )
    indicators = forms.MultipleChoiceField(
        label=_("Indicators"), required=False, widget=forms.CheckboxSelectMultiple
    )
    control_methods = forms.MultipleChoiceField(
        label=_("Methods of control"), required=False, widget=forms.CheckboxSelectMultiple
    )
    # Only chooses which indicator list is shown; not stored (the ticked codes say it).
    indicator_age = forms.ChoiceField(
        label=_("Indicators for"),
        required=False,
        choices=AgeGroup.choices,
        widget=forms.RadioSelect,
        help_text=_("Follows the presumed victim's date of birth unless you choose."),
    )
    source_reliability = forms.ChoiceField(
        label=_("Source reliability"),
        choices=SourceReliability.choices,
        initial=SourceReliability.X,
    )
    information_credibility = forms.ChoiceField(
        label=_("Information credibility"),
        choices=InformationCredibility.choices,
        initial=InformationCredibility.FOUR,
    )
    narrative = forms.CharField(
        label=_("What did you observe?"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "max_length": _(
                "The description may hold at most %(limit_value)d characters; it now has "
                "%(show_value)d. Shorten it: everything else you entered is kept."
            )
        },
        help_text=_("Facts first: who, what, where, when. Keep opinions apart."),
    )

    def __init__(self, *args: Any, actor: Actor, with_sharing: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)

        if not with_sharing:  # an edit changes sharing on its own page
            for name in SHARING_FIELDS:
                del self.fields[name]

        self.actor = actor
        self._choice_field("municipality").choices = [("", _("Choose a municipality"))] + [
            (m.code, m.name) for m in municipality_list()
        ]
        self._choice_field("location").choices = [("", _("No specific location"))] + [
            (loc.pk, f"{loc.name} ({loc.municipality.name})")
            for loc in location_list(organisation_id=actor.organisation_id)
        ]
        self._choice_field("exploitation_types").choices = [
            (t.code, t.label) for t in exploitation_type_list()
        ]
        self._choice_field("indicators").choices = [(i.code, i.label) for i in indicator_list()]
        self._choice_field("control_methods").choices = [
            (c.code, c.label) for c in control_method_list()
        ]
        if not self.is_bound and not self.initial.get("observed_on"):
            self.fields["observed_on"].initial = timezone.localdate()
        if not self.is_bound and actor.municipality_code:
            self.fields["municipality"].initial = actor.municipality_code
            self.fields["location"].initial = actor.location_id

    def age_group(self, formset: Any) -> str:
        """Which indicator list to show: as chosen, else children when a ticked indicator
        is from a children's list or a presumed victim is under 18, else adults."""
        chosen = self["indicator_age"].value()
        if chosen in AgeGroup.values:
            return str(chosen)
        codes = self["indicators"].value() or []
        if any(str(code).startswith("C") for code in codes):
            return AgeGroup.CHILD
        observed = _as_date(self["observed_on"].value()) or timezone.localdate()
        for subject in getattr(formset, "forms", []):
            if subject["role"].value() != SubjectRole.PRESUMED_VICTIM:
                continue
            born = _as_date(subject["date_of_birth"].value())
            if born is not None and _age(born, observed) < 18:
                return AgeGroup.CHILD
        return AgeGroup.ADULT

    def show_age_group(self, age_group: str) -> None:
        """Check the radio of the list in use, also when it was derived, not chosen."""
        if self.is_bound:
            data = cast(QueryDict, self.data).copy()
            data["indicator_age"] = age_group
            self.data = data
        else:
            self.initial["indicator_age"] = age_group
        # The bound field keeps the value it was first read with.
        cast(dict[str, Any], getattr(self, "_bound_fields_cache")).pop("indicator_age", None)  # noqa: B009

    def clean_observed_on(self) -> Any:
        value = self.cleaned_data["observed_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The observation date lies in the future."))
        return value

    def to_input(self, subjects: list[SubjectInput]) -> SignalInput:
        data = self.cleaned_data
        return SignalInput(
            kind=data["kind"],
            observed_on=data["observed_on"],
            municipality_code=data["municipality"],
            location_id=data["location"],
            exploitation_type_codes=tuple(data["exploitation_types"]),
            indicator_codes=tuple(data["indicators"]),
            control_method_codes=tuple(data["control_methods"]),
            source_reliability=data["source_reliability"],
            information_credibility=data["information_credibility"],
            narrative=data["narrative"],
            subjects=tuple(subjects),
            **(self.sharing_values() if "distribution" in self.fields else {}),
        )


class SubjectForm(ChoicesMixin, forms.Form):
    subject_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("Choose a role")), *SubjectRole.choices], required=False
    )
    given_name = forms.CharField(label=_("Given names"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    aliases = forms.CharField(
        label=_("Aliases"),
        max_length=1000,
        required=False,
        help_text=_("Other names or spellings, separated by commas."),
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    dob_precision = forms.ChoiceField(
        label=_("How certain is the date of birth?"),
        choices=DobPrecisionChoice.choices,
        initial=DobPrecision.EXACT,
    )
    # "unknown" first and preselected: a person added without a look at this field must
    # not be saved as the first option (female).
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[(Sex.UNKNOWN.value, Sex.UNKNOWN.label)]
        + [choice for choice in Sex.choices if choice[0] != Sex.UNKNOWN],
        initial=Sex.UNKNOWN,
    )
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    v_number = forms.CharField(
        label=_("V-number"),
        max_length=20,
        required=False,
        help_text=_("10 digits, as issued by the IND."),
    )
    phones = forms.CharField(
        label=_("Phone numbers"),
        max_length=400,
        required=False,
        help_text=_("Separate several numbers with commas."),
    )
    restricted = forms.BooleanField(
        label=_("Keep this person's identity within my organisation"),
        required=False,
        help_text=_("Partners who see the signal then see that a person is involved, not who."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choice_field("nationality").choices = [("", _("unknown")), *nationality_choices()]

    def has_content(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(
            data.get(f)
            for f in (
                "role",
                "given_name",
                "family_name",
                "v_number",
                "phones",
                "date_of_birth",
                "nationality",
                "aliases",
            )
        )

    def clean_v_number(self) -> str:
        value = self.cleaned_data["v_number"]
        return parse_v_number(value) if value else ""

    def clean_nationality(self) -> str:
        value = self.cleaned_data["nationality"]
        return parse_nationality(value) if value else ""

    def clean_phones(self) -> list[str]:
        return [parse_phone(p) for p in _split(self.cleaned_data["phones"])]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.has_content() and not data.get("role"):
            self.add_error("role", _("Choose the role of this person in the signal."))
        if "date_of_birth" in data and "dob_precision" in data:
            precision = data["dob_precision"]
            if data["date_of_birth"] is None:
                # No date given: whatever precision was left selected, the date is unknown.
                precision = DobPrecision.UNKNOWN
                data["dob_precision"] = precision
            try:
                data["date_of_birth"] = check_date_of_birth(data["date_of_birth"], precision)
            except ValidationError as exc:
                self.add_error("date_of_birth", exc)
        return data

    def to_input(self) -> SubjectInput:
        data = self.cleaned_data
        return SubjectInput(
            role=data["role"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            aliases=tuple(_split(data["aliases"])),
            date_of_birth=data["date_of_birth"],
            dob_precision=data["dob_precision"],
            sex=data["sex"],
            nationality=data["nationality"],
            v_number=data["v_number"],
            phones=tuple(data["phones"]),
            restricted=data.get("restricted", False),
        )


SubjectFormSet = formset_factory(SubjectForm, extra=0, max_num=20, validate_max=True)


def subject_defaults(prefix: str, index: int) -> dict[str, str]:
    """The posted values of a person added by the "add a person" button: the form's own
    initial values, so the new (bound) form starts on them and not on each select's first
    option, and stays unchanged (no errors) until the user fills it in."""
    form = SubjectForm()
    return {
        f"{prefix}-{index}-{name}": str(form.fields[name].initial)
        for name in ("dob_precision", "sex")
    }


class SignalFilterForm(ChoicesMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Reference, V-number or name"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all"))] + Kind.choices
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all"))] + Status.choices
    )
    observed_from = forms.DateField(label=_("Observed from"), required=False, widget=DateInput())
    observed_to = forms.DateField(label=_("Observed until"), required=False, widget=DateInput())
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    exploitation_type = forms.ChoiceField(label=_("Exploitation type"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choice_field("municipality").choices = [("", _("all"))] + [
            (m.code, m.name) for m in municipality_list()
        ]
        self._choice_field("exploitation_type").choices = [("", _("all"))] + [
            (t.code, t.label) for t in exploitation_type_list()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("observed_from"), data.get("observed_to")
        if start and end and start > end:
            self.add_error("observed_to", _("The end of the period lies before its start."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("One row per subject; rows with the same reference form one signal."),
    )
