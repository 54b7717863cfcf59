from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ketenzicht.common.forms import DateInput

from .models import Action, ObjectType, Result


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    organisation = forms.CharField(label=_("Organisation code"), required=False, max_length=60)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("all"))] + Action.choices
    )
    result = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", _("all"))] + Result.choices
    )
    object_type = forms.ChoiceField(
        label=_("Object type"),
        required=False,
        choices=[("", _("all")), *ObjectType.choices],
    )
    object_id = forms.CharField(
        label=_("Object id"),
        required=False,
        max_length=100,
        help_text=_(
            "The full id of a signal, person or other object; the object type narrows it down."
        ),
    )
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput())
