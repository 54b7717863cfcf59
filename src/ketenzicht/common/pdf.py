"""PDF documents from HTML with WeasyPrint (ADR 0015): self-contained, nothing fetched."""

from __future__ import annotations

from typing import Any, NoReturn

from django.contrib.staticfiles import finders


def static_text(name: str) -> str:
    """A stylesheet from our static files, to inline in the document."""
    path = finders.find(f"ketenzicht/{name}")
    if not isinstance(path, str):
        raise FileNotFoundError(name)
    with open(path, encoding="utf-8") as f:
        return f.read()


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"the document fetches nothing: {url[:60]}")


def html_to_pdf(html: str) -> bytes:
    # Heavy: loads Pango through cffi, so only when a document is asked for.
    import weasyprint  # noqa: PLC0415

    return bytes(weasyprint.HTML(string=html, url_fetcher=_refuse).write_pdf())
