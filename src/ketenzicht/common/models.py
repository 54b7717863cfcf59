from __future__ import annotations

from django.db import models


class Lease(models.Model):
    """A named piece of background work that one worker process holds at a time (ADR 0024).

    The holder renews ``expires_at`` while it works; when it dies, the lease runs out and
    another worker may claim it. Periodic jobs also keep ``due_at``: no worker starts the job
    again before then, so each runs once per period however many workers there are.
    """

    name = models.CharField(max_length=100, primary_key=True)
    holder = models.CharField(max_length=100, blank=True, default="")
    expires_at = models.DateTimeField(null=True)
    due_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.name


class RateCounter(models.Model):
    """Requests counted per limit key (scope and user) in its current window
    (common.ratelimit).

    In the database, so that every web process on every host counts against the same
    number; counted with one upsert, so that two requests at once cannot both read the same
    count. A window starts with the key's first request after the previous one ended.
    """

    name = models.CharField(max_length=200, unique=True)
    window_started = models.FloatField()  # seconds since the epoch
    hits = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.name
