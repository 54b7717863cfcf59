from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ketenzicht.accounts.request_actor import get_actor
from ketenzicht.common.context import request_context

from .selectors import person_get


@login_required
def person_detail_view(request: HttpRequest, person_id: str) -> HttpResponse:
    record = person_get(
        actor=get_actor(request), context=request_context(request, "web"), person_id=person_id
    )
    if record is None:
        raise Http404
    return render(request, "persons/detail.html", {"record": record})
