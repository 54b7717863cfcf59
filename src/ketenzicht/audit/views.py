from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ketenzicht import policy
from ketenzicht.accounts.request_actor import get_actor
from ketenzicht.common.context import request_context
from ketenzicht.sharing.guards import denied

from .explanations import explanation_shown
from .forms import AuditFilterForm
from .selectors import AuditFilters, audit_event_list


@login_required
def audit_list_view(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if not policy.may_read_audit(actor):
        raise denied(request, "audit_trail")
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A filter that cannot be applied lists nothing, rather than everything.
        return render(request, "audit/list.html", {"form": form, "rows": [], "refused": True})
    filters = AuditFilters(**form.cleaned_data) if form.is_bound else AuditFilters()
    before = request.GET.get("before", "")
    events, next_id = audit_event_list(
        actor=actor,
        context=request_context(request, "web"),
        filters=filters,
        before_id=int(before) if before.isdigit() else None,
    )
    next_query = None
    if next_id:
        query = request.GET.copy()
        query["before"] = str(next_id)
        next_query = query.urlencode()
    rows = [(event, explanation_shown(event.explanation)) for event in events]
    return render(
        request, "audit/list.html", {"form": form, "rows": rows, "next_query": next_query}
    )
