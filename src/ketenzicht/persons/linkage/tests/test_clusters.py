"""Clustering with reviewers' decisions, stable identifiers, and pairwise scores."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ketenzicht.persons.linkage.clusters import Pair, cluster, stable_ids
from ketenzicht.persons.linkage.evaluate import pair_precision, pairwise

ITEMS = list(range(12))
pairs_strategy = st.lists(
    st.tuples(
        st.sampled_from(ITEMS), st.sampled_from(ITEMS), st.floats(0.0, 1.0), st.floats(-10, 20)
    ).filter(lambda t: t[0] != t[1]),
    max_size=40,
)
decisions = st.lists(
    st.tuples(st.sampled_from(ITEMS), st.sampled_from(ITEMS)).filter(lambda t: t[0] != t[1]),
    max_size=6,
)


def _where(groups: list[set[int]]) -> dict[int, int]:
    return {item: number for number, group in enumerate(groups) for item in group}


@given(pairs_strategy, decisions, decisions)
def test_a_rejected_pair_is_never_in_one_cluster(
    raw: list[tuple[int, int, float, float]],
    confirmed: list[tuple[int, int]],
    rejected: list[tuple[int, int]],
) -> None:
    pairs = [Pair(a, b, p, w) for a, b, p, w in raw]
    groups = cluster(ITEMS, pairs, link_threshold=0.9, confirmed=confirmed, rejected=rejected)
    where = _where(groups)
    assert sorted(where) == ITEMS  # every item in exactly one cluster
    assert sum(len(g) for g in groups) == len(ITEMS)
    for a, b in rejected:
        assert where[a] != where[b]
    # Without rejections, every confirmed pair and every pair above the threshold links.
    free = _where(cluster(ITEMS, pairs, link_threshold=0.9, confirmed=confirmed))
    for a, b in confirmed:
        assert free[a] == free[b]
    for pair in pairs:
        if pair.probability >= 0.9:
            assert free[pair.left] == free[pair.right]


def test_a_wrong_link_is_split_by_rejecting_it() -> None:
    pairs = [Pair("a", "b", 0.99, 9.0), Pair("b", "c", 0.97, 5.0)]
    assert len(cluster("abc", pairs, link_threshold=0.95)) == 1
    split = cluster("abc", pairs, link_threshold=0.95, rejected=[("a", "c")])
    assert sorted(map(sorted, split)) == [["a", "b"], ["c"]]  # the weaker link gives way


@given(st.lists(st.sets(st.integers(0, 50), min_size=1), max_size=8), st.integers(0, 50))
def test_a_relink_does_not_renumber_people_that_did_not_change(
    raw_groups: list[set[int]], newcomer: int
) -> None:
    groups, seen = [], set()
    for group in raw_groups:
        group = group - seen
        if group:
            groups.append(group)
            seen |= group
    first = stable_ids(groups, {}, next_id=1)
    assert stable_ids(groups, first, next_id=100) == first
    if newcomer not in seen:
        again = stable_ids([*groups, {newcomer}], first, next_id=100)
        assert {k: v for k, v in again.items() if k != newcomer} == first
        assert again[newcomer] == 100


def test_pairwise_scores() -> None:
    truth = {"a": 1, "b": 1, "c": 1, "d": 2}
    predicted = {"a": 10, "b": 10, "c": 11, "d": 11}
    scores = pairwise(predicted, truth)
    # Predicted pairs: ab, cd; true pairs: ab, ac, bc; correct: ab.
    assert (scores.predicted_pairs, scores.true_pairs, scores.correct_pairs) == (2, 3, 1)
    assert scores.precision == 0.5 and round(scores.recall, 4) == 0.3333
    assert pair_precision([("a", "b"), ("c", "d")], truth) == 0.5


@settings(deadline=None)  # the first example imports scipy
@given(pairs_strategy, decisions, decisions)
def test_integer_coded_clustering_is_the_same_as_cluster(
    raw: list[tuple[int, int, float, float]],
    confirmed: list[tuple[int, int]],
    rejected: list[tuple[int, int]],
) -> None:
    """``cluster_arrays`` (components, and ``cluster`` again only where a rejection tears
    one) gives the clusters of ``cluster``; weights are rounded so that ties occur."""
    import numpy as np

    from ketenzicht.persons.linkage.clusters import cluster_arrays

    pairs = [Pair(a, b, p, round(w)) for a, b, p, w in raw]
    expected = {
        frozenset(g)
        for g in cluster(ITEMS, pairs, link_threshold=0.9, confirmed=confirmed, rejected=rejected)
    }
    linking = [p for p in pairs if p.probability >= 0.9]

    def arrays(found: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray] | None:
        return (np.array([a for a, _ in found]), np.array([b for _, b in found])) if found else None

    labels = cluster_arrays(
        len(ITEMS),
        np.array([p.left for p in linking], dtype=np.int64),
        np.array([p.right for p in linking], dtype=np.int64),
        np.array([p.weight for p in linking], dtype=np.float64),
        confirmed=arrays(confirmed),
        rejected=arrays(rejected),
    )
    got: dict[int, set[int]] = {}
    for item, label in enumerate(labels.tolist()):
        got.setdefault(label, set()).add(item)
    assert {frozenset(g) for g in got.values()} == expected
    assert sorted(got) == list(range(len(got)))  # labels 0..k-1


@given(
    st.lists(st.integers(0, 5), min_size=1, max_size=30),
    st.lists(st.integers(-1, 6), min_size=30, max_size=30),
)
def test_integer_coded_identifiers_are_those_of_stable_ids(
    raw_labels: list[int], raw_previous: list[int]
) -> None:
    import numpy as np

    from ketenzicht.persons.linkage.clusters import stable_ids_arrays

    labels = np.unique(np.array(raw_labels), return_inverse=True)[1]
    previous = np.array(raw_previous[: len(labels)], dtype=np.int64)
    names = [f"r{i:03d}" for i in range(len(labels))]
    groups: dict[int, set[str]] = {}
    for name, label in zip(names, labels.tolist(), strict=True):
        groups.setdefault(label, set()).add(name)
    earlier = {n: int(p) for n, p in zip(names, previous.tolist(), strict=True) if p >= 0}
    expected = stable_ids(list(groups.values()), earlier, next_id=100)
    # The order stable_ids takes the clusters in: largest first, then by smallest member.
    order = sorted(groups, key=lambda label: (-len(groups[label]), min(groups[label])))
    _per_label, per_item = stable_ids_arrays(labels, previous, order, next_id=100)
    assert dict(zip(names, per_item.tolist(), strict=True)) == expected


@settings(deadline=None)
@given(
    pairs_strategy,
    decisions,
    decisions,
    st.lists(
        st.tuples(st.integers(0, 1), st.sampled_from(["", "1", "2", "3"])), min_size=12, max_size=12
    ),
)
def test_keeping_conflicting_values_apart_without_listing_the_pairs(
    raw: list[tuple[int, int, float, float]],
    confirmed: list[tuple[int, int]],
    rejected: list[tuple[int, int]],
    raw_kinds: list[tuple[int, str]],
) -> None:
    """``cluster_kept_apart`` (counts of group and value per cluster) makes the clusters of
    ``cluster`` given every conflicting pair of one group as a rejection, less the
    confirmed ones; and ``cluster_arrays`` with ``numbered`` those of ``cluster_apart``."""
    import numpy as np

    from ketenzicht.persons.linkage.clusters import cluster_arrays, cluster_kept_apart
    from ketenzicht.persons.linkage.conflicts import cluster_apart

    pairs = [Pair(a, b, p, round(w)) for a, b, p, w in raw]
    kinds = {i: kind for i, kind in zip(ITEMS, raw_kinds, strict=True) if kind[1]}

    def differ(a: str, b: str) -> bool:
        return a != b

    sure = {frozenset(p) for p in confirmed}
    apart = [
        (a, b)
        for a in kinds
        for b in kinds
        if a < b
        and kinds[a][0] == kinds[b][0]
        and differ(kinds[a][1], kinds[b][1])
        and frozenset((a, b)) not in sure
    ]
    expected = cluster(
        ITEMS, pairs, link_threshold=0.9, confirmed=confirmed, rejected=rejected + apart
    )
    got = cluster_kept_apart(
        ITEMS,
        pairs,
        link_threshold=0.9,
        kinds=kinds,
        conflict=differ,
        confirmed=confirmed,
        rejected=rejected,
    )
    assert {frozenset(g) for g in got} == {frozenset(g) for g in expected}

    # The array form against conflicts.cluster_apart, V-numbers from the kinds' values.
    v_numbers = {i: f"10{kind[1]}" for i, kind in kinds.items()}
    reference = cluster_apart(
        ITEMS,
        pairs,
        link_threshold=0.9,
        v_numbers=v_numbers,
        confirmed=confirmed,
        rejected=rejected,
    )
    linking = [p for p in pairs if p.probability >= 0.9]

    def arrays(found: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray] | None:
        return (np.array([a for a, _ in found]), np.array([b for _, b in found])) if found else None

    def numbered(labels: np.ndarray) -> tuple[np.ndarray, list[str]]:
        shared = [
            i
            for i in v_numbers
            if len({v_numbers[j] for j in v_numbers if labels[j] == labels[i]}) > 1
        ]
        return np.array(sorted(shared), dtype=np.int64), [v_numbers[i] for i in sorted(shared)]

    from ketenzicht.persons.linkage.conflicts import v_numbers_conflict

    labels = cluster_arrays(
        len(ITEMS),
        np.array([p.left for p in linking], dtype=np.int64),
        np.array([p.right for p in linking], dtype=np.int64),
        np.array([p.weight for p in linking], dtype=np.float64),
        confirmed=arrays(confirmed),
        rejected=arrays(rejected),
        numbered=numbered,
        conflict=v_numbers_conflict,
    )
    found: dict[int, set[int]] = {}
    for item, label in enumerate(labels.tolist()):
        found.setdefault(label, set()).add(item)
    assert {frozenset(g) for g in found.values()} == {frozenset(g) for g in reference}
