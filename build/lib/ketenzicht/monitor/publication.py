"""One table for every area, protected together (``linked_disclosure``).

A *family* is one table layout (rows x columns) counted per municipality and published for
every municipality, police unit, province and the nation, each with its row totals, column
totals and grand total, and optionally a twelve-month figure per column (the sum of some
rows). Every published quantity is a sum of the municipal counts, so an attacker who
combines areas (a unit minus its municipalities, a province minus the units' parts) is
part of the audit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from .disclosure import THRESHOLD
from .linked_disclosure import Linked, protect_linked
from .tables import NATION, Areas, Counts

# Which quantities to hide first as partners: municipal before wider areas, cells before
# totals; the twelve-month figures and grand totals last (they are what readers look for).
_LEVEL = {"municipality": 0, "region": 1, "nation": 2}
_PART = {"cell": 0, "row": 1, "column": 1, "window": 2, "window_total": 3, "total": 3}


@dataclass(frozen=True)
class Scope:
    code: str
    level: str  # municipality, region or nation
    members: np.ndarray  # indices of its municipalities
    division: str = ""  # of a region: "unit", "province" or "size" (each divides the nation)


def scopes(areas: Areas, municipalities: Sequence[str]) -> list[Scope]:
    index = {m: i for i, m in enumerate(municipalities)}
    out = [Scope(NATION, "nation", np.arange(len(municipalities)))]
    divisions = [("unit", areas.unit), ("province", areas.province)]
    if areas.size:
        divisions.append(("size", areas.size))
    for division, mapping in divisions:
        regions: dict[str, list[int]] = {}
        for m in municipalities:
            regions.setdefault(mapping[m], []).append(index[m])
        out += [
            Scope(code, "region", np.array(regions[code]), division) for code in sorted(regions)
        ]
    out += [Scope(m, "municipality", np.array([index[m]])) for m in municipalities]
    return out


class Family:
    """The quantities of one table layout over all areas, as sums of municipal atoms."""

    def __init__(
        self,
        municipalities: Sequence[str],
        areas: list[Scope],
        rows: Sequence[str],
        columns: Sequence[str],
        window: Sequence[int] = (),
    ) -> None:
        self.municipalities, self.areas = list(municipalities), areas
        # Per division, the region each municipality is in.
        self._regions: dict[str, dict[str, str]] = {}
        for area in areas:
            for m in area.members if area.level == "region" else ():
                self._regions.setdefault(area.division, {})[self.municipalities[int(m)]] = area.code
        self.rows, self.columns, self.window = list(rows), list(columns), list(window)
        r, c = len(rows), len(columns)
        self.parts: list[tuple[str, int, int]] = [
            ("cell", i, j) for i in range(r) for j in range(c)
        ]
        self.parts += [("row", i, -1) for i in range(r)] + [("column", -1, j) for j in range(c)]
        self.parts.append(("total", -1, -1))
        if self.window:
            self.parts += [("window", -1, j) for j in range(c)] + [("window_total", -1, -1)]
        self.part_index = {p: k for k, p in enumerate(self.parts)}

    def quantity(self, area: int, part: tuple[str, int, int]) -> int:
        return area * len(self.parts) + self.part_index[part]

    def _cells_of(self, part: tuple[str, int, int]) -> list[tuple[int, int]]:
        kind, i, j = part
        r, c = range(len(self.rows)), range(len(self.columns))
        return {
            "cell": lambda: [(i, j)],
            "row": lambda: [(i, jj) for jj in c],
            "column": lambda: [(ii, j) for ii in r],
            "total": lambda: [(ii, jj) for ii in r for jj in c],
            "window": lambda: [(ii, j) for ii in self.window],
            "window_total": lambda: [(ii, jj) for ii in self.window for jj in c],
        }[kind]()

    def linked(self, counts: Mapping[str, Counts]) -> Linked:
        r, c = len(self.rows), len(self.columns)
        width = r * c
        atoms = np.zeros(len(self.municipalities) * width)
        for m, municipality in enumerate(self.municipalities):
            for (row, column), n in counts.get(municipality, {}).items():
                if row in self.rows and column in self.columns:
                    atoms[m * width + self.rows.index(row) * c + self.columns.index(column)] = n
        quantity_rows, atom_columns = [], []
        preference = []
        for a, area in enumerate(self.areas):
            for part in self.parts:
                offsets = np.array([i * c + j for i, j in self._cells_of(part)])
                members = (area.members[:, None] * width + offsets[None, :]).ravel()
                quantity_rows.append(np.full(len(members), self.quantity(a, part)))
                atom_columns.append(members)
                preference.append(_LEVEL[area.level] * 10 + _PART[part[0]])
        data_rows, data_columns = np.concatenate(quantity_rows), np.concatenate(atom_columns)
        sums = sparse.csr_matrix(
            (np.ones(len(data_rows)), (data_rows, data_columns)),
            shape=(len(self.areas) * len(self.parts), len(atoms)),
        )
        # Municipalities in the same regions (unit, province, size class) are
        # interchangeable for an attacker when their tables look the same (most often: all
        # "<10").
        width_q = len(self.parts)
        divisions = sorted(self._regions)
        blocks = [
            (
                "|".join(self._regions[d].get(area.code, "") for d in divisions),
                np.arange(a * width_q, (a + 1) * width_q),
            )
            for a, area in enumerate(self.areas)
            if area.level == "municipality"
        ]
        return Linked(atoms, sums, self._equations(), np.array(preference), blocks)

    def _equations(self) -> list[tuple[int, list[int]]]:
        r, c = len(self.rows), len(self.columns)
        out: list[tuple[int, list[int]]] = []
        for a in range(len(self.areas)):
            q = self.quantity
            for i in range(r):
                out.append((q(a, ("row", i, -1)), [q(a, ("cell", i, j)) for j in range(c)]))
            for j in range(c):
                out.append((q(a, ("column", -1, j)), [q(a, ("cell", i, j)) for i in range(r)]))
            out.append((q(a, ("total", -1, -1)), [q(a, ("row", i, -1)) for i in range(r)]))
            out.append((q(a, ("total", -1, -1)), [q(a, ("column", -1, j)) for j in range(c)]))
            if self.window:
                total = q(a, ("window_total", -1, -1))
                for j in range(c):
                    cells = [q(a, ("cell", i, j)) for i in self.window]
                    out.append((q(a, ("window", -1, j)), cells))
                out.append((total, [q(a, ("window", -1, j)) for j in range(c)]))
                out.append((total, [q(a, ("row", i, -1)) for i in self.window]))
        # A wider area is the sum of its municipalities; the nation also of its units and of
        # its provinces.
        municipal = [a for a, area in enumerate(self.areas) if area.level == "municipality"]
        first = municipal[0]
        for a, area in enumerate(self.areas):
            if area.level == "municipality":
                continue
            groups = [[first + int(m) for m in area.members]]
            if area.level == "nation":
                for division in sorted(self._regions):
                    groups.append(
                        [x for x, other in enumerate(self.areas) if other.division == division]
                    )
            else:
                # Divisions overlap: a unit holding whole provinces is their sum plus its
                # other municipalities (and the other way round).
                # Regions of one division do not overlap, so each other division gives
                # its own equation.
                mine = set(area.members.tolist())
                for division in sorted(set(self._regions) - {area.division}):
                    inside = [
                        x
                        for x, other in enumerate(self.areas)
                        if other.level == "region"
                        and other.division == division
                        and set(other.members.tolist()) <= mine
                    ]
                    if inside:
                        covered = {int(m) for x in inside for m in self.areas[x].members}
                        groups.append(inside + [first + m for m in sorted(mine - covered)])
            for members in groups:
                for part in self.parts:
                    out.append((self.quantity(a, part), [self.quantity(m, part) for m in members]))
        return out

    def publish(self, counts: Mapping[str, Counts], threshold: int = THRESHOLD) -> dict[str, Any]:
        """The protected table of every area: ``{scope: data}`` in the stored layout."""
        linked = self.linked(counts)
        hidden, small = protect_linked(linked, threshold)
        values = linked.values
        out = {}
        for a, area in enumerate(self.areas):

            def shown(part: tuple[str, int, int], a: int = a) -> tuple[int | None, bool]:
                q = self.quantity(a, part)
                return (None if hidden[q] else int(values[q])), bool(small[q])

            r, c = range(len(self.rows)), range(len(self.columns))
            cells = [[shown(("cell", i, j)) for j in c] for i in r]
            rows = [shown(("row", i, -1)) for i in r]
            columns = [shown(("column", -1, j)) for j in c]
            total = shown(("total", -1, -1))
            data: dict[str, Any] = {
                "additive": True,
                "rows": self.rows,
                "columns": self.columns,
                "cells": [[v for v, _s in row] for row in cells],
                "small": [[s for _v, s in row] for row in cells],
                "row_totals": [v for v, _s in rows],
                "row_small": [s for _v, s in rows],
                "column_totals": [v for v, _s in columns],
                "column_small": [s for _v, s in columns],
                "total": total[0],
                "total_small": total[1],
            }
            if self.window:
                window = [shown(("window", -1, j)) for j in range(len(self.columns))]
                window_total = shown(("window_total", -1, -1))
                data["window"] = {
                    "rows": [self.rows[i] for i in self.window],
                    "cells": [v for v, _s in window],
                    "small": [s for _v, s in window],
                    "total": window_total[0],
                    "total_small": window_total[1],
                }
            out[area.code] = data
        return out
