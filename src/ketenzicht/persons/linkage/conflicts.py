"""Records that cannot be one person: two V-numbers.

The chain gives a person one V-number. A cluster whose records carry two different
numbers, neither a slip of the other, has joined two people, usually siblings through a
record without a number (a CoMensha record, a police record from a statement) that
resembles both. Such pairs are kept apart in clustering exactly like pairs a reviewer
rejected, unless a reviewer confirmed them.

Numbers a few apart are not a slip: a household applies together and gets consecutive
numbers, so they are the signature of siblings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import combinations

from .clusters import K, Pair, cluster


def one_edit_apart(a: str, b: str) -> bool:
    """One digit changed, dropped or added, or two neighbours transposed."""
    if len(a) == len(b):
        differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(differ) == 1:
            return True
        first, *rest = differ or [0]
        return (
            len(differ) == 2
            and rest[0] == first + 1
            and (a[first], a[first + 1]) == (b[first + 1], b[first])
        )
    if abs(len(a) - len(b)) == 1:
        short, long = sorted((a, b), key=len)
        return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
    return False


def v_numbers_conflict(a: str, b: str) -> bool:
    """Whether two normalised V-numbers belong to two people."""
    if a == b:
        return False
    consecutive = len(a) == len(b) and a.isdigit() and b.isdigit() and abs(int(a) - int(b)) <= 9
    return consecutive or not one_edit_apart(a, b)


def conflicting_pairs(
    groups: Iterable[Iterable[K]], v_numbers: Mapping[K, str | None]
) -> list[tuple[K, K]]:
    """Within each group, the pairs of records whose V-numbers conflict."""
    pairs: list[tuple[K, K]] = []
    for group in groups:
        numbered = [(m, v_numbers[m]) for m in group if v_numbers.get(m)]
        if len({v for _m, v in numbered}) < 2:
            continue
        for (a, va), (b, vb) in combinations(numbered, 2):
            if v_numbers_conflict(str(va), str(vb)):
                pairs.append((a, b))
    return pairs


def cluster_apart(
    items: Iterable[K],
    pairs: Iterable[Pair[K]],
    *,
    link_threshold: float,
    v_numbers: Mapping[K, str | None],
    confirmed: Iterable[tuple[K, K]] = (),
    rejected: Iterable[tuple[K, K]] = (),
) -> list[set[K]]:
    """``clusters.cluster``, then again with the pairs of two V-numbers in one cluster kept
    apart as if rejected (a confirmed pair stays together)."""
    items, pairs = list(items), list(pairs)
    confirmed, rejected = list(confirmed), list(rejected)
    groups = cluster(
        items, pairs, link_threshold=link_threshold, confirmed=confirmed, rejected=rejected
    )
    sure = {frozenset(p) for p in confirmed}
    apart = [p for p in conflicting_pairs(groups, v_numbers) if frozenset(p) not in sure]
    if not apart:
        return groups
    return cluster(
        items, pairs, link_threshold=link_threshold, confirmed=confirmed, rejected=rejected + apart
    )
