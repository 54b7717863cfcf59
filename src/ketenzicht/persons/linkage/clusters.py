"""From scored pairs to people: constrained clustering with stable identifiers.

Pairs above the automatic threshold link; pairs a reviewer confirmed link whatever their
score; pairs a reviewer rejected never end up in one cluster, not even through others
(greedy merging from the strongest pair down refuses a merge that would join a rejected
pair). A re-link keeps the identifier of every cluster that still holds most of the
records it held, so people who did not change are not renumbered.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

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

    # Confirmed links first (a reviewer's word), then scores from the strongest down; pairs
    # of equal weight (common: the same levels give the same weight) in the order of their
    # items, so the outcome does not depend on the order the scorer listed them in.
    edges = [(float("inf"), a, b) for a, b in confirmed]
    edges += [(p.weight, p.left, p.right) for p in pairs if p.probability >= link_threshold]
    for _weight, a, b in sorted(edges, key=lambda e: (-e[0], *sorted((str(e[1]), str(e[2]))))):
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


def cluster_kept_apart(
    items: Iterable[K],
    pairs: Iterable[Pair[K]],
    *,
    link_threshold: float,
    kinds: Mapping[K, tuple[Hashable, str]],
    conflict: Callable[[str, str], bool],
    confirmed: Iterable[tuple[K, K]] = (),
    rejected: Iterable[tuple[K, K]] = (),
) -> list[set[K]]:
    """``cluster`` with, besides ``rejected``, every pair of items of one group whose
    values conflict kept apart (``kinds[item]`` is its group and value), unless the pair
    is confirmed: the clusters ``cluster`` makes with those pairs added to ``rejected``,
    without listing them (a group of thousands of numbered records holds millions of such
    pairs). Per cluster it keeps how many items of each group and value it holds, and a
    merge is refused when some conflicting pair across the two sides is not confirmed."""
    components = _Components(items)
    apart: dict[K, set[K]] = defaultdict(set)
    for a, b in rejected:
        apart[a].add(b)
        apart[b].add(a)
    confirmed = list(confirmed)
    sure: dict[K, set[K]] = defaultdict(set)
    for a, b in confirmed:
        sure[a].add(b)
        sure[b].add(a)
    held: dict[K, Counter[tuple[Hashable, str]]] = {
        i: Counter([kinds[i]]) if i in kinds else Counter() for i in components.parent
    }

    def confirmed_across(
        small: K, large: K, one: tuple[Hashable, str], other: tuple[Hashable, str]
    ) -> int:
        found = 0
        for m in components.members[small]:
            if m in sure and kinds.get(m) == one:
                found += sum(
                    1 for o in sure[m] if components.find(o) == large and kinds.get(o) == other
                )
        return found

    def may_join(a: K, b: K) -> bool:
        ra, rb = components.find(a), components.find(b)
        if ra == rb:
            return True
        small, large = sorted((ra, rb), key=lambda r: len(components.members[r]))
        if any(
            apart[m] & components.members[large] for m in components.members[small] if m in apart
        ):
            return False
        by_group: dict[Hashable, list[tuple[str, int]]] = defaultdict(list)
        for (group, value), count in held[large].items():
            by_group[group].append((value, count))
        for (group, value), count in held[small].items():
            for other, other_count in by_group.get(group, ()):
                if conflict(value, other) and count * other_count > confirmed_across(
                    small, large, (group, value), (group, other)
                ):
                    return False
        return True

    edges = [(float("inf"), a, b) for a, b in confirmed]
    edges += [(p.weight, p.left, p.right) for p in pairs if p.probability >= link_threshold]
    for _weight, a, b in sorted(edges, key=lambda e: (-e[0], *sorted((str(e[1]), str(e[2]))))):
        if a in components.parent and b in components.parent and may_join(a, b):
            ra, rb = components.find(a), components.find(b)
            if ra == rb:
                continue
            components.union(a, b)
            root = components.find(a)
            other = rb if root == ra else ra
            held[root] += held.pop(other)
    return list(components.members.values())


# --- the same, over integer-coded items, for a whole register ---------------------------
#
# A million records are a million Python objects in ``cluster`` and ``stable_ids``; here
# items are the numbers 0..n-1 and pairs are arrays, so memory is a few bytes an item.


def cluster_arrays(
    n: int,
    left: Any,
    right: Any,
    weight: Any,
    *,
    confirmed: tuple[Any, Any] | None = None,
    rejected: tuple[Any, Any] | None = None,
    names: Callable[[Any], Sequence[str]] | None = None,
    numbered: Callable[[Any], tuple[Any, Sequence[str]]] | None = None,
    conflict: Callable[[str, str], bool] | None = None,
) -> Any:
    """A cluster label (0..k-1) per item 0..n-1: the clusters ``cluster`` makes from the
    linking pairs ``left[i]``-``right[i]`` of ``weight[i]`` (those at or above the automatic
    threshold; the caller selects them) and the reviewers' confirmed and rejected pairs.

    Without a rejection inside it, a cluster is a connected component of the linking and
    confirmed pairs, whatever their order, so components are found at once; only the
    components that hold both records of a rejected pair are merged again, greedily from
    the strongest pair down, by ``cluster`` itself. ``names`` gives the items' own ids for
    those, so that pairs of equal weight are taken in the same order as ``cluster`` on
    the ids would take them.

    With ``numbered`` and ``conflict`` the clusters are then those of
    ``conflicts.cluster_apart``: ``numbered(labels)`` gives the items (and their numbers)
    of the clusters holding two numbers or more, and the components holding such a
    cluster are merged again with the pairs of conflicting numbers of one cluster kept
    apart (``cluster_kept_apart``)."""
    # Heavy: SciPy loads only when clusters are computed (the linker may run without Django).
    from scipy.sparse import coo_matrix  # noqa: PLC0415
    from scipy.sparse.csgraph import connected_components  # noqa: PLC0415

    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    weight = np.asarray(weight, dtype=np.float64)
    c_left, c_right = (
        (np.asarray(confirmed[0], dtype=np.int64), np.asarray(confirmed[1], dtype=np.int64))
        if confirmed is not None
        else (np.empty(0, np.int64), np.empty(0, np.int64))
    )
    rows, cols = np.concatenate([left, c_left]), np.concatenate([right, c_right])
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n)).tocsr()
    _count, labels = connected_components(graph, directed=False)
    components = labels.astype(np.int64)
    r_left, r_right = (
        (np.asarray(rejected[0], np.int64), np.asarray(rejected[1], np.int64))
        if rejected is not None
        else (np.empty(0, np.int64), np.empty(0, np.int64))
    )

    def again(in_rerun: Any, current: Any, kinds: dict[int, tuple[Hashable, str]] | None) -> Any:
        """``current`` with the items of ``in_rerun`` clustered greedily once more."""
        items = np.flatnonzero(in_rerun)
        named: list[Any] = list(names(items)) if names is not None else items.tolist()
        number = dict(zip(named, items.tolist(), strict=True))
        name_of = dict(zip(items.tolist(), named, strict=True))
        mine = in_rerun[left]
        pairs = [
            Pair(name_of[a], name_of[b], 1.0, w)
            for a, b, w in zip(
                left[mine].tolist(), right[mine].tolist(), weight[mine].tolist(), strict=True
            )
        ]
        c_mine = in_rerun[c_left]
        sure = [
            (name_of[a], name_of[b])
            for a, b in zip(c_left[c_mine].tolist(), c_right[c_mine].tolist(), strict=True)
        ]
        apart = [
            (name_of[a], name_of[b])
            for a, b in zip(r_left.tolist(), r_right.tolist(), strict=True)
            if a in name_of and b in name_of
        ]
        if kinds is None or conflict is None:
            groups = cluster(named, pairs, link_threshold=1.0, confirmed=sure, rejected=apart)
        else:
            groups = cluster_kept_apart(
                named,
                pairs,
                link_threshold=1.0,
                kinds={name_of[i]: kind for i, kind in kinds.items() if i in name_of},
                conflict=conflict,
                confirmed=sure,
                rejected=apart,
            )
        relabelled = current.copy()
        next_label = int(relabelled.max()) + 1
        for group in groups:
            relabelled[[number[m] for m in group]] = next_label
            next_label += 1
        return np.unique(relabelled, return_inverse=True)[1].astype(np.int64)

    labels = components
    torn = np.unique(components[r_left][components[r_left] == components[r_right]])
    if len(torn):
        labels = again(np.isin(components, torn), components, None)
    if numbered is None or conflict is None:
        return labels
    numbered_items, numbers = numbered(labels)
    numbered_items = np.asarray(numbered_items, dtype=np.int64)
    if len(numbered_items) == 0:
        return labels
    # Components holding a cluster of two numbers, with rejections and conflicts together.
    kinds: dict[int, tuple[Hashable, str]] = {
        item: (label, str(value))
        for item, label, value in zip(
            numbered_items.tolist(), labels[numbered_items].tolist(), numbers, strict=True
        )
    }
    rerun = np.isin(components, np.unique(components[numbered_items]))
    return again(rerun, labels, kinds)


def stable_ids_arrays(labels: Any, previous: Any, order: Any, *, next_id: int) -> tuple[Any, Any]:
    """``stable_ids`` for labelled items: ``previous[i]`` is item i's earlier identifier
    (-1 for none) and ``order`` the labels from the cluster that chooses first to the last
    (``stable_ids`` orders by size, then by the smallest member). Returns the identifier of
    each label and of each item."""
    labels = np.asarray(labels, dtype=np.int64)
    previous = np.asarray(previous, dtype=np.int64)
    count = int(labels.max()) + 1 if len(labels) else 0
    had = previous >= 0
    # Votes: per label, each earlier identifier with how many of its items had it, most
    # votes first, then the smaller identifier (as ``stable_ids`` sorts them).
    base = int(previous.max()) + 1 if had.any() else 1
    keys, votes = np.unique(labels[had] * base + previous[had], return_counts=True)
    vote_label, vote_id = keys // base, keys % base
    by = np.lexsort((vote_id, -votes, vote_label))
    vote_label, vote_id = vote_label[by], vote_id[by]
    starts = np.searchsorted(vote_label, np.arange(count + 1))
    chosen = np.empty(count, dtype=np.int64)
    taken: set[int] = set()
    candidates = vote_id.tolist()
    bounds = starts.tolist()
    for label in np.asarray(order, dtype=np.int64).tolist():
        pick = -1
        for cid in candidates[bounds[label] : bounds[label + 1]]:
            if cid not in taken:
                pick = cid
                break
        if pick < 0:
            pick = next_id
            next_id += 1
        taken.add(pick)
        chosen[label] = pick
    return chosen, chosen[labels]
