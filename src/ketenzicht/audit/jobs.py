"""The audit app's periodic work in the worker (``common.periodic``)."""

from __future__ import annotations

from django.conf import settings

from ketenzicht.common.periodic import Job, on_worker_stop, register

from .checkpoints import checkpoint_every, checkpoint_write
from .services import audit_chain_link_pending


def _link() -> None:
    checkpoint_every(settings.AUDIT_CHECKPOINT_EVENTS)


def _sign_on_the_way_out() -> None:
    """Link what is pending and sign the head, so that a worker that stops leaves no
    linked event outside a checkpoint (ADR 0024)."""
    audit_chain_link_pending()
    checkpoint_write()


def register_jobs() -> None:
    register(Job("audit-linker", "audit", 2.0, _link, "link new events into the chain"))
    # With the checkpoint every AUDIT_CHECKPOINT_EVENTS events and the one on stopping,
    # this bounds the window in which a cut-off tail of the chain would go unnoticed
    # (ADR 0016, 0024).
    register(Job("audit-checkpoint", "checkpoint", 300.0, checkpoint_write, "sign the head"))
    on_worker_stop("audit-checkpoint", _sign_on_the_way_out)
