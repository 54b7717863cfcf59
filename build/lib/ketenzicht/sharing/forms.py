from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from ketenzicht.accounts.selectors import organisation_list

from .selectors import legal_basis_list


class SharingGroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_("Short name used in the API and imports, such as noord-nederland."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example the covenant this group shares under."),
    )
    organisations = forms.TypedMultipleChoiceField(
        label=_("Organisations"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["organisations"])
        field.choices = [(o.pk, o.name) for o in organisation_list()]


class OrganisationSettingsForm(forms.Form):
    legal_basis = forms.ChoiceField(
        label=_("Default legal basis"),
        required=False,
        help_text=_("Used when a member shares a signal without choosing a basis."),
    )
    legal_basis_note = forms.CharField(
        label=_("Note on the legal basis"), max_length=300, required=False
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=200,
        required=False,
        help_text=_("Shown to partners with a hit or an attention-list entry."),
    )
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["legal_basis"])
        field.choices = [("", _("None: members choose each time"))] + [
            (b.code, b.label) for b in legal_basis_list()
        ]
