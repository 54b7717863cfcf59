from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A token for a partner system or user. Only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)  # shown to administrators to tell tokens apart
    created_at = models.DateTimeField(auto_now_add=True)
    # A token stops working at its expiry (API_TOKEN_DAYS after creation) or when revoked
    # (`ketenzicht token revoke PREFIX`); a partner system gets a new one before then.
    expires_at = models.DateTimeField(null=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` on a create, kept with what it created, so that a
    retry after a lost response (a time-out, a crash) returns the same signal instead of
    registering it twice. Only a digest of the request is kept, not its content."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    request_digest = models.CharField(max_length=64)
    signal = models.ForeignKey("signals.Signal", on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="idempotency_key_unique")
        ]
