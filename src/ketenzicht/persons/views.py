from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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
    return render(
        request,
        "persons/detail.html",
        {"record": record, "own": record.organisation_id == actor.organisation_id},
    )


@login_required
def hit_list_view(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if not policy.may_receive_hits(actor):
        raise Http404
    open_only = request.GET.get("open") == "1"
    context = request_context(request, "web")
    try:
        page = hit_list(
            actor=actor, context=context, open_only=open_only, cursor=request.GET.get("cursor")
        )
    except ValidationError:
        page = hit_list(actor=actor, context=context, open_only=open_only)
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
    return redirect(request.POST.get("next") or "persons:hits")


@login_required
def attention_view(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    locations = list(policy.attention_locations(actor).select_related("municipality"))
    if not locations:
        raise Http404
    chosen = request.GET.get("locatie") or str(actor.location_id or locations[0].pk)
    location = next((loc for loc in locations if str(loc.pk) == chosen), None)
    if location is None:
        raise Http404
    rows = attention_list(
        actor=actor, context=request_context(request, "web"), location_id=location.pk
    )
    return render(
        request,
        "persons/attention.html",
        {"rows": rows, "location": location, "locations": locations},
    )
