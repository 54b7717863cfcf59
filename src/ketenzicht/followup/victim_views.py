"""Pages of the victim track: the steps on a presumed victim's track (reflection period,
CoMensha registration) and reception's report that a resident left with unknown destination."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ketenzicht import policy
from ketenzicht.accounts.request_actor import get_actor
from ketenzicht.common.context import request_context
from ketenzicht.common.forms import add_service_errors
from ketenzicht.persons.selectors import person_get
from ketenzicht.sharing.guards import denied

from .forms import ComenshaForm, ReflectionForm
from .victims import comensha_register, reflection_offer, resident_missing, steppable_track_get

STEPS = {"bedenktijd": ReflectionForm, "comensha": ComenshaForm}


@login_required
@require_http_methods(["POST"])
def victim_step_view(request: HttpRequest, track_id: int, step: str) -> HttpResponse:
    """Record one step of a victim track; the services decide who may and record it."""
    if step not in STEPS:
        raise Http404
    actor = get_actor(request)
    context = request_context(request, "web")
    form = STEPS[step](request.POST)
    track = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "bedenktijd":
                track = reflection_offer(
                    actor=actor,
                    context=context,
                    track_id=track_id,
                    start=data["start"],
                    dublin=data["dublin"],
                )
            else:
                track = comensha_register(
                    actor=actor,
                    context=context,
                    track_id=track_id,
                    consent_note=data["consent_note"],
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if track is None:
                raise Http404
            messages.success(request, _("The step has been recorded."))
            return redirect("signals:detail", signal_id=track.subject.signal_id)
    # Invalid: show the step's form with its errors, for a track the actor may change.
    track = steppable_track_get(actor=actor, context=context, track_id=track_id)
    if track is None:
        raise Http404
    return render(
        request,
        "followup/victim_step.html",
        {"track": track, "form": form, "step": step},
        status=400,
    )


@login_required
def resident_missing_view(request: HttpRequest, person_id: str) -> HttpResponse:
    """Reception reports that a resident left with unknown destination: confirm, then alert."""
    actor = get_actor(request)
    context = request_context(request, "web")
    if not policy.may_view_attention(actor):
        raise denied(request, "attention_list")
    record = person_get(actor=actor, context=context, person_id=person_id)
    if record is None or record.organisation_id != actor.organisation_id or not record.location_id:
        raise Http404
    if request.method == "POST":
        try:
            report = resident_missing(actor=actor, context=context, record_id=record.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("persons:detail", person_id=record.pk)
        if report is None:
            raise Http404
        if report.alerted:
            messages.warning(
                request,
                _("Reported. Because this is a flagged minor, these organisations were alerted: %s")
                % ", ".join(report.alerted),
            )
        else:
            messages.success(
                request, _("Reported that the resident left with unknown destination.")
            )
        return redirect("persons:detail", person_id=record.pk)
    return render(request, "followup/resident_missing.html", {"record": record})
