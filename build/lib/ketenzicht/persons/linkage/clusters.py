"""From scored pairs to people: constrained clustering with stable identifiers.

Pairs above the automatic threshold link; pairs a reviewer confirmed link whatever their
score; pairs a reviewer rejected never end up in one cluster, not even through others
(greedy merging from the strongest pair down refuses a merge that would join a rejected
pair). A re-link keeps the identifier of every cluster that still holds most of the
records it held, so people who did not change are not renumbered.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Pair(Generic[K]):
    left: K
    right: K
    probability: float
    weight: float
    # Per comparison: its name, the level the pair reached and that level's match weight
    # (log2 Bayes factor, term frequencies included): the steps of a waterfall.
    steps: tuple[tuple[str, str, float], ...] = ()


class _Components(Generic[K]):
    def __init__(self, items: Iterable[K]) -> None:
        self.parent: dict[K, K] = {i: i for i in items}
        self.members: dict[K, set[K]] = {i: {i} for i in self.parent}

    def find(self, item: K) -> K:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: K, b: K) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)


def cluster(
    items: Iterable[K],
    pairs: Iterable[Pair[K]],
    *,
    link_threshold: float,
    confirmed: Iterable[tuple[K, K]] = (),
    rejected: Iterable[tuple[K, K]] = (),
) -> list[set[K]]:
    """Clusters (sets of items) from scored pairs and reviewers' decisions."""
    components = _Components(items)
    apart: dict[K, set[K]] = defaultdict(set)
    for a, b in rejected:
        apart[a].add(b)
        apart[b].add(a)

    def may_join(a: K, b: K) -> bool:
        ra, rb = components.find(a), components.find(b)
        if ra == rb:
            return True
        small, large = sorted((components.members[ra], components.members[rb]), key=len)
        return not any(apart[m] & large for m in small if m in apart)

    # Confirmed links first (a reviewer's word), then scores from the strongest down.
    edges = [(float("inf"), a, b) for a, b in confirmed]
    edges += [(p.weight, p.left, p.right) for p in pairs if p.probability >= link_threshold]
    for _weight, a, b in sorted(edges, key=lambda e: -e[0]):
        if a in components.parent and b in components.parent and may_join(a, b):
            components.union(a, b)
    return list(components.members.values())


def stable_ids(
    clusters: Iterable[set[K]], previous: Mapping[K, int], *, next_id: int
) -> dict[K, int]:
    """An identifier per item: each cluster keeps the earlier identifier most of its
    members had, unless a larger cluster claims it; the rest get new ones from
    ``next_id`` on, in a deterministic order."""
    ordered = sorted(clusters, key=lambda c: (-len(c), min(map(str, c))))
    taken: set[int] = set()
    result: dict[K, int] = {}
    for members in ordered:
        votes = Counter(previous[m] for m in members if m in previous)
        chosen = next(
            (
                cid
                for cid, _n in sorted(votes.items(), key=lambda v: (-v[1], v[0]))
                if cid not in taken
            ),
            None,
        )
        if chosen is None:
            chosen = next_id
            next_id += 1
        taken.add(chosen)
        for member in members:
            result[member] = chosen
    return result
