"""Grants of referrals that were forwarded or closed before access through referrals ended
(ADR 0022) get their end: forwarded, now; closed, ``REFERRAL_ACCESS_AFTER_CLOSE_DAYS`` after
closing; with several referrals of one signal to one body the longest term, none while one
is open. The same rule as ``followup.services.referral_access_follow``, over the history
models (a migration cannot call services). The status changes themselves were audited when
they happened.

Reverse: the ends are cleared (the old code ignores them).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import migrations
from django.utils import timezone

FORWARDED = "forwarded"
CLOSED = "closed"
DONE = ("outcome", "closed")


def end_access(apps: Any, schema_editor: Any) -> None:
    grant_model = apps.get_model("sharing", "AccessGrant")
    referral_model = apps.get_model("followup", "Referral")
    now = timezone.now()
    after_close = dt.timedelta(days=settings.REFERRAL_ACCESS_AFTER_CLOSE_DAYS)
    grants = grant_model.objects.filter(
        reason="referral", revoked_at__isnull=True, ends_at__isnull=True
    )
    for grant in grants.iterator(chunk_size=1000):
        terms = []
        referrals = referral_model.objects.filter(
            to_organisation_id=grant.organisation_id, signals=grant.signal_id
        ).values_list("status", "outcome", "closed_at")
        for status, outcome, closed_at in referrals:
            if outcome == FORWARDED and status in DONE:
                terms.append((now, FORWARDED))
            elif status == CLOSED and closed_at is not None:
                terms.append((closed_at + after_close, CLOSED))
            else:
                break  # an open referral keeps access
        else:
            if terms:
                grant.ends_at, grant.end_reason = max(terms)
                grant.save(update_fields=["ends_at", "end_reason"])


def clear_ends(apps: Any, schema_editor: Any) -> None:
    apps.get_model("sharing", "AccessGrant").objects.update(ends_at=None, end_reason="")


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0003_access_grant_ends"),
        ("followup", "0005_bind_sealed_values_to_rows"),
    ]

    operations = [migrations.RunPython(end_access, clear_ends, elidable=False)]
