"""Leases on background work, shared by every worker through the database (ADR 0024).

A worker claims a lease with one UPDATE whose WHERE clause says the lease is free (never
held, released, or run out), which the database applies to one claimant only, on SQLite as
on PostgreSQL. While the work runs, a keeper thread renews the worker's leases; a worker
killed outright renews nothing, and its work is taken over once its leases run out.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from .models import Lease

logger = logging.getLogger(__name__)

# Who holds a lease: host and process, and a random part because a process id is reused.
HOLDER = f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def lease_seconds() -> float:
    return float(settings.WORKER_LEASE_SECONDS)


def lease_claim(
    name: str, *, holder: str = HOLDER, seconds: float | None = None, every: float | None = None
) -> bool:
    """Take the lease ``name`` for ``seconds`` if it is free; with ``every``, only if the
    work is due, and make it due again ``every`` seconds from now. True if it is ours now."""
    now = timezone.now()
    # Not even its own holder may take a lease twice: a worker's recovery thread must not
    # take over the import its task thread is running.
    free = Q(expires_at__isnull=True) | Q(expires_at__lte=now)
    if every is not None:
        free &= Q(due_at__isnull=True) | Q(due_at__lte=now)
    # Most attempts find the work held or not yet due: a read first spares SQLite a write
    # lock per attempt. The UPDATE below decides.
    if Lease.objects.filter(name=name).exclude(free).exists():
        return False
    Lease.objects.get_or_create(name=name)
    changes: dict[str, object] = {
        "holder": holder,
        "expires_at": now + dt.timedelta(seconds=seconds or lease_seconds()),
    }
    if every is not None:
        changes["due_at"] = now + dt.timedelta(seconds=every)
    return Lease.objects.filter(free, name=name).update(**changes) == 1


def lease_renew(names: Iterable[str], *, holder: str = HOLDER, seconds: float | None = None) -> int:
    """Extend the leases of ``names`` this holder still holds; how many it still held."""
    until = timezone.now() + dt.timedelta(seconds=seconds or lease_seconds())
    return Lease.objects.filter(name__in=list(names), holder=holder).update(expires_at=until)


def lease_release(name: str, *, holder: str = HOLDER, forget: bool = False) -> None:
    """Give the lease up (``forget``: remove its row, for one-off work such as an import)."""
    held = Lease.objects.filter(name=name, holder=holder)
    if forget:
        held.delete()
    else:
        held.update(holder="", expires_at=None)


class LeaseLostError(RuntimeError):
    """This worker's lease ran out and another took the work over: stop, commit nothing."""


class LeaseKeeper:
    """Renews the leases this process holds, a third of the lease time apart, from a thread
    of its own so that a long step (a large import) keeps its lease while it works."""

    def __init__(self, holder: str = HOLDER) -> None:
        self.holder = holder
        self._held: set[str] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def hold(self, name: str) -> None:
        with self._lock:
            self._held.add(name)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)
                self._thread.start()

    def drop(self, name: str) -> None:
        with self._lock:
            self._held.discard(name)

    def _run(self) -> None:
        while True:
            time.sleep(lease_seconds() / 3)
            with self._lock:
                names = sorted(self._held)
            if not names:
                continue
            try:
                lease_renew(names, holder=self.holder)
            except Exception:
                # SQLite has one writer: a long import transaction in this process keeps
                # the keeper waiting, and no other worker can claim the lease meanwhile.
                logger.exception("could not renew leases %s", ", ".join(names))
            finally:
                close_old_connections()


KEEPER = LeaseKeeper()
