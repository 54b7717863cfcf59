from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ketenzicht import policy
from ketenzicht.accounts.request_actor import get_actor
from ketenzicht.common.context import request_context
from ketenzicht.common.forms import add_service_errors
from ketenzicht.monitor.figures import protect_sla
from ketenzicht.notifications.models import Message
from ketenzicht.notifications.services import messages_mark_read
from ketenzicht.sharing.guards import denied

from .forms import (
    LAST_TWELVE_MONTHS,
    InformationForm,
    SlaPeriodForm,
    StepChoiceForm,
    TransitionForm,
)
from .models import Referral
from .selectors import (
    ended_access_list,
    may_handle,
    next_steps,
    overdue,
    referral_get,
    referral_list,
    referral_state_counts,
    sla_rows,
)
from .services import referral_add_information, referral_transition
from .workflow import Step

# The inbox filters as they appear in the address (bookmarkable), and their states.
FILTERS = {"open": "open", "te-laat": "overdue", "gesloten": "closed"}


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    """Referrals received and sent, and the user's messages: the daily work list."""
    actor = get_actor(request)
    if request.method == "POST":
        messages_mark_read(actor=actor)
        return redirect("followup:inbox")
    context = request_context(request, "web")
    shown = request.GET.get("toon", "open")
    if shown not in FILTERS:
        shown = "open"
    state = FILTERS[shown]
    received = referral_list(
        actor=actor, context=context, direction="received", state=state, size=50
    )
    sent = referral_list(actor=actor, context=context, direction="sent", state=state, size=50)
    counts = {
        direction: referral_state_counts(actor=actor, direction=direction)
        for direction in ("received", "sent")
    }
    ended = ended_access_list(actor=actor, context=context) if policy.may_follow_up(actor) else []
    inbox = list(Message.objects.filter(user_id=actor.user_id)[:30])
    if not policy.may_follow_up(actor) and not inbox:
        raise denied(request, "referrals")
    return render(
        request,
        "followup/inbox.html",
        {
            "received": [(r, overdue(r)) for r in received.items],
            "sent": [(r, overdue(r)) for r in sent.items],
            "shown": shown,
            "state": state,
            "filters": [
                (
                    key,
                    FILTERS[key],
                    counts["received"][FILTERS[key]] + counts["sent"][FILTERS[key]],
                )
                for key in FILTERS
            ],
            "counts": counts,
            "ended": ended,
            "access_days": settings.REFERRAL_ACCESS_AFTER_CLOSE_DAYS,
            "inbox": inbox,
            "unread": sum(1 for m in inbox if m.read_at is None),
        },
    )


@login_required
def referral_view(request: HttpRequest, referral_id: str) -> HttpResponse:
    actor = get_actor(request)
    context = request_context(request, "web")
    referral = referral_get(actor=actor, context=context, referral_id=referral_id)
    if referral is None:
        raise Http404
    handler = may_handle(actor, referral)
    steps = next_steps(referral) if handler else []
    informing = request.POST.get("action") == "information"
    # Only the fields of the chosen step are shown (GET ?stap=, or the step posted).
    chooser = StepChoiceForm(
        request.GET if "stap" in request.GET else None,
        steps=steps,
        current=referral.status,
    )
    chosen = (
        request.POST.get("to", "")
        if request.method == "POST" and not informing
        else chooser.chosen(steps)
    )
    chooser.initial["stap"] = chosen
    form = (
        TransitionForm(
            None if informing else request.POST or None,
            steps=steps,
            step=chosen,
            current=referral.status,
            current_outcome=referral.outcome,
            to_organisation=referral.to_organisation_id,
        )
        if steps
        else None
    )
    reporter = not handler and policy.may_register(actor)
    information = InformationForm(request.POST if informing else None) if reporter else None
    if informing:
        if information is None:
            raise Http404
        if information.is_valid():
            updated = referral_add_information(
                actor=actor,
                context=context,
                referral_id=referral.pk,
                note=information.cleaned_data["information"],
            )
            if updated is None:
                raise Http404
            messages.success(request, _("The information has been sent to the receiving body."))
            return redirect("followup:referral", referral_id=referral.pk)
    elif request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            step = Step(
                # A step's form holds only that step's fields.
                to=data["to"],
                outcome=data.get("outcome", ""),
                outcome_reason=data.get("outcome_reason", ""),
                feedback=data.get("feedback", ""),
                note=data.get("note", ""),
                forward_to=data["forward_to"].pk if data.get("forward_to") else None,
            )
            try:
                referral_transition(
                    actor=actor,
                    context=context,
                    referral_id=referral.pk,
                    step=step,
                    expected_version=int(request.POST.get("version") or 0) or None,
                )
            except Referral.DoesNotExist as exc:
                raise Http404 from exc
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The referral has been updated."))
                return redirect("followup:referral", referral_id=referral.pk)
    return render(
        request,
        "followup/referral.html",
        {
            "referral": referral,
            "form": form,
            "chooser": chooser if len(steps) > 1 else None,
            "information": information,
            "handler": handler,
            "overdue": overdue(referral),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def sla_view(request: HttpRequest) -> HttpResponse:
    form = SlaPeriodForm(request.GET or {"period": LAST_TWELVE_MONTHS}, today=timezone.localdate())
    since, until = form.bounds()
    rows = sla_rows(
        actor=get_actor(request), context=request_context(request, "web"), since=since, until=until
    )
    if rows is None:
        raise Http404
    # Who may not read signals sees the counts as the monitor shows them (ADR 0025).
    protected = not policy.may_read_signals(get_actor(request))
    return render(
        request,
        "followup/sla.html",
        {
            "rows": protect_sla(rows) if protected else rows,
            "protected": protected,
            "form": form,
            "since": since,
            "until": until,
        },
        status=200 if form.is_valid() else 400,
    )
