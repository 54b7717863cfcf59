"""The shape of the monitor's JSON (``GET /api/v1/monitor/{area}``), camelCase as the NL
API Design Rules ask, with examples for the API description."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema_field
from rest_framework import serializers


@extend_schema_field(
    # Not an enum: drf-spectacular makes a nullable one a oneOf without "type", which
    # OpenAPI 3.0 validators reject beside "nullable".
    {"type": "string", "nullable": True, "pattern": "^(<10|x)$"}
)
class MarkerField(serializers.CharField):
    pass


class CellSerializer(serializers.Serializer):
    value = serializers.IntegerField(
        allow_null=True, help_text="The published number; null where the page shows a marker."
    )
    marker = MarkerField(
        allow_null=True,
        help_text=(
            '"<10": a number below 10 (zero included); "x": a number of 10 or more hidden '
            "because it would give a small one away. Null where a number is published."
        ),
    )


class AreaSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="NL, PO1..PO10, PV20..PV31, GK1..GK5 (size classes) or GM...."
    )
    name = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=("nation", "unit", "province", "size", "municipality"),
        help_text="What kind of area: the nation, a police unit, province, size class, or "
        "municipality.",
    )


# "label" is also an attribute of every DRF field; declared as a field it is taken out of the
# class (DRF's metaclass), so only the type checker sees the clash.
class ColumnSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="As on the page, in the request's language."
    )


class RowSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    cells = CellSerializer(many=True)
    total = CellSerializer(required=False, help_text="Absent where rows do not add up.")
    extra = serializers.CharField(
        allow_null=True,
        help_text="A figure beside the total that does not add up (median working days, "
        "a share), as the page shows it.",
    )


class TableSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="trend, types, people, people_kind, people_age, people_nationality, "
        "followup or sharing"
    )
    title = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = RowSerializer(many=True)
    totals = CellSerializer(many=True, help_text="Column totals; empty where rows do not add up.")
    total = CellSerializer(required=False, help_text="Absent where rows do not add up.")
    extraLabel = serializers.CharField(allow_null=True)
    extraTotal = serializers.CharField(allow_null=True)


class ComparisonSerializer(serializers.Serializer):
    area = AreaSerializer()
    signals = CellSerializer(help_text="Signals of the last twelve months.")


class MapAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    signals = CellSerializer(help_text="Signals of the last twelve months.")


class EstimateSerializer(serializers.Serializer):
    estimable = serializers.BooleanField(
        help_text="False when no estimate is published; then `reason` says why and every "
        "number is null."
    )
    reason = serializers.CharField(
        allow_null=True,
        help_text="too_few, no_overlap, lists_apart (see `listsApart`), interval or "
        "not_identified; null with an estimate.",
    )
    observed = serializers.IntegerField(
        allow_null=True, help_text="Distinct presumed victims registered, where published."
    )
    estimate = serializers.IntegerField(
        allow_null=True, help_text="Estimated total number of victims, registered or not."
    )
    ciLow = serializers.IntegerField(allow_null=True)
    ciHigh = serializers.IntegerField(allow_null=True)
    ciMethod = serializers.CharField(
        allow_null=True, help_text="bca: 95% bootstrap interval, model choice included."
    )
    waldCiLow = serializers.IntegerField(allow_null=True)
    waldCiHigh = serializers.IntegerField(allow_null=True)
    model = serializers.ListField(
        child=serializers.CharField(), help_text="Pairs of lists that depend on each other."
    )
    lists = serializers.ListField(child=serializers.CharField(), help_text="Kinds of organisation.")
    listsApart = serializers.ListField(
        child=serializers.CharField(), help_text="With lists_apart: pairs that share no victim."
    )


class MonitorSerializer(serializers.Serializer):
    area = AreaSerializer()
    periodFrom = serializers.DateField(allow_null=True)
    periodTo = serializers.DateField(allow_null=True)
    publishedAt = serializers.DateTimeField()
    tables = TableSerializer(many=True)
    comparison = ComparisonSerializer(many=True)
    map = MapAreaSerializer(many=True, help_text="Every municipality (national area only).")
    estimate = EstimateSerializer(
        required=False, help_text="The hidden-number estimate (national area only)."
    )


_SMALL = {"value": None, "marker": "<10"}
EXAMPLE = OpenApiExample(
    "Municipality",
    value={
        "area": {"code": "GM1950", "name": "Westerwolde", "kind": "municipality"},
        "periodFrom": "2025-10-01",
        "periodTo": "2026-09-30",
        "publishedAt": "2026-10-01T02:00:00Z",
        "tables": [
            {
                "key": "types",
                "title": "Signalen van de laatste twaalf maanden per uitbuitingsvorm en soort",
                "columns": [
                    {"code": "hard", "label": "Hard"},
                    {"code": "soft", "label": "Zacht"},
                ],
                "rows": [
                    {
                        "code": "labour",
                        "label": "Arbeidsuitbuiting",
                        "cells": [_SMALL, {"value": 12, "marker": None}],
                        "total": {"value": None, "marker": "x"},
                        "extra": None,
                    }
                ],
                "totals": [_SMALL, {"value": 15, "marker": None}],
                "total": {"value": 18, "marker": None},
                "extraLabel": None,
                "extraTotal": None,
            }
        ],
        "comparison": [
            {
                "area": {"code": "NL", "name": "Nederland", "kind": "nation"},
                "signals": {"value": 2140, "marker": None},
            }
        ],
        "map": [],
    },
)
NOT_ESTIMABLE = OpenApiExample(
    "Nation, no finite estimate",
    value={
        "area": {"code": "NL", "name": "Nederland", "kind": "nation"},
        "periodFrom": "2025-10-01",
        "periodTo": "2026-09-30",
        "publishedAt": "2026-10-01T02:00:00Z",
        "tables": [],
        "comparison": [],
        "map": [{"code": "GM1950", "name": "Westerwolde", "signals": _SMALL}],
        "estimate": {
            "estimable": False,
            "reason": "lists_apart",
            "observed": 412,
            "estimate": None,
            "ciLow": None,
            "ciHigh": None,
            "ciMethod": None,
            "waldCiLow": None,
            "waldCiHigh": None,
            "model": [],
            "lists": [],
            "listsApart": ["ind:coa"],
        },
    },
)
