"""Post-process the generated OpenAPI document to the NL API Design Rules."""

from __future__ import annotations

from typing import Any

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "reason": {"type": "string"},
                    "code": {"type": "string"},
                },
            },
        },
    },
    "required": ["title", "status"],
}
API_VERSION_HEADER = {
    "description": "Semantic version of the API",
    "schema": {"type": "string", "example": "1.0.0"},
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def add_nl_api_conventions(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components.setdefault("headers", {})["API-Version"] = API_VERSION_HEADER
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, response in responses.items():
                if str(code).startswith(("2", "3")):
                    response.setdefault("headers", {})["API-Version"] = {
                        "$ref": "#/components/headers/API-Version"
                    }
            responses.setdefault("401", _problem("Not authenticated"))
            if method in ("post", "put", "patch") or operation.get("parameters"):
                responses.setdefault("400", _problem("Invalid input"))
            if "{" in next(iter([k for k, v in result["paths"].items() if v is path]), ""):
                responses.setdefault("404", _problem("Not found"))
    return result
