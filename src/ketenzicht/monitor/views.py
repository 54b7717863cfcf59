from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ketenzicht.accounts.request_actor import get_actor
from ketenzicht.common.context import request_context
from ketenzicht.geo.models import Municipality
from ketenzicht.sharing import policy

from .selectors import monitor_dashboard
from .tables import NATION


@login_required
def monitor_home_view(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if not policy.may_view_aggregates(actor):
        raise Http404
    chosen = request.GET.get("gebied", "")
    if chosen and chosen.isalnum() and len(chosen) <= 8:
        return redirect("monitor:area", scope=chosen)
    own = actor.municipality_code
    if (
        own
        and policy.may_view_monitor_area(actor, own)
        and not policy.may_view_monitor_area(actor, NATION)
    ):
        return redirect("monitor:area", scope=own)
    return redirect("monitor:area", scope=NATION)


@login_required
def monitor_area_view(request: HttpRequest, scope: str) -> HttpResponse:
    actor = get_actor(request)
    dashboard = monitor_dashboard(actor=actor, context=request_context(request, "web"), scope=scope)
    if dashboard is None:
        raise Http404
    national = policy.may_view_monitor_area(actor, NATION)
    return render(
        request,
        "monitor/area.html",
        {
            "dashboard": dashboard,
            "national": national,
            "municipalities": Municipality.objects.order_by("name") if national else [],
        },
    )
