"""The subject access report as a PDF to send to the person, with the terms explained,
from the same data as the JSON export."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from ketenzicht.audit.models import Action, ObjectType, Purpose
from ketenzicht.common.pdf import html_to_pdf, static_text
from ketenzicht.followup.models import Outcome, ReferralStatus
from ketenzicht.sharing.models import Distribution
from ketenzicht.signals.models import Kind, Status, SubjectRole


def labels() -> dict[str, dict[str, str]]:
    """The export carries codes; the letter says what they mean."""
    return {
        name: {str(code): str(label) for code, label in choices}
        for name, choices in {
            "action": Action.choices,
            "purpose": Purpose.choices,
            "about": ObjectType.choices,
            "kind": Kind.choices,
            "status": Status.choices,
            "role": SubjectRole.choices,
            "referral_status": ReferralStatus.choices,
            "outcome": Outcome.choices,
            "shared": Distribution.choices,
        }.items()
    }


def report_html(report: dict[str, Any]) -> str:
    return render_to_string(
        "privacy/report.html",
        {"report": report, "labels": labels(), "report_style": static_text("report.css")},
    )


def as_pdf(report: dict[str, Any]) -> bytes:
    """In the officer's language (Dutch or English: switch before exporting)."""
    return html_to_pdf(report_html(report))
