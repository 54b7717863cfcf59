"""Errors as RFC 9457 problem details (``application/problem+json``), with field names."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .parsers import MAX_DEPTH

PROBLEM = "application/problem+json"


def _invalid_params(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """Flatten DRF's nested error detail into ``[{name, reason, code}]``."""
    params: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            path = f"{prefix}.{name}" if prefix and name else prefix or name
            params += _invalid_params(value, path)
    elif isinstance(detail, list):
        if all(isinstance(v, (str, exceptions.ErrorDetail)) for v in detail):
            for value in detail:
                params.append(
                    {
                        "name": prefix or "nonFieldErrors",
                        "reason": str(value),
                        "code": getattr(value, "code", "invalid") or "invalid",
                    }
                )
        else:
            for index, value in enumerate(detail):
                params += _invalid_params(value, f"{prefix}.{index}" if prefix else str(index))
    else:
        params.append(
            {
                "name": prefix or "nonFieldErrors",
                "reason": str(detail),
                "code": getattr(detail, "code", "invalid") or "invalid",
            }
        )
    return params


def problem_response(
    status_code: int, title: str, detail: str = "", invalid: list[dict[str, str]] | None = None
) -> Response:
    body: dict[str, Any] = {
        "type": f"https://ketenzicht.nl/problems/{status_code}",
        "title": title,
        "status": status_code,
    }
    if detail:
        body["detail"] = detail
    if invalid is not None:
        body["invalidParams"] = invalid
    return Response(body, status=status_code, content_type=PROBLEM)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, (Http404, PermissionDenied)):
        # Forbidden looks the same as nonexistent.
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            status.HTTP_400_BAD_REQUEST,
            _("Invalid input."),
            _("One or more fields are not valid."),
            _invalid_params(exc.detail),
        )
    if isinstance(exc, exceptions.ParseError):
        # DRF's text carries the parser's own (English) exception message.
        if exc.get_codes() == "too_deep":
            advice = _("Nest arrays and objects at most %(depth)s levels deep.") % {
                "depth": MAX_DEPTH
            }
        else:
            advice = _("Send a JSON object encoded as UTF-8.")
        return problem_response(
            status.HTTP_400_BAD_REQUEST, _("The request body is not valid JSON."), advice
        )
    detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
    result = problem_response(response.status_code, str(detail) or _("Error"), "")
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            result[header] = response[header]
    return result
