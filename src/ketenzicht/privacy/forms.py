from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ketenzicht.common.forms import DateInput


class SubjectSearchForm(forms.Form):
    """Find the own organisation's records of the person who asks: by V-number, or by family
    name with the date of birth."""

    v_number = forms.RegexField(
        label=_("V-number"),
        regex=r"^\d{10}$",
        required=False,
        error_messages={"invalid": _("A V-number has ten digits.")},
    )
    family_name = forms.CharField(label=_("Family name"), required=False, max_length=200)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("v_number") and not data.get("family_name"):
            raise forms.ValidationError(_("Give a V-number or a family name."))
        return data


class SubjectExportForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference of the request"),
        max_length=100,
        help_text=_(
            "The number under which the request was registered: it is recorded with the "
            "export in the audit trail."
        ),
        error_messages={"required": _("Give the reference of the request.")},
    )
    fmt = forms.ChoiceField(
        label=_("Format"),
        choices=[("pdf", _("PDF, to send to the person")), ("json", _("JSON, machine-readable"))],
        initial="pdf",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a format.")},
    )
