"""``ketenzicht link IN.csv --out OUT.csv``: the command-line contract."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management import CommandError, call_command

import pytest

from ketenzicht.persons.linkage.generator import generate
from ketenzicht.persons.linkage.tests.csv_files import write_csv


def test_every_record_gets_a_cluster_and_a_saved_model_gives_the_same(tmp_path: Path) -> None:
    generated = generate(300, seed=11)
    source = tmp_path / "in.csv"
    write_csv(generated, source, with_truth=False)
    out, again, saved = tmp_path / "out.csv", tmp_path / "again.csv", tmp_path / "model.json"
    call_command("link", str(source), out=str(out), save_model=str(saved), threads=1)
    with out.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["record_id", "cluster_id"]
    assert [r[0] for r in rows[1:]] == [g.record_id for g in generated]  # input order
    clusters = {r[0]: r[1] for r in rows[1:]}
    same_person = [(a, b) for a in generated for b in generated if a.person_id == b.person_id]
    together = sum(clusters[a.record_id] == clusters[b.record_id] for a, b in same_person)
    # A contract test, not a quality measure (docs/benchmarks.md): most people are whole.
    assert together / len(same_person) > 0.85
    call_command("link", str(source), out=str(again), model=str(saved), threads=1)
    assert again.read_text() == out.read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("record_id,given_name\n1,Ali\n2,Ali\n", "missing column(s)"),
        (
            "record_id,source_org,given_name,family_name,date_of_birth,sex,nationality,v_number,phone\n"
            "1,coa,Ali,,,,,,\n1,ind,Ali,,,,,,\n",
            "appears twice",
        ),
        (
            "record_id,source_org,given_name,family_name,date_of_birth,sex,nationality,v_number,phone\n"
            ",coa,Ali,,,,,,\n",
            "record_id is empty",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    tmp_path: Path, content: str, message: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(content)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("link", str(source), out=str(tmp_path / "out.csv"))
    assert not (tmp_path / "out.csv").exists()


def test_input_without_v_numbers_or_dates_links_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generated = generate(200, seed=12)
    source = tmp_path / "in.csv"
    with source.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["record_id", "source_org", "given_name", "family_name", "date_of_birth", "sex",
             "nationality", "v_number", "phone"]
        )  # fmt: skip
        for g in generated[:12]:
            writer.writerow([g.record_id, g.source_org, g.given_name, "", "", "", "", "", ""])
    out = tmp_path / "out.csv"
    call_command("link", str(source), out=str(out), threads=1)
    assert "using the shipped model" in capsys.readouterr().err
    assert len(out.read_text().splitlines()) == 13
