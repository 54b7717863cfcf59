from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction

from django_tasks import task

from .routing import active_rules
from .services import signal_route


@task()
def route_signals(signal_ids: list[str]) -> int:
    """Route newly registered hard signals (after the registering transaction commits),
    each in its own transaction so that one failure does not hold back the others."""
    rules = active_rules()
    return sum(1 for pk in signal_ids if signal_route(signal_id=pk, rules=rules) is not None)


def route_after_commit(signal_ids: Iterable[uuid.UUID]) -> None:
    ids = [str(pk) for pk in signal_ids]
    if ids:
        transaction.on_commit(lambda: route_signals.enqueue(ids))
