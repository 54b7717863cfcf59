"""Follow-up's reactions to what the apps below it announce (``signals.events``,
``persons.events``): connected in ``FollowupConfig.ready``."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.dispatch import receiver

from ketenzicht.persons.events import records_indexed
from ketenzicht.signals.events import hard_signals_registered
from ketenzicht.signals.models import Kind, Subject

from .combinations import combinations_evaluate
from .tasks import route_after_commit


@receiver(hard_signals_registered, dispatch_uid="followup.route")
def route_registered(sender: Any, signal_ids: Iterable[uuid.UUID], **kwargs: Any) -> None:
    """A hard signal goes to the competent body: routing runs in the worker after commit."""
    route_after_commit(signal_ids)


@receiver(records_indexed, dispatch_uid="followup.combinations")
def combine_indexed(sender: Any, record_ids: Iterable[str], **kwargs: Any) -> None:
    """The combination rules over the soft signals that name the indexed records."""
    ids = [uuid.UUID(str(pk)) for pk in record_ids]
    soft = Subject.objects.filter(record_id__in=ids, signal__kind=Kind.SOFT).values_list(
        "signal_id", flat=True
    )
    combinations_evaluate(signal_ids=list(dict.fromkeys(soft)))
