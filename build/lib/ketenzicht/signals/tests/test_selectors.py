from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import AuditEvent
from ketenzicht.audit.services import audit_chain_link_pending
from ketenzicht.signals.factories import TEST_CONTEXT, signal_input
from ketenzicht.signals.selectors import SignalFilters, signal_get, signal_list
from ketenzicht.signals.services import signals_register

pytestmark = pytest.mark.django_db


def _many(actor: Actor, count: int) -> list[str]:
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    # Several signals share a timestamp so the id must break ties in the keyset.
    stamps = [base + dt.timedelta(minutes=i // 3) for i in range(count)]
    items = [signal_input(kind="hard" if i % 2 else "soft") for i in range(count)]
    signals = signals_register(actor=actor, context=TEST_CONTEXT, items=items, received_at=stamps)
    return [str(s.pk) for s in signals]


def test_keyset_pages_cover_every_signal_once_in_order(reporter: Actor) -> None:
    ids = set(_many(reporter, 23))
    seen: list[str] = []
    cursor = None
    while True:
        page = signal_list(actor=reporter, context=TEST_CONTEXT, cursor=cursor, size=5)
        seen += [str(row.signal.pk) for row in page.items]
        stamps = [(row.signal.received_at, str(row.signal.pk)) for row in page.items]
        assert stamps == sorted(stamps, reverse=True)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(seen) == len(ids) and set(seen) == ids


def test_filters_narrow_the_list(reporter: Actor) -> None:
    _many(reporter, 6)
    signals_register(
        actor=reporter,
        context=TEST_CONTEXT,
        items=[
            signal_input(
                exploitation_type_codes=("sexual",),
                municipality_code="GM0363",
                observed_on=dt.date(2022, 5, 5),
            )
        ],
    )
    hard = signal_list(actor=reporter, context=TEST_CONTEXT, filters=SignalFilters(kind="hard"))
    assert {row.signal.kind for row in hard.items} == {"hard"} and len(hard.items) == 3
    sexual = signal_list(
        actor=reporter, context=TEST_CONTEXT, filters=SignalFilters(exploitation_type="sexual")
    )
    assert [row.signal.municipality_id for row in sexual.items] == ["GM0363"]
    period = signal_list(
        actor=reporter,
        context=TEST_CONTEXT,
        filters=SignalFilters(observed_from=dt.date(2022, 1, 1), observed_to=dt.date(2022, 12, 31)),
    )
    assert len(period.items) == 1
    place = signal_list(
        actor=reporter, context=TEST_CONTEXT, filters=SignalFilters(municipality="GM0363")
    )
    assert len(place.items) == 1


@pytest.mark.parametrize("cursor", ["garbage", "bm90IGEgY3Vyc29y", "MjAyNi0wMS0wMXx4"])
def test_a_forged_cursor_is_a_validation_error(reporter: Actor, cursor: str) -> None:
    with pytest.raises(ValidationError):
        signal_list(actor=reporter, context=TEST_CONTEXT, cursor=cursor)


def test_every_read_is_audited_with_purpose(reporter: Actor, outsider: Actor) -> None:
    signal_id = _many(reporter, 1)[0]
    signal_list(actor=reporter, context=TEST_CONTEXT)
    signal_get(actor=reporter, context=TEST_CONTEXT, signal_id=signal_id)
    signal_get(actor=outsider, context=TEST_CONTEXT, signal_id=signal_id)
    reads = list(AuditEvent.objects.filter(action__in=["list", "view"]).order_by("id"))
    assert [(e.action, e.actor, e.result) for e in reads] == [
        ("list", "reporter", "ok"),
        ("view", "reporter", "ok"),
        ("view", "outsider", "denied"),
    ]
    assert all(e.purpose for e in reads)
    assert reads[1].object_ref == reads[2].object_ref != ""
    assert signal_id not in reads[1].object_ref
    assert audit_chain_link_pending() == AuditEvent.objects.count()
