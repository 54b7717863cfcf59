"""Web pages for signals: thin views over forms, services and selectors."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.request_actor import get_actor
from ketenzicht.common.context import request_context
from ketenzicht.common.forms import add_service_errors, form_back_when_too_large
from ketenzicht.common.ratelimit import rate_limited
from ketenzicht.followup import access as followup_access
from ketenzicht.followup.forms import ComenshaForm, ReflectionForm
from ketenzicht.followup.selectors import attach_referrals
from ketenzicht.followup.victims import steppable_tracks, visible_tracks
from ketenzicht.policy import Projection
from ketenzicht.sharing.models import HandlingCode
from ketenzicht.sharing.selectors import disclosure_list
from ketenzicht.sharing.services import SharingRequest, signal_share
from ketenzicht.taxonomy.models import Element, IndicatorList
from ketenzicht.taxonomy.selectors import indicator_list

from .forms import (
    ImportForm,
    SharingForm,
    SignalFilterForm,
    SignalForm,
    SubjectFormSet,
    subject_defaults,
)
from .import_jobs import import_job_create
from .intake import SignalInput
from .models import Signal
from .selectors import (
    SignalFilters,
    import_job_list,
    signal_get,
    signal_list,
    signal_revisions,
)
from .services import signal_register, signal_update


def _indicator_groups(selected: set[str], age_group: str) -> list[dict[str, Any]]:
    """The indicators by ILO element, those of one age group's lists shown, each once; a
    ticked indicator of the other group stays shown so that switching loses nothing."""
    groups: OrderedDict[str, dict[str, Any]] = OrderedDict(
        (e.value, {"code": e.value, "label": e.label, "items": []}) for e in Element
    )
    lists = dict(IndicatorList.choices)
    for indicator in indicator_list().order_by("list", "code"):
        checked = indicator.code in selected
        groups[indicator.element]["items"].append(
            {
                "code": indicator.code,
                "label": indicator.label,
                "strength": indicator.get_strength_display(),
                "list": lists[indicator.list],
                "age_group": indicator.age_group,
                "terms": indicator.search_terms.replace(";", " "),
                "checked": checked,
                # The other age group's are sent hidden: the radios show them without
                # a round trip when scripts run; without, "show this list" reloads.
                "shown": checked or indicator.age_group == age_group,
            }
        )
    for group in groups.values():
        group["selected"] = sum(1 for item in group["items"] if item["checked"])
    return list(groups.values())


def _form_context(
    request: HttpRequest, form: SignalForm, formset: Any, **extra: Any
) -> dict[str, Any]:
    selected = set(form["indicators"].value() or [])
    age_group = form.age_group(formset)
    form.show_age_group(age_group)
    return {
        "form": form,
        "formset": formset,
        "indicator_groups": _indicator_groups(selected, age_group),
        "too_large_bytes": _too_large_bytes(request),
        **extra,
    }


def _too_large_bytes(request: HttpRequest) -> int | None:
    """The body limit in bytes when the POST was too large to read (see
    ``form_back_when_too_large``), else None."""
    if not getattr(request, "kz_body_too_large", False):
        return None
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def _with_added_subject(request: HttpRequest, prefix: str = "subjects") -> Any:
    """A bound formset with one more empty form, for the 'add a person' button."""
    data = request.POST.copy()
    total = int(data.get(f"{prefix}-TOTAL_FORMS", "0") or 0)
    if total < 20:
        data.update(subject_defaults(prefix, total))
    data[f"{prefix}-TOTAL_FORMS"] = str(min(total + 1, 20))
    return SubjectFormSet(data, prefix=prefix)


@login_required
@rate_limited("search")
def signal_list_view(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = SignalFilterForm(request.GET or None)
    filters = SignalFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = SignalFilters(
            kind=data["kind"],
            status=data["status"],
            observed_from=data["observed_from"],
            observed_to=data["observed_to"],
            municipality=data["municipality"],
            exploitation_type=data["exploitation_type"],
            search=data["q"],
        )
    try:
        page = signal_list(
            actor=actor,
            context=request_context(request, "web"),
            filters=filters,
            cursor=request.GET.get("cursor") or None,
        )
    except ValidationError:
        messages.error(request, _("This page link is not valid; showing the first page."))
        page = signal_list(actor=actor, context=request_context(request, "web"), filters=filters)
    next_query = None
    if page.next_cursor:
        query = request.GET.copy()
        query["cursor"] = page.next_cursor
        next_query = query.urlencode()
    return render(
        request,
        "signals/list.html",
        {
            "filter_form": form,
            "page": page,
            "next_query": next_query,
            "is_deep": bool(request.GET.get("cursor")),
            "may_register": policy.may_register(actor),
            "may_read": policy.may_read_signals(actor),
        },
    )


@form_back_when_too_large
@login_required
def signal_create_view(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if not policy.may_register(actor):
        raise PermissionDenied
    if request.method != "POST":
        form = SignalForm(actor=actor)
        formset = SubjectFormSet(prefix="subjects", initial=[{}])
        return render(
            request, "signals/form.html", _form_context(request, form, formset, creating=True)
        )

    form = SignalForm(request.POST, actor=actor)
    if "add_subject" in request.POST or "refresh_indicators" in request.POST:
        formset = (
            _with_added_subject(request)
            if "add_subject" in request.POST
            else SubjectFormSet(request.POST, prefix="subjects")
        )
        return render(
            request, "signals/form.html", _form_context(request, form, formset, creating=True)
        )
    formset = SubjectFormSet(request.POST, prefix="subjects")
    if form.is_valid() and formset.is_valid():
        subjects = [f.to_input() for f in formset if f.has_content()]
        try:
            signal = signal_register(
                actor=actor,
                context=request_context(request, "web"),
                data=form.to_input(subjects),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Signal %(ref)s has been registered.") % {"ref": signal.reference}
            )
            return redirect("signals:detail", signal_id=signal.pk)
    return render(
        request,
        "signals/form.html",
        _form_context(request, form, formset, creating=True),
        status=400,
    )


@login_required
def signal_detail_view(request: HttpRequest, signal_id: str) -> HttpResponse:
    actor = get_actor(request)
    signal = attach_referrals(
        actor=actor,
        signal=signal_get(
            actor=actor, context=request_context(request, "web"), signal_id=signal_id
        ),
    )
    if signal is None:
        raise Http404
    full = signal.projection == Projection.FULL
    indicators_by_element: OrderedDict[str, list[Any]] = OrderedDict()
    if full:
        labels = dict(Element.choices)
        for indicator in signal.indicators.all():
            indicators_by_element.setdefault(str(labels[indicator.element]), []).append(indicator)
    return render(
        request,
        "signals/detail.html",
        {
            "signal": signal,
            "full": full,
            "handling": _handling(signal),
            "indicators_by_element": indicators_by_element,
            "revisions": signal_revisions(actor=actor, signal=signal),
            "may_edit": policy.may_edit_signal(actor, signal),
            "disclosures": disclosure_list(actor=actor, signal=signal),
            **(_victim_track_context(actor, signal) if full else {}),
            "cases": (
                list(
                    followup_access.visible_cases(actor)
                    .filter(signals=signal)
                    .order_by("-created_at")
                )
                if full and policy.may_work_on_cases(actor)
                else None
            ),
        },
    )


def _victim_track_context(actor: Actor, signal: Signal) -> dict[str, Any]:
    tracks = list(
        visible_tracks(actor)
        .filter(subject__signal=signal)
        .select_related("subject__record")
        .order_by("pk")
    )
    steppable = set(
        steppable_tracks(actor).filter(pk__in=[t.pk for t in tracks]).values_list("pk", flat=True)
    )
    return {
        "victim_tracks": tracks,
        "steppable": steppable,
        "reflection_form": ReflectionForm(),
        "comensha_form": ComenshaForm(),
    }


def _handling(signal: Signal) -> list[str]:
    labels = dict(HandlingCode.choices)
    return [str(labels[c]) for c in signal.handling_codes if c in labels]


@login_required
def signal_share_view(request: HttpRequest, signal_id: str) -> HttpResponse:
    """Change how far a signal is shared; only the reporting organisation may."""
    actor = get_actor(request)
    context = request_context(request, "web")
    signal = signal_get(actor=actor, context=context, signal_id=signal_id, for_edit=True)
    if signal is None:
        raise Http404
    initial = {
        "distribution": signal.distribution,
        "sharing_group": signal.sharing_group.code if signal.sharing_group else "",
        "legal_basis": signal.legal_basis.code if signal.legal_basis else "",
        "legal_basis_note": signal.legal_basis_note,
        "handling_codes": signal.handling_codes,
    }
    form = SharingForm(request.POST or None, initial=initial, actor=actor, with_default=False)
    version = request.POST.get("version", str(signal.version))
    if request.method == "POST" and form.is_valid():
        try:
            signal_share(
                actor=actor,
                context=context,
                signal_id=signal.pk,
                request=SharingRequest(**form.sharing_values()),
                expected_version=int(version or 0),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Signal.DoesNotExist as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The sharing of this signal has been changed."))
            return redirect("signals:detail", signal_id=signal.pk)
    return render(
        request,
        "signals/share.html",
        {"form": form, "signal": signal, "version": version},
        status=400 if request.method == "POST" else 200,
    )


def _initial_from(signal: Signal) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    initial = {
        "kind": signal.kind,
        "observed_on": signal.observed_on,
        "municipality": signal.municipality_id,
        "location": signal.location_id,
        "exploitation_types": [t.code for t in signal.exploitation_types.all()],
        "indicators": [i.code for i in signal.indicators.all()],
        "control_methods": [c.code for c in signal.control_methods.all()],
        "source_reliability": signal.source_reliability,
        "information_credibility": signal.information_credibility,
        "narrative": signal.narrative,
    }
    subjects = []
    for subject in signal.subjects.all():
        record = subject.record
        subjects.append(
            {
                "subject_id": subject.pk,
                "role": subject.role,
                "given_name": record.given_name,
                "family_name": record.family_name,
                "aliases": ", ".join(record.aliases),
                "date_of_birth": record.date_of_birth,
                "dob_precision": record.dob_precision,
                "sex": record.sex,
                "nationality": record.nationality,
                "v_number": record.v_number,
                "phones": ", ".join(i.value for i in record.identifiers.all() if i.kind == "phone"),
                "restricted": subject.restricted,
            }
        )
    return initial, subjects


@form_back_when_too_large
@login_required
def signal_edit_view(request: HttpRequest, signal_id: str) -> HttpResponse:
    actor = get_actor(request)
    context = request_context(request, "web")
    signal = signal_get(actor=actor, context=context, signal_id=signal_id, for_edit=True)
    if signal is None:
        raise Http404
    if request.method != "POST":
        initial, subjects = _initial_from(signal)
        form = SignalForm(initial=initial, actor=actor, with_sharing=False)
        formset = SubjectFormSet(prefix="subjects", initial=subjects or [{}])
        return render(
            request,
            "signals/form.html",
            _form_context(request, form, formset, signal=signal, version=signal.version),
        )

    form = SignalForm(request.POST, actor=actor, with_sharing=False)
    version = request.POST.get("version", "")
    if "add_subject" in request.POST or "refresh_indicators" in request.POST:
        formset = (
            _with_added_subject(request)
            if "add_subject" in request.POST
            else SubjectFormSet(request.POST, prefix="subjects")
        )
        return render(
            request,
            "signals/form.html",
            _form_context(request, form, formset, signal=signal, version=version),
        )
    formset = SubjectFormSet(request.POST, prefix="subjects")
    if form.is_valid() and formset.is_valid():
        updates, new = [], []
        for subject_form in formset:
            if not subject_form.has_content():
                continue
            subject_id = subject_form.cleaned_data.get("subject_id")
            if subject_id:
                updates.append((subject_id, subject_form.to_input()))
            else:
                new.append(subject_form.to_input())
        data: SignalInput = form.to_input([])
        try:
            signal_update(
                actor=actor,
                context=context,
                signal_id=signal.pk,
                expected_version=int(version or 0),
                data=data,
                subject_updates=updates,
                new_subjects=new,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Signal.DoesNotExist as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("signals:detail", signal_id=signal.pk)
    return render(
        request,
        "signals/form.html",
        _form_context(request, form, formset, signal=signal, version=version),
        status=400,
    )


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if not policy.may_register(actor):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            form.add_error(
                "file",
                _("The file is larger than %(mb)s MB.")
                % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
            )
            status = 413
        elif not upload.name.lower().endswith((".csv", ".xlsx")):
            form.add_error("file", _("Upload a CSV or XLSX file."))
            status = 400
        else:
            job = import_job_create(
                actor=actor,
                context=request_context(request, "web"),
                filename=upload.name,
                content=upload.read(),
            )
            return redirect("signals:import-job", job_id=job.pk)
    elif request.method == "POST":
        status = 400
    jobs = import_job_list(actor=actor)[:10]
    return render(request, "signals/import.html", {"form": form, "jobs": jobs}, status=status)


@login_required
def import_job_view(request: HttpRequest, job_id: str) -> HttpResponse:
    actor = get_actor(request)
    job = import_job_list(actor=actor).filter(pk=job_id).first()
    if job is None:
        raise Http404
    template = (
        "signals/_import_job.html"
        if request.headers.get("HX-Request")
        else ("signals/import_job.html")
    )
    return render(
        request,
        template,
        {
            "job": job,
            "poll_url": reverse("signals:import-job", kwargs={"job_id": job.pk}),
        },
    )
