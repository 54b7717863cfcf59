"""Explanations the product itself writes into the trail, shown in the reader's language.

The trail stores them in English, as they were hashed; what users type is shown as typed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SYSTEM_EXPLANATIONS = {
    "concurrent session limit": _("concurrent session limit"),
    "ended by the user": _("ended by the user"),
    "password confirmed": _("password confirmed"),
    "roles from the identity provider": _("roles from the identity provider"),
    "field key rotation": _("field key rotation"),
}


def explanation_shown(explanation: str) -> str:
    known = SYSTEM_EXPLANATIONS.get(explanation)
    return str(known) if known is not None else explanation
