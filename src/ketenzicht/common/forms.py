"""Helpers shared by the forms of every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as ISO 8601 whatever the language."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def add_service_errors(form: Form, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form: field errors on their fields when
    the form has them, everything else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def form_back_when_too_large(view: ViewFunc) -> ViewFunc:
    """Mark a form view: a POST body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` gets the
    form back (its GET rendering, with ``request.kz_body_too_large`` set) instead of the
    bare 400 page. Nothing of such a body is read, so nothing of it is saved or kept."""
    setattr(view, "kz_form_back", True)  # noqa: B010  # a marker the 400 handler reads
    return view


def body_too_large_response(request: HttpRequest) -> HttpResponse | None:
    """The 413 answer of a marked form view to a body too large to read, or None."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if not getattr(match.func, "kz_form_back", False):
        return None
    request.method = "GET"
    setattr(request, "kz_body_too_large", True)  # noqa: B010
    response: HttpResponse = match.func(request, *match.args, **match.kwargs)
    response.status_code = 413
    return response
