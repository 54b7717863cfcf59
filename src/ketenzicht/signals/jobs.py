"""The signals app's periodic work in the worker (``common.periodic``)."""

from __future__ import annotations

from ketenzicht.common.periodic import Job, register

from .tasks import import_jobs_recover


def register_jobs() -> None:
    # Imports whose worker died are noticed once their lease (WORKER_LEASE_SECONDS) ran
    # out; looking twice a minute adds at most that.
    register(Job("import-recovery", "import-recovery", 30.0, import_jobs_recover, "resume imports"))
