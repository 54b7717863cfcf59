"""The notifications app's periodic work in the worker (``common.periodic``)."""

from __future__ import annotations

from ketenzicht.common.periodic import Job, register

from .delivery import attempt
from .services import deliveries_due


def _retry_webhooks() -> None:
    for delivery_id in deliveries_due():
        attempt(delivery_id)


def register_jobs() -> None:
    register(Job("webhook-retries", "retry", 5.0, _retry_webhooks, "retry webhook deliveries"))
