"""The persons app's reactions to what ``common`` announces: connected in
``PersonsConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from ketenzicht.common.rotation import blind_indexes_recompute

from .intake_linking import BLIND, blind_key
from .models import RecordFeatures


@receiver(blind_indexes_recompute, dispatch_uid="persons.features")
def recompute_feature_keys(sender: Any, **kwargs: Any) -> int:
    """The blocking keys of ``RecordFeatures`` under the current blind index key."""
    columns = sorted(BLIND)
    total = 0
    for features in RecordFeatures.objects.iterator(chunk_size=2000):
        for column in columns:
            setattr(features, column, blind_key(column, features.row.get(column)))
        features.save(update_fields=columns)
        total += 1
    return total
