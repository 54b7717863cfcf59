from __future__ import annotations

from django_tasks import task


@task()
def route_signals(signal_ids: list[str]) -> int:
    """Route newly registered hard signals (after the registering transaction commits),
    each in its own transaction so that one failure does not hold back the others."""
    from .routing import active_rules
    from .services import signal_route

    rules = active_rules()
    return sum(1 for pk in signal_ids if signal_route(signal_id=pk, rules=rules) is not None)
