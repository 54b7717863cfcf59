from __future__ import annotations

import datetime as dt
from typing import Any

from ketenzicht.accounts.actor import Actor
from ketenzicht.common.context import Context

from .intake import SignalInput, SubjectInput
from .models import Signal
from .services import signal_register

TEST_CONTEXT = Context(channel="test")


def signal_input(**overrides: Any) -> SignalInput:
    values: dict[str, Any] = {
        "kind": "soft",
        "observed_on": dt.date(2026, 3, 1),
        "municipality_code": "GM1950",
        "narrative": "Bewoner werkt 's nachts in een kas en mag niet weg.",
        "exploitation_type_codes": ("labour",),
        "indicator_codes": ("AL-DR-S01", "AL-EX-M01"),
        # Tests that share say so; the product's default for soft signals is the chain.
        "distribution": "organisation",
        "subjects": (
            SubjectInput(
                role="presumed_victim",
                given_name="Senait",
                family_name="Tesfay",
                date_of_birth=dt.date(2001, 5, 4),
                dob_precision="exact",
                sex="female",
                nationality="ERI",
                v_number="1234567890",
                phones=("+31612345678",),
            ),
        ),
    }
    values.update(overrides)
    return SignalInput(**values)


def register(actor: Actor, **overrides: Any) -> Signal:
    """Register a signal through the real service, as the application would."""
    return signal_register(actor=actor, context=TEST_CONTEXT, data=signal_input(**overrides))
