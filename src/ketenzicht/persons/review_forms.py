"""Forms of the linkage review: a decision about a pair and the split of a wrong link."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .review_services import NOTE_MAX


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Are these records about the same person?"),
        widget=forms.RadioSelect,
        choices=[
            ("same", _("Yes, the same person")),
            ("different", _("No, different people")),
        ],
        error_messages={"required": _("Choose whether these records are the same person.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What the decision rests on, for colleagues and the audit. Only your organisation "
            "sees it."
        ),
    )


class SplitForm(forms.Form):
    note = forms.CharField(
        label=_("Why is this not the same person?"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The record is kept apart from every record it is linked with now, also other "
            "records of your own organisation, and earlier confirmations are reversed. Only "
            "your organisation sees this note."
        ),
        error_messages={"required": _("Give the reason why the link is wrong.")},
    )
