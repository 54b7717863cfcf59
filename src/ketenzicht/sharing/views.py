"""Pages for the sharing health figure and for administering sharing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ketenzicht import policy
from ketenzicht.accounts.models import Organisation
from ketenzicht.accounts.request_actor import get_actor
from ketenzicht.common.context import request_context
from ketenzicht.common.forms import add_service_errors
from ketenzicht.monitor.figures import protect_health

from .forms import OrganisationSettingsForm, SharingGroupForm
from .guards import administrator_or_404
from .selectors import organisation_settings_list, sharing_group_list, sharing_health
from .services import organisation_settings_save, sharing_group_save


@login_required
def health_view(request: HttpRequest) -> HttpResponse:
    health = sharing_health(actor=get_actor(request), context=request_context(request, "web"))
    if health is None:
        raise Http404
    # Who may not read signals sees the counts as the monitor shows them (ADR 0025).
    protected = not policy.may_read_signals(get_actor(request))
    return render(
        request,
        "sharing/health.html",
        {"health": protect_health(health) if protected else health, "protected": protected},
    )


@login_required
def group_list_view(request: HttpRequest) -> HttpResponse:
    administrator_or_404(request)
    return render(request, "sharing/groups.html", {"groups": sharing_group_list()})


@login_required
def group_edit_view(request: HttpRequest, group_id: int | None = None) -> HttpResponse:
    actor = administrator_or_404(request)
    group = None
    if group_id is not None:
        group = sharing_group_list().filter(pk=group_id).first()
        if group is None:
            raise Http404
    initial = (
        {
            "name": group.name,
            "code": group.code,
            "description": group.description,
            "organisations": [o.pk for o in group.organisations.all()],
        }
        if group
        else {}
    )
    form = SharingGroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sharing_group_save(
                actor=actor,
                context=request_context(request, "web"),
                code=data["code"],
                name=data["name"],
                description=data["description"],
                organisation_ids=data["organisations"],
                group_id=group.pk if group else None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The sharing group has been saved."))
            return redirect("sharing:groups")
    status = 400 if request.method == "POST" else 200
    return render(request, "sharing/group_form.html", {"form": form, "group": group}, status=status)


@login_required
def organisation_list_view(request: HttpRequest) -> HttpResponse:
    administrator_or_404(request)
    return render(
        request, "sharing/organisations.html", {"organisations": organisation_settings_list()}
    )


@login_required
def organisation_edit_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    actor = administrator_or_404(request)
    organisation: Organisation | None = (
        organisation_settings_list().filter(pk=organisation_id).first()
    )
    if organisation is None:
        raise Http404
    defaults = getattr(organisation, "sharing_defaults", None)
    initial = {
        "legal_basis": defaults.legal_basis.code if defaults and defaults.legal_basis else "",
        "legal_basis_note": defaults.legal_basis_note if defaults else "",
        "contact_name": organisation.contact_name,
        "contact_phone": organisation.contact_phone,
        "contact_email": organisation.contact_email,
    }
    form = OrganisationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organisation_settings_save(
                actor=actor,
                context=request_context(request, "web"),
                organisation_id=organisation.pk,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The settings have been saved."))
            return redirect("sharing:organisations")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "sharing/organisation_form.html",
        {"form": form, "organisation": organisation},
        status=status,
    )
