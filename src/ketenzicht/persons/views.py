from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ketenzicht import policy
from ketenzicht.accounts.request_actor import get_actor
from ketenzicht.common.context import request_context
from ketenzicht.common.forms import add_service_errors

from .hit_selectors import attention_list, hit_list
from .hit_services import hit_acknowledge
from .intake_linking import THRESHOLDS
from .models import ReviewStatus
from .review_forms import ReviewDecisionForm, SplitForm
from .review_selectors import Step, match_review_get, match_review_queue
from .review_services import match_review_decide, person_split
from .selectors import linked_organisations, person_get


@login_required
def person_detail_view(
    request: HttpRequest, person_id: str, split_form: SplitForm | None = None
) -> HttpResponse:
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
            "linked": linked_organisations(actor, record),
            "split_form": split_form or SplitForm(),
        },
        status=400 if split_form is not None else 200,
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


# -- match reviews -------------------------------------------------------------------------

CHART_WIDTH = 420
LABEL_WIDTH = 200
ROW_HEIGHT = 26


def _bars(steps: list[Step]) -> dict[str, object]:
    """Geometry of the waterfall: one bar per step from the running total before it to the
    one after, on a scale that holds every running total and zero."""
    ends = [0.0, *(s.start for s in steps), *(s.end for s in steps)]
    low, high = min(ends), max(ends)
    span = (high - low) or 1.0

    def x(value: float) -> float:
        return round(LABEL_WIDTH + (value - low) / span * CHART_WIDTH, 1)

    bars = [
        {
            "label": s.comparison,
            "text_y": i * ROW_HEIGHT + 18,
            "y": i * ROW_HEIGHT + 4,
            "x": min(x(s.start), x(s.end)),
            "width": max(abs(x(s.end) - x(s.start)), 1.5),
            "positive": s.weight >= 0,
        }
        for i, s in enumerate(steps)
    ]
    return {
        "bars": bars,
        "zero": x(0.0),
        "width": LABEL_WIDTH + CHART_WIDTH,
        "height": len(steps) * ROW_HEIGHT + 8,
    }


@login_required
def review_list_view(request: HttpRequest) -> HttpResponse:
    decided = request.GET.get("besloten") == "1"
    views = match_review_queue(
        actor=get_actor(request), context=request_context(request, "web"), decided=decided
    )
    if views is None:
        raise Http404
    return render(
        request,
        "persons/reviews.html",
        {"views": views, "decided": decided, "thresholds": THRESHOLDS},
    )


@login_required
def review_detail_view(request: HttpRequest, review_id: int) -> HttpResponse:
    actor = get_actor(request)
    context = request_context(request, "web")
    form = ReviewDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        same = form.cleaned_data["decision"] == "same"
        try:
            decided = match_review_decide(
                actor=actor,
                context=context,
                review_id=review_id,
                same=same,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if decided is None:
                if policy.visible_match_reviews(actor).filter(pk=review_id).exists():
                    # Decided meanwhile, by a colleague or the other organisation.
                    messages.info(request, _("This pair has already been decided."))
                    return redirect("persons:review", review_id=review_id)
                raise Http404
            messages.success(
                request,
                _("Recorded: the same person.")
                if same
                else _("Recorded: different people. They will not be linked."),
            )
            return redirect("persons:reviews")
    view = match_review_get(actor=actor, context=context, review_id=review_id)
    if view is None:
        raise Http404
    return render(
        request,
        "persons/review.html",
        {
            "view": view,
            "chart": _bars(view.steps),
            "thresholds": THRESHOLDS,
            "form": form if view.review.status == ReviewStatus.PENDING else None,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def split_view(request: HttpRequest, person_id: str) -> HttpResponse:
    actor = get_actor(request)
    context = request_context(request, "web")
    form = SplitForm(request.POST)
    if form.is_valid():
        try:
            record = person_split(
                actor=actor, context=context, record_id=person_id, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if record is None:
                raise Http404
            messages.success(
                request,
                _("The link is split. This record will not be linked to those records again."),
            )
            return redirect("persons:detail", record.pk)
    return person_detail_view(request, person_id, split_form=form)
