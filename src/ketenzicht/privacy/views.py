"""The privacy officer's pages: find the person who asks, export what the organisation holds
about them (JSON or PDF), and see the retention periods in force."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ketenzicht import policy
from ketenzicht.accounts.request_actor import get_actor
from ketenzicht.common.context import request_context
from ketenzicht.common.ratelimit import rate_limited
from ketenzicht.sharing.guards import denied

from .documents import as_pdf
from .forms import SubjectExportForm, SubjectSearchForm
from .selectors import retention_overview
from .subject_access import subject_access_record, subject_access_report, subject_access_search


@login_required
@rate_limited("search")
def requests_view(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if not policy.may_answer_subject_access(actor):
        raise denied(request, "subject_access")
    # A search is sent as a form post, so a person's V-number or name never stands in an
    # address, the browser history or a log (ASVS 14.2.1).
    form = SubjectSearchForm(request.POST or None)
    found = None
    if form.is_valid():
        found = subject_access_search(
            actor=actor,
            context=request_context(request, "web"),
            v_number=form.cleaned_data["v_number"],
            family_name=form.cleaned_data["family_name"],
            date_of_birth=form.cleaned_data["date_of_birth"],
        )
    return render(
        request,
        "privacy/requests.html",
        {"form": form, "found": found, "retention": retention_overview()},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
@rate_limited("export")
def export_view(request: HttpRequest, person_id: str) -> HttpResponse:
    actor = get_actor(request)
    form = SubjectExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        context = replace(
            request_context(request, "web"), explanation=form.cleaned_data["reference"]
        )
        fmt = form.cleaned_data["fmt"]
        report = subject_access_report(actor=actor, context=context, person_id=person_id, fmt=fmt)
        if report is None:
            raise Http404
        return _download(report, fmt, form.cleaned_data["reference"])
    record = subject_access_record(
        actor=actor, context=request_context(request, "web"), person_id=person_id
    )
    if record is None:
        raise Http404
    return render(
        request,
        "privacy/export.html",
        {"record": record, "form": form},
        status=400 if form.is_bound else 200,
    )


def _download(report: dict[str, Any], fmt: str, reference: str) -> HttpResponse:
    if fmt == "pdf":
        response = HttpResponse(as_pdf(report), content_type="application/pdf")
    else:
        response = HttpResponse(
            json.dumps(report, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in reference)[:60]
    response["Content-Disposition"] = f'attachment; filename="inzage-{name}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
