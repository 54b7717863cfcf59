"""The API's documentation as an ordinary page of the product (ADR 0028).

Swagger UI and Redoc fail WCAG 2.2 AA (contrast, nested controls, target size, a select
without a name), need inline scripts or styles, and Redoc fetches fonts from Google. This
page renders the same OpenAPI document drf-spectacular generates, server side, in the NL
Design System layout: no script, the strict CSP of every other page."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Field:
    name: str
    where: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Field]
    body: str
    body_fields: list[Field]
    responses: list[tuple[str, str]]

    @property
    def anchor(self) -> str:
        return (
            f"{self.method}-{self.path}".lower()
            .replace("/", "-")
            .strip("-")
            .replace("{", "")
            .replace("}", "")
        )


@dataclass
class Tag:
    name: str
    description: str
    operations: list[Operation] = field(default_factory=list)


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "allOf" in schema:
        return " & ".join(_type(part) for part in schema["allOf"])
    if "oneOf" in schema:
        return " | ".join(_type(part) for part in schema["oneOf"])
    kind = str(schema.get("type", "object"))
    if kind == "array":
        return f"array of {_type(schema.get('items', {}))}"
    if "enum" in schema:
        return f"{kind}: " + ", ".join(str(v) for v in schema["enum"] if v not in ("", None))
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _body_fields(schema: dict[str, Any], components: dict[str, Any]) -> list[Field]:
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    required = set(schema.get("required", []))
    return [
        Field(
            name,
            "body",
            _type(prop),
            name in required,
            str(prop.get("description", "")),
        )
        for name, prop in schema.get("properties", {}).items()
    ]


def _operation(path: str, method: str, op: dict[str, Any], components: dict[str, Any]) -> Operation:
    parameters = [
        Field(
            p["name"],
            p["in"],
            _type(p.get("schema", {})),
            bool(p.get("required")),
            str(p.get("description", "")),
        )
        for p in op.get("parameters", [])
    ]
    content: dict[str, dict[str, Any]] = (op.get("requestBody") or {}).get("content", {})
    media, body = next(iter(content.items()), ("", {}))
    schema: dict[str, Any] = body.get("schema", {})
    return Operation(
        method=method.upper(),
        path=path,
        summary=str(op.get("summary", "")),
        description=str(op.get("description", "")),
        parameters=parameters,
        body=f"{media}: {_type(schema)}" if media else "",
        body_fields=_body_fields(schema, components),
        responses=[
            (status, str(response.get("description", "")))
            for status, response in sorted(op.get("responses", {}).items())
        ],
    )


@cache
def documentation() -> tuple[dict[str, Any], list[Tag]]:
    """The schema's info and its operations by tag. Generated once per process: the
    schema follows the code, not the data."""
    schema = SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    components = schema.get("components", {}).get("schemas", {})
    tags = {t["name"]: Tag(t["name"], t.get("description", "")) for t in schema.get("tags", [])}
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                op = item[method]
                name = (op.get("tags") or ["other"])[0]
                tag = tags.setdefault(name, Tag(name, ""))
                tag.operations.append(_operation(path, method, op, components))
    return schema["info"], [tag for tag in tags.values() if tag.operations]


def api_docs_view(request: HttpRequest) -> HttpResponse:
    info, tags = documentation()
    return render(request, "api/docs.html", {"info": info, "tags": tags})
