"""The API reference as a page of our own, rendered from the OpenAPI schema drf-spectacular generates.

Swagger UI's markup failed axe (contrast, nested controls, no `lang`) in code we do not write; this page is
plain HTML in the site's layout, so it is accessible like every other page and needs no relaxed CSP.
"""

import functools

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")
REF_PREFIX = "#/components/schemas/"


@functools.cache
def api_reference() -> dict:
    """The schema as the page shows it: operations grouped by tag, then the data types they use."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    sections: dict[str, list[dict]] = {}
    for path, item in schema["paths"].items():
        for method in METHODS:
            if operation := item.get(method):
                tag = (operation.get("tags") or ["other"])[0]
                sections.setdefault(tag, []).append(_operation(method, path, operation))
    types = [{"name": name, **_object(body)} for name, body in sorted(schema["components"]["schemas"].items())]
    return {"info": schema["info"], "sections": sorted(sections.items()), "types": types,
            "security": schema["components"].get("securitySchemes", {})}


def _operation(method: str, path: str, operation: dict) -> dict:
    return {
        "id": operation["operationId"], "method": method.upper(), "path": path,
        "summary": operation.get("summary", ""), "description": operation.get("description", ""),
        "public": {} in operation.get("security", []),
        "parameters": [{"name": p["name"], "where": p["in"], "required": p.get("required", False),
                        "type": type_text(p.get("schema", {})), "description": p.get("description", "")}
                       for p in operation.get("parameters", [])],
        "bodies": [{"media_type": media, "type": type_text(body.get("schema", {}))}
                   for media, body in operation.get("requestBody", {}).get("content", {}).items()],
        "responses": [{"code": code, "description": response.get("description", ""),
                       "type": ", ".join(type_text(body.get("schema", {}))
                                         for body in response.get("content", {}).values())}
                      for code, response in operation["responses"].items()],
    }


def _object(schema: dict) -> dict:
    required = set(schema.get("required", []))
    fields = [{"name": name, "type": type_text(field), "required": name in required,
               "read_only": field.get("readOnly", False), "description": field.get("description", "")}
              for name, field in schema.get("properties", {}).items()]
    return {"description": schema.get("description", ""), "fields": fields,
            "values": [value for value in schema.get("enum", []) if value], "type": type_text(schema)}


def type_text(schema: dict) -> str:
    """A schema in words: "integer", "list of Track", "Capture or null", "one of HAPPY, SAD"."""
    if ref := schema.get("$ref"):
        text = ref.removeprefix(REF_PREFIX)
    elif parts := schema.get("allOf") or schema.get("oneOf") or schema.get("anyOf"):
        text = " or ".join(type_text(part) for part in parts)
    elif schema.get("type") == "array":
        text = f"list of {type_text(schema.get('items', {}))}"
    elif "enum" in schema:
        values = [str(value) for value in schema["enum"] if value not in ("", None)]
        text = f"one of {', '.join(values)}" if values else "empty string"
    else:
        text = schema.get("type", "object") + (f" ({schema['format']})" if schema.get("format") else "")
    return f"{text} or null" if schema.get("nullable") else text


@login_required
@require_GET
def api_docs(request):
    """The API reference: every endpoint, its parameters, bodies and answers, then the data types."""
    return render(request, "api/docs.html", {"reference": api_reference()})
