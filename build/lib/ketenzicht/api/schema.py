"""Post-process the generated OpenAPI document to the NL API Design Rules."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

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
    spec = result.get("paths", {}).get("/openapi.json", {}).get("get")
    if spec:
        spec["tags"] = ["openapi"]
        spec["summary"] = "This API description (OpenAPI 3)"
        spec["description"] = "Public, without authentication, with CORS for every origin."
        spec["security"] = []
        for response in spec["responses"].values():
            response.setdefault("headers", {})["access-control-allow-origin"] = {
                "description": "Anyone may read the API description",
                "schema": {"type": "string", "example": "*"},
            }
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
            for code, response in list(responses.items()):
                if str(code).startswith("4") and "content" not in response:
                    responses[code] = _problem(response.get("description", "Problem"))
            responses.setdefault("401", _problem("Not authenticated"))
            if method in ("post", "put", "patch") or operation.get("parameters"):
                responses.setdefault("400", _problem("Invalid input"))
            # Forbidden looks like nonexistent, for collections too (an organisation
            # without an attention list gets 404 for it, not 403).
            responses.setdefault("404", _problem("Not found, or not yours to see"))
            responses.setdefault("429", _problem("Too many requests; see Retry-After"))
    return result


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "ketenzicht.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>`; create one with `ketenzicht token create USERNAME`.",
        }
