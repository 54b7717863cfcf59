"""Bodies larger than the largest accepted upload are refused before they are read (ASVS
5.2.1): by their declared length in a middleware that runs before anything reads the body
(the CSRF check reads forms), and, for a body sent without a length, by an upload handler
that stops reading once the files pass the limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

# Room for the form fields and multipart boundaries around the file.
MARGIN = 1024 * 1024


def body_limit() -> int:
    return int(settings.IMPORT_MAX_BYTES) + MARGIN


class RequestSizeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > body_limit():
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "type": "https://ketenzicht.nl/problems/413",
                        "title": "Request too large",
                        "status": 413,
                    },
                    status=413,
                    content_type="application/problem+json",
                )
            mb = settings.IMPORT_MAX_BYTES // (1024 * 1024)
            return render(request, "errors/413.html", {"mb": mb}, status=413)
        return self.get_response(request)


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops a multipart body sent without a length once its files pass the limit."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > body_limit():
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None
