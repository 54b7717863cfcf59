from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ketenzicht.geo.models import Municipality
from ketenzicht.geo.sizes import LABELS as SIZE_LABELS

from .models import PublishedTable, SelfAssessment
from .tables import NATION

YES_NO = [("1", _("Yes")), ("0", _("No"))]


def _label(name: str) -> Any:
    # The lazy translation itself: the form is built at import, the label read per request.
    return getattr(SelfAssessment._meta.get_field(name), "verbose_name", name)


def _yes_no(name: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_label(name),
        choices=YES_NO,
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer yes or no.")},
    )


class SelfAssessmentForm(forms.Form):
    insight_presence = _yes_no("insight_presence")
    insight_scale = _yes_no("insight_scale")
    met_recently = _yes_no("met_recently")
    priority = forms.TypedChoiceField(
        label=_label("priority"),
        help_text=_("1 is very low, 5 very high."),
        choices=[(str(p), str(p)) for p in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a priority from 1 to 5.")},
    )
    policy_adopted = _yes_no("policy_adopted")
    signal_point = _yes_no("signal_point")
    care_coordinator = _yes_no("care_coordinator")

    @classmethod
    def initial_from(cls, assessment: SelfAssessment | None) -> dict[str, str]:
        if assessment is None:
            return {}
        initial = {n: "1" if getattr(assessment, n) else "0" for n in SelfAssessment.QUESTIONS}
        return initial | {"priority": str(assessment.priority)}


def area_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The monitor's area picker for those who may open every area: each kind of area an
    ``<optgroup>`` of its own, so that a screen reader announces the police unit Amsterdam
    apart from the municipality. Size classes only once their figures are published."""
    places = Municipality.objects.order_by()
    units = places.values_list("police_unit_code", "police_unit_name").distinct()
    provinces = places.values_list("province_code", "province_name").distinct()
    published = set(
        PublishedTable.objects.filter(scope__in=SIZE_LABELS).values_list("scope", flat=True)
    )
    sizes = [(code, str(label)) for code, label in SIZE_LABELS.items() if code in published]
    groups: list[tuple[str, list[tuple[str, str]]]] = [
        (str(_("Nation")), [(NATION, str(_("the Netherlands")))]),
        (str(_("Police units")), sorted(units, key=lambda pair: pair[1])),
        (str(_("Provinces")), sorted(provinces, key=lambda pair: pair[1])),
        (str(_("Size classes")), sizes),
        (str(_("Municipalities")), list(places.order_by("name").values_list("code", "name"))),
    ]
    return [(label, choices) for label, choices in groups if choices]
