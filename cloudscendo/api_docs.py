"""The API reference as a page of our own, rendered from the OpenAPI schema drf-spectacular generates.

Swagger UI's markup failed axe (contrast, nested controls, no `lang`) in code we do not write; this page is
plain HTML in the site's layout, so it is accessible like every other page and needs no relaxed CSP.
"""

import functools
import re

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")
CODE = re.compile(r"`([^`]+)`")
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
        "summary": operation.get("summary", ""), "description": description_html(operation.get("description", "")),
        "public": {} in operation.get("security", []),
        "parameters": [{"name": p["name"], "where": p["in"], "required": p.get("required", False),
                        "type": type_text(p.get("schema", {})),
                        "description": description_html(p.get("description", ""))}
                       for p in operation.get("parameters", [])],
        "bodies": [{"media_type": media, "type": type_text(body.get("schema", {}))}
                   for media, body in operation.get("requestBody", {}).get("content", {}).items()],
        "responses": [{"code": code, "description": description_html(response.get("description", "")),
                       "type": ", ".join(type_text(body.get("schema", {}))
                                         for body in response.get("content", {}).values())}
                      for code, response in operation["responses"].items()],
    }


def _object(schema: dict) -> dict:
    required = set(schema.get("required", []))
    fields = [{"name": name, "type": type_text(field), "required": name in required,
               "read_only": field.get("readOnly", False), "description": description_html(field.get("description", ""))}
              for name, field in schema.get("properties", {}).items()]
    return {"description": description_html(schema.get("description", "")), "fields": fields,
            "values": [value for value in schema.get("enum", []) if value], "type": type_text(schema)}


def description_html(text: str) -> SafeString:
    """The little Markdown drf-spectacular writes (`code`, "* item" lists of enum values) as escaped HTML."""
    blocks = []
    for block in text.strip().split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and all(line.startswith("* ") for line in lines):
            blocks.append(format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>",
                                                                      ((_inline(line[2:]),) for line in lines))))
        elif lines:
            blocks.append(format_html("<p>{}{}</p>", _inline(lines[0]),
                                      format_html_join("", "<br>{}", ((_inline(line),) for line in lines[1:]))))
    return format_html_join("", "{}", ((block,) for block in blocks))


def _inline(line: str) -> SafeString:
    parts = CODE.split(line)  # text, code, text, code, ..., text
    return format_html_join("", "{}{}", ((parts[i], format_html("<code>{}</code>", parts[i + 1]) if i + 1 < len(parts)
                                          else "") for i in range(0, len(parts), 2)))


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
