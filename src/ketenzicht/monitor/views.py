from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ketenzicht import policy
from ketenzicht.accounts.request_actor import get_actor
from ketenzicht.common.context import request_context
from ketenzicht.common.forms import add_service_errors
from ketenzicht.common.ratelimit import rate_limited
from ketenzicht.geo.models import Municipality
from ketenzicht.sharing.guards import denied

from . import access
from .assessment import (
    own_self_assessment,
    self_assessment_figures,
    self_assessment_refused,
    self_assessment_save,
)
from .charts import charts
from .exports import as_csv, as_xlsx
from .forms import SelfAssessmentForm, area_groups
from .report import as_pdf
from .selectors import monitor_dashboard
from .tables import NATION


@login_required
def monitor_home_view(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if not policy.may_view_aggregates(actor):
        raise denied(request, "aggregates")
    chosen = request.GET.get("gebied", "")
    if chosen and chosen.isalnum() and len(chosen) <= 8:
        return redirect("monitor:area", scope=chosen)
    scope = access.monitor_home_scope(actor)
    if scope is None:
        raise denied(request, "aggregates")
    return redirect("monitor:area", scope=scope)


@login_required
def monitor_area_view(request: HttpRequest, scope: str) -> HttpResponse:
    actor = get_actor(request)
    dashboard = monitor_dashboard(actor=actor, context=request_context(request, "web"), scope=scope)
    if dashboard is None:
        raise Http404
    national = access.may_view_monitor_area(actor, NATION)
    context = request_context(request, "web")
    own = (
        own_self_assessment(actor=actor, context=context)
        if scope == actor.municipality_code
        else None
    )
    figures = self_assessment_figures(actor=actor, context=context) if scope == NATION else None
    return render(
        request,
        "monitor/area.html",
        {
            "dashboard": dashboard,
            "national": national,
            "area_groups": area_groups() if national else [],
            **charts(dashboard),
            "own_assessment": own,
            "assessment_figures": figures,
        },
    )


@login_required
def monitor_self_assessment_view(request: HttpRequest) -> HttpResponse:
    """The yearly self-assessment of the analyst's own municipality."""
    actor = get_actor(request)
    context = request_context(request, "web")
    own = own_self_assessment(actor=actor, context=context)
    if own is None:
        self_assessment_refused(actor=actor, context=context)
        raise Http404
    form = SelfAssessmentForm(
        request.POST or None, initial=SelfAssessmentForm.initial_from(own.assessment)
    )
    if request.method == "POST" and form.is_valid():
        try:
            self_assessment_save(actor=actor, context=context, answers=form.cleaned_data)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The self-assessment has been saved."))
            return redirect("monitor:area", scope=actor.municipality_code)
    return render(
        request,
        "monitor/self_assessment.html",
        {
            "form": form,
            "own": own,
            "municipality": Municipality.objects.get(code=actor.municipality_code),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@rate_limited("export")
def monitor_export_view(request: HttpRequest, scope: str, fmt: str) -> HttpResponse:
    actor = get_actor(request)
    dashboard = monitor_dashboard(
        actor=actor, context=request_context(request, "web"), scope=scope, exporting=fmt
    )
    if dashboard is None:
        raise Http404
    name = f"monitor-{scope}"
    if fmt == "pdf":
        pdf = as_pdf(dashboard)
        response = HttpResponse(pdf, content_type="application/pdf")
    elif fmt == "xlsx":
        response = HttpResponse(
            as_xlsx(dashboard),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(as_csv(dashboard), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
