from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ketenzicht.accounts.models import Organisation

from .models import Outcome, ReferralStatus


class TransitionForm(forms.Form):
    """The next step of a received referral; the workflow decides what is complete."""

    to = forms.ChoiceField(label=_("Next status"))
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "–"), *Outcome.choices]
    )
    outcome_reason = forms.CharField(
        label=_("Reason for the outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
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
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to close: what the reporting organisation will read."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, steps: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s, ReferralStatus(s).label) for s in steps]
