from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ketenzicht.accounts.request_actor import get_actor
from ketenzicht.common.context import request_context
from ketenzicht.sharing import policy

from .selectors import attention_list, hit_list, person_get
from .services import hit_acknowledge


@login_required
def person_detail_view(request: HttpRequest, person_id: str) -> HttpResponse:
    actor = get_actor(request)
    record = person_get(actor=actor, context=request_context(request, "web"), person_id=person_id)
    if record is None:
        raise Http404
    own = record.organisation_id == actor.organisation_id
    return render(
        request,
        "persons/detail.html",
        {
            "record": record,
            "own": own,
            "may_report_missing": own and policy.may_view_attention(actor),
            "missing_reports": record.missing_reports.all() if own else [],
        },
    )


@login_required
def hit_list_view(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    open_only = request.GET.get("open") == "1"
    context = request_context(request, "web")
    try:
        page = hit_list(
            actor=actor, context=context, open_only=open_only, cursor=request.GET.get("cursor")
        )
    except ValidationError:
        page = hit_list(actor=actor, context=context, open_only=open_only)
    if not policy.may_receive_hits(actor):
        raise Http404  # after the selector, which recorded the denied attempt
    next_query = None
    if page.next_cursor:
        query = request.GET.copy()
        query["cursor"] = page.next_cursor
        next_query = query.urlencode()
    return render(
        request,
        "persons/hits.html",
        {"page": page, "open_only": open_only, "next_query": next_query},
    )


@login_required
@require_POST
def hit_acknowledge_view(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = hit_acknowledge(
        actor=get_actor(request), context=request_context(request, "web"), notice_id=notice_id
    )
    if notice is None:
        raise Http404
    messages.success(request, _("The notice is marked as dealt with."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    return redirect(back or "persons:hits")


@login_required
def attention_view(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    locations = list(policy.attention_locations(actor).select_related("municipality"))
    chosen = request.GET.get("locatie", "")
    if not chosen:
        chosen = str(actor.location_id or (locations[0].pk if locations else 0))
    location_id = int(chosen) if chosen.isascii() and chosen.isdigit() and len(chosen) < 10 else 0
    # The selector decides and records a denial; an unknown location is the same denial.
    rows = attention_list(
        actor=actor, context=request_context(request, "web"), location_id=location_id
    )
    location = next((loc for loc in locations if loc.pk == location_id), None)
    if rows is None or location is None:
        raise Http404
    return render(
        request,
        "persons/attention.html",
        {"rows": rows, "location": location, "locations": locations},
    )
