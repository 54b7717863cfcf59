"""Which person records of other organisations concern the same person.

``RecordMatcher`` is the interface the hit/no-hit index, the attention list, the
combined-soft-signal rules and the victim track rely on. ``ClusterMatcher`` answers it from
person clusters (probabilistic linkage, ``persons.intake_linking``): two records concern the same
person when they are in one cluster. ``ExactPseudonymMatcher``, the first implementation,
still keeps the keyed pseudonyms of exact features: they say on a notice which identifiers
the records share.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from .intake_linking import link_records, unlink
from .models import IndexEntry, MatchKey, PersonRecord
from .pseudonyms import features

CHUNK = 500


@dataclass(frozen=True)
class Match:
    record_id: uuid.UUID
    organisation_id: int
    other_record_id: uuid.UUID
    other_organisation_id: int
    keys: tuple[str, ...]


class RecordMatcher(Protocol):
    def index(self, records: Sequence[PersonRecord], *, link: bool = True) -> None:
        """(Re)build the matcher's entries for these records; ``link=False`` leaves their
        person clusters as they are (a bulk load links in one batch afterwards)."""

    def forget(self, record_ids: Iterable[uuid.UUID]) -> None:
        """Remove these records from the matcher: they match nothing from now on."""

    def matches(self, record_ids: Iterable[uuid.UUID]) -> list[Match]:
        """Records of other organisations that match any of these records."""

    def linked_records(self, record_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, set[uuid.UUID]]:
        """Per record, the records (itself included) that concern the same person."""


def _entries(record: PersonRecord, phones: Iterable[str]) -> list[IndexEntry]:
    return [
        IndexEntry(
            record_id=record.pk,
            organisation_id=record.organisation_id,
            key=feature.key,
            token=feature.token,
            key_id=settings.INDEX_KEY_ID,
        )
        for feature in features(
            v_number=record.v_number,
            phones=phones,
            given_name=record.given_name,
            family_name=record.family_name,
            date_of_birth=record.date_of_birth,
            dob_precision=record.dob_precision,
        )
    ]


class ExactPseudonymMatcher:
    def index(self, records: Sequence[PersonRecord], *, link: bool = True) -> None:
        """Replace the entries of these records; ``records`` must prefetch ``identifiers``."""
        ids = [r.pk for r in records]
        IndexEntry.objects.filter(record_id__in=ids).delete()
        entries: list[IndexEntry] = []
        for record in records:
            phones = [i.value for i in record.identifiers.all() if i.kind == "phone"]
            entries.extend(_entries(record, phones))
        IndexEntry.objects.bulk_create(entries, batch_size=2000, ignore_conflicts=True)

    def forget(self, record_ids: Iterable[uuid.UUID]) -> None:
        IndexEntry.objects.filter(record_id__in=list(record_ids)).delete()

    def matches(self, record_ids: Iterable[uuid.UUID]) -> list[Match]:
        ids = list(record_ids)
        own: dict[str, list[tuple[uuid.UUID, int, str]]] = defaultdict(list)
        for start in range(0, len(ids), CHUNK):
            for record_id, organisation_id, key, token in IndexEntry.objects.filter(
                record_id__in=ids[start : start + CHUNK]
            ).values_list("record_id", "organisation_id", "key", "token"):
                own[token].append((record_id, organisation_id, key))
        found: dict[tuple[uuid.UUID, uuid.UUID], tuple[int, int, set[str]]] = {}
        tokens = list(own)
        for start in range(0, len(tokens), CHUNK):
            for other_id, other_org, token in IndexEntry.objects.filter(
                token__in=tokens[start : start + CHUNK]
            ).values_list("record_id", "organisation_id", "token"):
                for record_id, organisation_id, key in own[token]:
                    if other_org == organisation_id:
                        continue  # an organisation's own records are not a hit
                    pair = (record_id, other_id)
                    found.setdefault(pair, (organisation_id, other_org, set()))[2].add(key)
        return [
            Match(record_id, org, other_id, other_org, tuple(sorted(keys)))
            for (record_id, other_id), (org, other_org, keys) in found.items()
        ]

    def linked_records(self, record_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, set[uuid.UUID]]:
        """For each record, every record (any organisation, itself included) sharing a
        feature with it: the person as far as this matcher can tell."""
        ids = list(record_ids)
        by_token: dict[str, set[uuid.UUID]] = defaultdict(set)
        for start in range(0, len(ids), CHUNK):
            for record_id, token in IndexEntry.objects.filter(
                record_id__in=ids[start : start + CHUNK]
            ).values_list("record_id", "token"):
                by_token[token].add(record_id)
        linked: dict[uuid.UUID, set[uuid.UUID]] = {pk: {pk} for pk in ids}
        tokens = list(by_token)
        for start in range(0, len(tokens), CHUNK):
            for other_id, token in IndexEntry.objects.filter(
                token__in=tokens[start : start + CHUNK]
            ).values_list("record_id", "token"):
                for record_id in by_token[token]:
                    linked[record_id].add(other_id)
        return linked


class ClusterMatcher:
    def __init__(self) -> None:
        self.exact = ExactPseudonymMatcher()

    def index(self, records: Sequence[PersonRecord], *, link: bool = True) -> None:
        """Link these records (``identifiers`` prefetched) and keep their pseudonyms."""
        self.exact.index(records)
        if link:
            link_records(records)

    def forget(self, record_ids: Iterable[uuid.UUID]) -> None:
        ids = list(record_ids)
        self.exact.forget(ids)
        unlink(ids)

    def matches(self, record_ids: Iterable[uuid.UUID]) -> list[Match]:
        ids = list(record_ids)
        shared: dict[tuple[uuid.UUID, uuid.UUID], tuple[str, ...]] = {
            (m.record_id, m.other_record_id): m.keys for m in self.exact.matches(ids)
        }
        found = []
        for start in range(0, len(ids), CHUNK):
            own = dict(
                PersonRecord.objects.filter(
                    pk__in=ids[start : start + CHUNK], cluster__isnull=False
                ).values_list("pk", "cluster_id")
            )
            by_cluster: dict[int, list[tuple[uuid.UUID, int]]] = defaultdict(list)
            for pk, org, cluster_id in PersonRecord.objects.filter(
                cluster_id__in=set(own.values())
            ).values_list("pk", "organisation_id", "cluster_id"):
                by_cluster[cluster_id].append((pk, org))
            orgs = {pk: org for members in by_cluster.values() for pk, org in members}
            for record_id, cluster_id in own.items():
                for other_id, other_org in by_cluster[cluster_id]:
                    if other_org == orgs[record_id]:
                        continue  # an organisation's own records are not a hit
                    keys = shared.get((record_id, other_id)) or (MatchKey.LINKED.value,)
                    found.append(Match(record_id, orgs[record_id], other_id, other_org, keys))
        return found

    def linked_records(self, record_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, set[uuid.UUID]]:
        """For each record, the records of its person cluster (itself included)."""
        ids = list(record_ids)
        linked: dict[uuid.UUID, set[uuid.UUID]] = {pk: {pk} for pk in ids}
        for start in range(0, len(ids), CHUNK):
            own = dict(
                PersonRecord.objects.filter(
                    pk__in=ids[start : start + CHUNK], cluster__isnull=False
                ).values_list("pk", "cluster_id")
            )
            members: dict[int, set[uuid.UUID]] = defaultdict(set)
            for pk, cluster_id in PersonRecord.objects.filter(
                cluster_id__in=set(own.values())
            ).values_list("pk", "cluster_id"):
                members[cluster_id].add(pk)
            for record_id, cluster_id in own.items():
                linked[record_id] |= members[cluster_id]
        return linked


def matcher() -> RecordMatcher:
    return ClusterMatcher()
