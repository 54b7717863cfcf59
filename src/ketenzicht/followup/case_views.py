"""Pages of joint-analysis cases: the list, a new case, and one case with its signals,
notes and decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ketenzicht import policy
from ketenzicht.accounts.request_actor import get_actor
from ketenzicht.common.context import request_context
from ketenzicht.common.forms import add_service_errors
from ketenzicht.sharing.guards import denied

from .cases import case_add_signals, case_close, case_create, case_note_add
from .forms import CaseForm, CaseNoteForm, CaseSignalsForm
from .selectors import case_get, case_list


@login_required
def case_list_view(request: HttpRequest) -> HttpResponse:
    cases = case_list(actor=get_actor(request), context=request_context(request, "web"))
    if cases is None:
        raise Http404
    return render(request, "followup/cases.html", {"cases": cases})


@login_required
def case_create_view(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    context = request_context(request, "web")
    initial = {"signals": request.GET.get("signaal", "")[:200]}
    form = CaseForm(request.POST or None, initial=initial, organisation_id=actor.organisation_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_create(
                actor=actor,
                context=context,
                name=data["name"],
                references=data["signals"],
                sharing_group_id=data["sharing_group"].pk if data["sharing_group"] else None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if case is None:
                raise Http404
            messages.success(request, _("The case has been opened."))
            return redirect("followup:case", case_id=case.pk)
    elif not policy.may_work_on_cases(actor):
        raise denied(request, "cases")
    status = 400 if request.method == "POST" else 200
    return render(request, "followup/case_form.html", {"form": form}, status=status)


@login_required
def case_view(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = get_actor(request)
    context = request_context(request, "web")
    note_form = CaseNoteForm(request.POST if request.POST.get("action") == "note" else None)
    signals_form = CaseSignalsForm(
        request.POST if request.POST.get("action") == "signals" else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            done: Any = None
            if action == "note" and note_form.is_valid():
                done = case_note_add(
                    actor=actor,
                    context=context,
                    case_id=case_id,
                    text=note_form.cleaned_data["text"],
                    decision=note_form.cleaned_data["decision"],
                )
            elif action == "signals" and signals_form.is_valid():
                done = case_add_signals(
                    actor=actor,
                    context=context,
                    case_id=case_id,
                    references=signals_form.cleaned_data["signals"],
                )
            elif action == "close":
                done = case_close(actor=actor, context=context, case_id=case_id)
            elif action not in ("note", "signals"):
                raise Http404
        except ValidationError as exc:
            add_service_errors(note_form if action == "note" else signals_form, exc)
        else:
            if done is not None:
                messages.success(request, _("The case has been updated."))
                return redirect("followup:case", case_id=case_id)
            if note_form.is_valid() or signals_form.is_valid() or action == "close":
                raise Http404  # not the actor's to change: looks the same as unknown
    case = case_get(actor=actor, context=context, case_id=case_id)
    if case is None:
        raise Http404
    return render(
        request,
        "followup/case.html",
        {
            "case": case,
            "own": case.organisation_id == actor.organisation_id,
            "note_form": note_form,
            "signals_form": signals_form,
        },
        status=400 if request.method == "POST" else 200,
    )
