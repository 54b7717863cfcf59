"""Administrator pages for the follow-up configuration: routing rules, combination rules and
deadline policies per receiving organisation."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ketenzicht.common.context import request_context
from ketenzicht.sharing.guards import administrator_or_404

from .configuration import configuration_save
from .forms import CombinationRuleForm, DeadlinePolicyForm, RoutingRuleForm
from .models import CombinationRule, DeadlinePolicy, RoutingRule

KINDS: dict[str, tuple[type[Model], type[forms.ModelForm]]] = {
    "routering": (RoutingRule, RoutingRuleForm),
    "combinaties": (CombinationRule, CombinationRuleForm),
    "termijnen": (DeadlinePolicy, DeadlinePolicyForm),
}


@login_required
def configuration_view(request: HttpRequest) -> HttpResponse:
    administrator_or_404(request)
    return render(
        request,
        "followup/configuration.html",
        {
            "routing_rules": RoutingRule.objects.select_related("target_organisation")
            .prefetch_related("exploitation_types", "municipalities")
            .all(),
            "combination_rules": CombinationRule.objects.select_related("target_organisation"),
            "deadline_policies": DeadlinePolicy.objects.select_related("organisation"),
            "default_acknowledge": settings.REFERRAL_ACKNOWLEDGE_DAYS,
            "default_outcome": settings.REFERRAL_OUTCOME_DAYS,
        },
    )


@login_required
def configuration_edit_view(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    actor = administrator_or_404(request)
    if kind not in KINDS:
        raise Http404
    model, form_class = KINDS[kind]
    instance = None
    if pk is not None:
        instance = model._default_manager.filter(pk=pk).first()
        if instance is None:
            raise Http404
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        configuration_save(actor=actor, context=request_context(request, "web"), form=form)
        messages.success(request, _("The configuration has been saved."))
        return redirect("followup:configuration")
    return render(
        request,
        "followup/configuration_form.html",
        {"form": form, "instance": instance, "title": model._meta.verbose_name},
        status=400 if request.method == "POST" else 200,
    )
