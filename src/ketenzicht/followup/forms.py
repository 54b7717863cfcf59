from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from ketenzicht.accounts.models import LocationKind, Organisation, OrganisationType
from ketenzicht.common.forms import DateInput
from ketenzicht.sharing.models import SharingGroup

from .models import CombinationRule, DeadlinePolicy, Outcome, ReferralStatus, RoutingRule

# What each next status asks for (workflow.check decides what is complete): an outcome
# only with an outcome or when closing, forwarding and feedback only when closing.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    ReferralStatus.ACKNOWLEDGED: ("note",),
    ReferralStatus.IN_ASSESSMENT: ("note",),
    ReferralStatus.OUTCOME: ("outcome", "outcome_reason", "note"),
    ReferralStatus.CLOSED: ("outcome", "outcome_reason", "forward_to", "feedback", "note"),
}


class StepChoiceForm(forms.Form):
    """Which next step to fill in: a GET form, so the page shows only that step's fields
    (with or without script) and the address can be kept."""

    stap = forms.ChoiceField(label=_("Next status"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, steps: list[str], current: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["stap"]).choices = step_choices(steps, current)

    def chosen(self, steps: list[str]) -> str:
        """The step asked for, else the first one the workflow allows."""
        return self.cleaned_data["stap"] if self.is_valid() else (steps[0] if steps else "")


def step_choices(steps: list[str], current: str) -> list[tuple[str, Any]]:
    reopen = current in (ReferralStatus.CLOSED, ReferralStatus.OUTCOME)
    return [
        (
            s,
            _("Reopen: %(status)s") % {"status": ReferralStatus(s).label}
            if reopen and s == ReferralStatus.IN_ASSESSMENT
            else ReferralStatus(s).label,
        )
        for s in steps
    ]


class TransitionForm(forms.Form):
    """The next step of a received referral, with only the fields that step takes; the
    workflow decides what is complete."""

    to = forms.ChoiceField(label=_("Next status"), widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "–"), *Outcome.choices]
    )
    outcome_reason = forms.CharField(
        label=_("Reason for the outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required with the outcome 'no further action'."),
    )
    forward_to = forms.ModelChoiceField(
        label=_("Forward to"),
        required=False,
        queryset=Organisation.objects.order_by("name"),
        help_text=_("Only with the outcome 'forwarded to another body'."),
    )
    feedback = forms.CharField(
        label=_("Feedback to the reporter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the reporting organisation will read."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        steps: list[str],
        step: str = "",
        current: str = "",
        current_outcome: str = "",
        to_organisation: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["to"])
        field.choices = step_choices(steps, current)
        self.step = step if step in steps else (steps[0] if steps else "")
        self.initial.setdefault("to", self.step)
        for name in [n for n in self.fields if n != "to"]:
            if name not in STEP_FIELDS.get(self.step, ()):
                del self.fields[name]
        # Marked required so the label says so; the messages are the workflow's own.
        required = {
            "feedback": self.step == ReferralStatus.CLOSED,
            "outcome": self.step == ReferralStatus.OUTCOME
            or (self.step == ReferralStatus.CLOSED and not current_outcome),
            "note": self.step == ReferralStatus.IN_ASSESSMENT and current == ReferralStatus.CLOSED,
        }
        messages = {
            "feedback": _("Closing needs feedback to the reporter."),
            "outcome": _("Choose the outcome."),
            "note": _("Say what new information reopens the referral."),
        }
        for name, needed in required.items():
            if needed and name in self.fields:
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = messages[name]
        if "outcome" in self.fields:
            outcome = cast(forms.ChoiceField, self.fields["outcome"])
            # Forwarding hands the referral over and closes it (ADR 0022).
            outcome.choices = [
                ("", "–"),
                *(
                    c
                    for c in Outcome.choices
                    if self.step == ReferralStatus.CLOSED or c[0] != Outcome.FORWARDED
                ),
            ]
            if current_outcome and self.step == ReferralStatus.CLOSED:
                outcome.help_text = _("Leave empty to keep the outcome given before.")
        self.step_label = dict(step_choices(steps, current)).get(self.step, "")
        if "forward_to" not in self.fields:
            return
        forward = cast(forms.ModelChoiceField, self.fields["forward_to"])
        # Forward to another competent body: not to yourself, not to the rapporteur.
        forward.queryset = (
            Organisation.objects.exclude(pk=to_organisation)
            .exclude(type=OrganisationType.RAPPORTEUR)
            .order_by("name")
        )


LAST_TWELVE_MONTHS = "12m"


class SlaPeriodForm(forms.Form):
    """The period of the deadline figures: the last twelve months or a calendar year."""

    period = forms.ChoiceField(label=_("Period"))

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["period"])
        years = [(str(y), str(y)) for y in range(today.year, today.year - 6, -1)]
        field.choices = [(LAST_TWELVE_MONTHS, _("Last twelve months")), *years]
        self.today = today

    def bounds(self) -> tuple[dt.date, dt.date]:
        """First and last day of the chosen period (the default when invalid or empty)."""
        period = self.cleaned_data["period"] if self.is_valid() else LAST_TWELVE_MONTHS
        if period == LAST_TWELVE_MONTHS:
            return self.today - dt.timedelta(days=365), self.today
        year = int(period)
        return dt.date(year, 1, 1), min(dt.date(year, 12, 31), self.today)


