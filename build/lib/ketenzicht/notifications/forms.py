from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel


class SubscriptionForm(forms.Form):
    callback_url = forms.CharField(
        label=_("Callback URL"),
        max_length=500,
        help_text=_(
            "Where the partner system receives events, e.g. https://partner.example/hooks."
        ),
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    filters = forms.CharField(
        label=_("Filters"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One attribute=value per line, e.g. kind=minor; all must hold."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_filters(self) -> dict[str, str]:
        filters: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["filters"].splitlines(), start=1):
            if not line.strip():
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise forms.ValidationError(_("Line %(n)s is not attribute=value.") % {"n": number})
            filters[key.strip()] = value.strip()
        return filters
