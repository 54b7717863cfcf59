"""The probabilistic linkage model: comparisons, blocking and training on Splink.

Fellegi-Sunter, as Splink implements it, with comparisons that know this data:

- names are compared on their particle-free, sorted words and on transliteration keys, so
  swapped given and family names, reordered patronymics and other spellings still agree;
  a shared name is worth less when the name is common (term frequencies);
- two dates of birth that are both exact and equal agree strongly, a day/month swap is a
  near-match, a 1-January placeholder agrees only on the year and only weakly;
- a V-number agrees very strongly, one typo apart still strongly, and two different
  V-numbers disagree strongly: these weights are fixed, not learnt;
- a shared phone is evidence, but households share phones, so its weight is learnt from
  data in which households are common.

Training does what unsupervised training alone cannot on such data, where relatives and
namesakes dominate the blocks: u from random pairs; m by expectation maximisation only in
narrow blocks of the same V-number (nearly all true matches), with the V-number weights
fixed; then, once reviewers have judged pairs, m from those labels.

The database backend is DuckDB in process by default; ``backend="spark"`` runs the same
model on Spark for very large batches (see ``docs/linkage.md``).
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on

MODEL_VERSION = "ketenzicht-linkage-1"

# The V-number is the one identifier the chain assigns itself; how often two registrations
# of one person carry the same, a one-typo-off or another V-number is known from practice
# rather than from the unlabelled data, so it is fixed.
V_NUMBER_M = {"exact": 0.95, "adjacent": 0.004, "typo": 0.031, "other": 0.015}


# Two different people carry one V-number only by a registrar's mistake (a relative's
# number): far rarer than random sampling suggests on a small register, where most pairs
# that share a V-number are the same person and so inflate u.
V_NUMBER_U_EXACT = 1e-7


def _fixed(level: Any, m: float) -> Any:
    return level.configure(m_probability=m, fix_m_probability=True)


def _exact_or_fixed_else(column: str, m_else: float) -> Any:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            _fixed(cll.ElseLevel(), m_else),
        ],
    )


def comparisons() -> list[Any]:
    name = cl.CustomComparison(
        output_column_name="name",
        comparison_description="names: words, transliteration keys, shared words",
        comparison_levels=[
            cll.NullLevel("name_keys"),
            cll.ExactMatchLevel("name_sorted", term_frequency_adjustments=True).configure(
                label_for_charts="same name (words, any order)"
            ),
            cll.ExactMatchLevel("name_key", term_frequency_adjustments=True).configure(
                label_for_charts="same name by transliteration"
            ),
            cll.And(
                cll.ArraySubsetLevel("name_keys"),
                cll.ArrayIntersectLevel("name_keys", min_intersection=2),
            ).configure(label_for_charts="every name of the shorter in the longer"),
            # Siblings share the father's (and grandfather's) name and differ in the given
            # name; one person written under two conventions keeps the given name. So each
            # partial agreement is split on whether the given names agree.
            cll.And(
                cll.ArrayIntersectLevel("name_keys", min_intersection=2),
                cll.ExactMatchLevel("key_given"),
            ).configure(label_for_charts="two or more names in common, the given name too"),
            cll.ArrayIntersectLevel("name_keys", min_intersection=2).configure(
                label_for_charts="two or more names in common, not the given name"
            ),
            cll.JaroWinklerLevel("name_key", 0.88).configure(
                label_for_charts="similar transliteration keys"
            ),
            cll.And(
                cll.ArrayIntersectLevel("name_keys", min_intersection=1),
                cll.ExactMatchLevel("key_given"),
            ).configure(label_for_charts="the given name in common"),
            cll.ArrayIntersectLevel("name_keys", min_intersection=1).configure(
                label_for_charts="one name in common, not the given name"
            ),
            cll.ElseLevel(),
        ],
    )
    dob = cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="date of birth, with its precision",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.CustomLevel("dob_l = dob_r AND dob_exact_l AND dob_exact_r", "same exact date"),
            cll.CustomLevel(
                "dob_exact_l AND dob_exact_r AND substr(dob_l, 1, 4) = substr(dob_r, 1, 4) "
                "AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)",
                "day and month swapped",
            ),
            cll.Or(
                cll.And(
                    cll.CustomLevel("dob_exact_l AND dob_exact_r"),
                    cll.DamerauLevenshteinLevel("dob", 1),
                ),
                cll.CustomLevel(
                    "dob_exact_l AND dob_exact_r AND substr(dob_l, 6, 5) = substr(dob_r, 6, 5) "
                    "AND abs(dob_year_l - dob_year_r) = 1"
                ),
            ).configure(label_for_charts="one digit or the year one off"),
            cll.CustomLevel(
                "dob_year_l = dob_year_r AND NOT (dob_exact_l AND dob_exact_r)",
                "same year, one a 1-January placeholder or year only",
            ),
            cll.CustomLevel(
                "abs(dob_year_l - dob_year_r) <= 2 AND NOT (dob_exact_l AND dob_exact_r)",
                "estimated years one or two apart",
            ),
            cll.ElseLevel(),
        ],
    )
    v_number = cl.CustomComparison(
        output_column_name="v_number",
        comparison_description="V-number (fixed weights)",
        comparison_levels=[
            cll.NullLevel("v_number"),
            _fixed(cll.ExactMatchLevel("v_number"), V_NUMBER_M["exact"]).configure(
                u_probability=V_NUMBER_U_EXACT, fix_u_probability=True
            ),
            # A household applies together and gets consecutive numbers: numbers a few
            # apart are far more often siblings than a slip of the keyboard.
            _fixed(
                cll.CustomLevel(
                    "abs(cast(v_number_l as bigint) - cast(v_number_r as bigint)) <= 9",
                    "consecutive numbers (a household registered together)",
                ),
                V_NUMBER_M["adjacent"],
            ),
            _fixed(cll.DamerauLevenshteinLevel("v_number", 1), V_NUMBER_M["typo"]),
            _fixed(cll.ElseLevel(), V_NUMBER_M["other"]),
        ],
    )
    phone = cl.CustomComparison(
        output_column_name="phone",
        comparison_description="phone (households share them)",
        comparison_levels=[
            cll.NullLevel("phone"),
            cll.ExactMatchLevel("phone"),
            # People change numbers often: another number is weak evidence against.
            _fixed(cll.ElseLevel(), 0.3),
        ],
    )
    # Registration errors aside, one person has one nationality and one sex; the data
    # rarely shows true matches that disagree, so their weight is fixed rather than learnt.
    nationality = _exact_or_fixed_else("nationality", 0.03)
    sex = _exact_or_fixed_else("sex", 0.02)
    return [name, dob, v_number, phone, nationality, sex]


# Candidate pairs share all the fields of at least one of these. Without a shared identifier
# a pair needs agreement on name *and* birth to reach the review band (the prior is about
# -14 bits; a name alone weighs at most about +9, a common one much less), so most name keys
# are paired with a birth field. Three are not, because real registrations need them:
# estimated dates differ between organisations (given name and father's name), patronymic
# names share no surname (father's name and date), and swapped given and family names with
# estimated years (the full set of name words). Online linking looks candidates up by the
# same keys (``online.blocking_keys``).
BLOCKING_KEYS: tuple[tuple[str, ...], ...] = (
    ("v_number",),
    ("phone",),
    ("name_key", "dob_year"),
    ("name_key", "dob_md"),  # birth year one off
    ("key_first", "dob_trusted"),
    ("key_last", "dob_trusted"),
    ("key_first", "key_last", "dob_year"),
    ("dob_trusted", "nationality"),  # names spelt beyond recognition
    ("key_given", "dob"),
    ("key_given", "key_second"),
    ("key_second", "dob"),
    ("name_key",),
    # Estimated birth years two apart, or a date with a wrong year, under changing surnames
    # (father's against grandfather's name, "NN", the given name repeated); see
    # docs/benchmarks.md for what each added to blocking recall and to candidates per record.
    ("key_given", "dob_span"),
    ("key_given", "dob_span_shifted"),
    ("key_given", "dob_md"),
    ("dob_trusted", "sex"),  # nationality missing or a neighbour's
    ("key_first", "dob_span", "sex"),  # given and family name swapped
    ("key_first", "dob_span_shifted", "sex"),
    ("key_last", "dob_span", "sex"),
    ("key_last", "dob_span_shifted", "sex"),
)

# A key value that more records share than this says nothing about who someone is (a
# shelter's phone, the commonest given and father's names of a nationality, a placeholder)
# and would make its block quadratic: a million records of a few thousand name pairs give a
# billion candidate pairs. Batch linking leaves such blocks out (their pairs can still meet
# through another key); online linking bounds candidates with ``CANDIDATE_LIMIT`` instead.
BLOCK_CAP = 300


def block_column(index: int) -> str:
    """The column holding the ``index``-th blocking key's value, NULL when absent or when
    more than ``BLOCK_CAP`` records share it."""
    return f"block_{index}"


def blocking_rules() -> list[Any]:
    return [block_on(block_column(i)) for i in range(len(BLOCKING_KEYS))]


def with_block_columns(
    rows: Iterable[Mapping[str, Any]], cap: int = BLOCK_CAP
) -> list[dict[str, Any]]:
    """``rows`` with a ``block_<i>`` column per blocking key (``block_column``), as
    ``block_columns_sql`` computes it in a database."""
    out = [dict(row) for row in rows]
    for index, fields in enumerate(BLOCKING_KEYS):
        values = [
            "|".join(str(row[f]) for f in fields)
            if all(row.get(f) is not None for f in fields)
            else None
            for row in out
        ]
        counts = Counter(v for v in values if v is not None)
        column = block_column(index)
        for row, value in zip(out, values, strict=True):
            row[column] = value if value is not None and counts[value] <= cap else None
    return out


def block_columns_sql(cap: int = BLOCK_CAP) -> list[str]:
    """The ``block_<i>`` columns as SQL select expressions over a table of feature rows, in
    the SQL DuckDB and Spark share."""
    expressions = []
    for index, fields in enumerate(BLOCKING_KEYS):
        present = " AND ".join(f"{f} IS NOT NULL" for f in fields)
        value = "concat_ws('|', " + ", ".join(f"CAST({f} AS STRING)" for f in fields) + ")"
        size = f"count(*) OVER (PARTITION BY {', '.join(fields)})"
        expressions.append(
            f"CASE WHEN {present} AND {size} <= {int(cap)} THEN {value} END "
            f"AS {block_column(index)}"
        )
    return expressions


def settings(probability_two_random_records_match: float = 1e-4) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=probability_two_random_records_match,
        additional_columns_to_retain=["source_org"],
        retain_intermediate_calculation_columns=True,
        max_iterations=20,
    )


@dataclass(frozen=True)
class Thresholds:
    """Match probability bands: above ``link`` automatic, from ``review`` a person decides.

    The review band starts low on purpose: a record with a name and nationality but no date
    or number (most NGO and CoMensha registrations) matches its own person at 0.1 to 0.5 in
    a register full of namesakes. From 0.2 a reviewer sees a third more true pairs than from
    0.5 (the perfect-review bound on the chain-like generator rises from 0.940 to 0.952) for
    about one review per five records instead of one per ten (docs/benchmarks.md)."""

    link: float = 0.95
    review: float = 0.2


DEFAULT_THRESHOLDS = Thresholds()


# DuckDB takes 80% of the machine's memory unless told otherwise; linkage shares the machine
# with the application and its database, and DuckDB spills joins and sorts to disk instead.
DUCKDB_MEMORY_LIMIT = "4GB"


def _db_api(backend: str, threads: int | None = None) -> Any:
    if backend == "spark":
        # Optional: pyspark is the "spark" extra.
        from . import spark  # noqa: PLC0415

        return spark.db_api()
    # Heavy: DuckDB and Splink load only when a model is trained or a batch is scored.
    import duckdb  # noqa: PLC0415
    from splink import DuckDBAPI  # noqa: PLC0415

    connection = duckdb.connect()
    spill = Path(tempfile.gettempdir()) / "ketenzicht-duckdb"
    connection.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    connection.execute(f"SET temp_directory = '{spill}'")
    if threads:
        connection.execute(f"SET threads TO {int(threads)}")
    return DuckDBAPI(connection=connection)


def linker_for(
    rows: Sequence[Mapping[str, Any]] | Any,
    model: SettingsCreator | dict[str, Any] | Path | str,
    *,
    backend: str = "duckdb",
    threads: int | None = None,
) -> Linker:
    db_api = _db_api(backend, threads)
    if isinstance(rows, Iterable):
        import pyarrow as pa  # noqa: PLC0415  (heavy: only with rows to score)

        # Columnar before it reaches the database: a list of a million dicts converted row
        # by row costs gigabytes.
        rows = pa.Table.from_pylist(with_block_columns(rows))
    if backend == "spark":
        from . import spark  # noqa: PLC0415  (optional: the "spark" extra)

        # The model's SQL in Spark's dialect, term frequencies as lookup tables.
        return spark.linker(db_api, rows, model)
    table = db_api.register(rows)
    return Linker(table, model, log_level="ERROR")


class TrainingError(Exception):
    """The input holds too few pairs to learn from (the message says what is missing)."""


# Where expectation maximisation learns m, in order of preference: each round learns the
# comparisons that do not use the block's own columns. Pairs that share a V-number are
# nearly all one person; without V-numbers (an NGO's batch, another country's data), pairs
# that share given name, father's name and nationality, or the full name, teach the birth
# date, phone and the rest, and pairs that share an exact date teach the names.
TRAINING_ROUNDS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("v_number",),),
    (("key_given", "key_second", "nationality"), ("name_key",)),
    (("dob_trusted", "sex"), ("dob_trusted",), ("dob",)),
)
# Fewer pairs than this in a block teach nothing reliable.
MIN_TRAINING_PAIRS = 50


def _pairs_in_block(rows: Sequence[Mapping[str, Any]], fields: tuple[str, ...]) -> int:
    sizes: dict[tuple[Any, ...], int] = {}
    for row in rows:
        key = tuple(row.get(f) for f in fields)
        if all(v is not None for v in key):
            sizes[key] = sizes.get(key, 0) + 1
    return sum(n * (n - 1) // 2 for n in sizes.values())


def _usable_block(
    rows: Sequence[Mapping[str, Any]], candidates: tuple[tuple[str, ...], ...]
) -> tuple[str, ...] | None:
    return next((b for b in candidates if _pairs_in_block(rows, b) >= MIN_TRAINING_PAIRS), None)


def train(
    rows: Sequence[Mapping[str, Any]],
    *,
    labels: Iterable[tuple[str, str, bool]] = (),
    seed: int = 42,
    backend: str = "duckdb",
) -> dict[str, Any]:
    """Train on ``rows`` (``features.record_features`` output) and, if given, reviewed
    pairs ``(unique_id_l, unique_id_r, is_match)``. Returns the model as a dict; raises
    ``TrainingError`` when the input has too few pairs of any kind to learn from."""
    blocks = [_usable_block(rows, candidates) for candidates in TRAINING_ROUNDS]
    if not any(blocks):
        raise TrainingError(
            f"too few records share a V-number, a name with nationality or a birth date "
            f"to learn from ({len(rows)} records)"
        )
    linker = linker_for(rows, settings(), backend=backend)
    training = linker.training
    # The prior from the narrowest block there is: the V-number when the input has them.
    first = next(b for b in blocks if b)
    training.estimate_probability_two_random_records_match(
        [block_on(*first)], recall=0.6 if first == ("v_number",) else 0.4
    )
    training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    # With V-numbers, one round learns everything else; without, two rounds on other
    # blocks learn the names and the rest from each other.
    rounds = [blocks[0]] if blocks[0] else [b for b in blocks[1:] if b]
    learnt = 0
    for block in rounds:
        try:
            training.estimate_parameters_using_expectation_maximisation(
                block_on(*block), estimate_without_term_frequencies=True
            )
            learnt += 1
        except Exception as error:  # Splink raises bare exceptions here
            logging.getLogger(__name__).info("training on %s learnt nothing: %s", block, error)
    if not learnt:
        raise TrainingError(f"no training block converged ({len(rows)} records)")
    reviewed = [
        {"unique_id_l": a, "unique_id_r": b, "clerical_match_score": 1.0 if same else 0.0}
        for a, b, same in labels
    ]
    if any(r["clerical_match_score"] for r in reviewed):
        table = linker._db_api.register(reviewed)
        training.estimate_m_from_pairwise_labels(table)
    model: dict[str, Any] = linker.misc.save_model_to_json()
    model["ketenzicht_model_version"] = MODEL_VERSION
    model["ketenzicht_labels"] = len(reviewed)
    model["ketenzicht_trained_records"] = len(rows)
    model["ketenzicht_trained_on"] = "blocks: " + "; ".join(" + ".join(b) for b in rounds if b)
    return model


def train_or_default(
    rows: Sequence[Mapping[str, Any]], *, backend: str = "duckdb"
) -> tuple[dict[str, Any], str | None]:
    """The model trained on ``rows`` or, when they hold too little to learn from, the
    shipped model with a one-line reason."""
    try:
        return train(rows, backend=backend), None
    except TrainingError as error:
        return default_model(), f"cannot train on this input ({error}); using the shipped model"


DEFAULT_MODEL = Path(__file__).parent / "data" / "default-model.json"


def default_model() -> dict[str, Any]:
    """The model shipped with Ketenzicht, trained on the synthetic generator: what a new
    deployment links with until it has trained on its own records and reviews."""
    return load(DEFAULT_MODEL)


def save(model: Mapping[str, Any], path: Path) -> None:
    path.write_text(json.dumps(model, indent=1, sort_keys=True), encoding="utf-8")


def load(path: Path) -> dict[str, Any]:
    model: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return model


PRIOR = "probability_two_random_records_match"


def at_size(model: Mapping[str, Any], records: int) -> dict[str, Any]:
    """The model for a register of ``records`` records: the prior (the probability that two
    random records are one person) falls as the register grows, since each person has a
    few records while the pairs grow with the square. A model trained on 20,000 records
    and applied to a million would otherwise start 50 times too sure and chain namesakes
    into clusters of thousands. Never raised above what training measured: a small input
    says little about the population."""
    trained = int(model.get("ketenzicht_trained_records") or 0)
    scaled = dict(model)
    if PRIOR not in model:
        return scaled
    prior = float(model.get("ketenzicht_prior_as_trained") or model[PRIOR])
    scaled[PRIOR] = prior * trained / records if trained and records > trained else prior
    scaled["ketenzicht_prior_as_trained"] = prior
    return scaled


def for_splink(model: Mapping[str, Any]) -> dict[str, Any]:
    """The model without our own keys, as Splink reads it. Blocking is how candidates are
    found, not what the model learnt: the current code's rules apply to every model."""
    settings = {k: v for k, v in model.items() if not k.startswith("ketenzicht_")}
    settings["blocking_rules_to_generate_predictions"] = [
        rule.get_blocking_rule("duckdb").as_dict() for rule in blocking_rules()
    ]
    return settings