class ReflectionForm(forms.Form):
    start = forms.DateField(
        label=_("Start of the reflection period"),
        widget=DateInput(),
        help_text=_("The day the presumed victim accepted the offer."),
    )
    dublin = forms.BooleanField(
        label=_("Dublin case (30 days instead of three months)"), required=False
    )


class ComenshaForm(forms.Form):
    consent_note = forms.CharField(
        label=_("Written consent"),
        required=False,
        max_length=300,
        help_text=_(
            "Police, KMar and the Labour Inspectorate register by law. Anyone else: the date "
            "and scope of the presumed victim's written consent."
        ),
    )


class CaseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    sharing_group = forms.ModelChoiceField(
        label=_("Share with"),
        required=False,
        queryset=SharingGroup.objects.none(),
        help_text=_("Members of the group see the case, its notes and decisions."),
    )
    signals = forms.CharField(
        label=_("Signals"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("References of the signals to group, e.g. 3F2A91C0, separated by commas."),
    )

    def __init__(self, *args: Any, organisation_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["sharing_group"])
        field.queryset = SharingGroup.objects.filter(organisations__id=organisation_id or 0)


class CaseSignalsForm(forms.Form):
    signals = forms.CharField(
        label=_("Add signals"),
        help_text=_("References of the signals to add, separated by commas."),
    )


class CaseNoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.BooleanField(label=_("This is a decision"), required=False)


class RoutingRuleForm(forms.ModelForm):
    location_kinds = forms.MultipleChoiceField(
        label=_("Location kinds (any of)"),
        choices=LocationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = RoutingRule
        fields = [
            "code",
            "name",
            "position",
            "active",
            "exploitation_types",
            "location_kinds",
            "municipalities",
            "target_kind",
            "target_organisation",
        ]
        widgets = {
            "exploitation_types": forms.CheckboxSelectMultiple,
            "municipalities": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "position": _(
                "Rules are tried from the lowest position up; the first that applies decides."
            ),
            "municipalities": _("Leave empty for every municipality."),
        }


class CombinationRuleForm(forms.ModelForm):
    class Meta:
        model = CombinationRule
        fields = [
            "code",
            "name",
            "active",
            "basis",
            "min_signals",
            "min_organisations",
            "window_days",
            "target_organisation",
        ]


class DeadlinePolicyForm(forms.ModelForm):
    class Meta:
        model = DeadlinePolicy
        fields = ["organisation", "acknowledge_days", "outcome_days"]


class InformationForm(forms.Form):
    """New information from the reporting side; a closed referral reopens with it."""

    information = forms.CharField(
        label=_("New information"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The receiving body is notified; a closed referral is reopened."),
    )
