"""What is generated from the models: the JSON Schema file and the field table in the docs.

Both are committed (editors read the schema from the repository; people read the docs on
GitHub), and tests fail when either differs from what the models generate now.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import CoreSchema

from .model import REQUIRED_TO_DEPLOY, JurisdictionFile

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "infra" / "jurisdiction.schema.json"
DOCS_FILE = ROOT / "docs" / "operations.md"
WRITE_COMMAND = "python -m infra.jurisdiction_schema write"
BEGIN = (
    "<!-- jurisdiction fields: generated from infra/jurisdiction_schema/model.py by "
    f"`{WRITE_COMMAND}`; edit the model, not this table -->"
)
END = "<!-- end of jurisdiction fields -->"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


class _Untitled(GenerateJsonSchema):
    """No "title" on every property ("Display Name"): the description says more."""

    def field_title_should_be_set(self, schema: CoreSchema) -> bool:
        return False

    def generate(self, schema: CoreSchema, mode: Any = "validation") -> JsonSchemaValue:
        found = super().generate(schema, mode=mode)
        return {"$schema": DRAFT, **found}


@cache
def json_schema() -> dict[str, Any]:
    return JurisdictionFile.model_json_schema(by_alias=True, schema_generator=_Untitled)


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """``node`` with its $ref followed and an optional value's null branch dropped."""
    if "$ref" in node:
        found = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        return resolve(schema, {**found, **{k: v for k, v in node.items() if k != "$ref"}})
    branches = [b for b in node.get("anyOf", []) if b.get("type") != "null"]
    if len(branches) == 1:
        rest = {k: v for k, v in node.items() if k != "anyOf"}
        return resolve(schema, {**branches[0], **rest})
    return node


@dataclass(frozen=True)
class Row:
    path: str
    kind: str
    default: str
    meaning: str


TYPE_WORDS = {
    "string": "text",
    "integer": "whole number",
    "number": "number",
    "boolean": "true/false",
    "object": "object",
}


def kind_of(schema: dict[str, Any], node: dict[str, Any]) -> str:
    nullable = any(b.get("type") == "null" for b in node.get("anyOf", []))
    node = resolve(schema, node)
    if nullable and node.get("default") is not None:  # null means something: "no such column"
        return kind_of(schema, node) + " or null"
    if "enum" in node:
        return " / ".join(json.dumps(v) for v in node["enum"])
    if node.get("type") == "array":
        return f"list of {kind_of(schema, node.get('items', {}))}s"
    if node.get("type") == "object" and isinstance(node.get("additionalProperties"), dict):
        return f"object of {kind_of(schema, node['additionalProperties'])}"
    return TYPE_WORDS.get(str(node.get("type")), "value")


def rows(schema: dict[str, Any] | None = None) -> list[Row]:
    """One row per setting, nested ones by path (``departments[].id``, ``texts.es.help``)."""
    schema = schema or json_schema()
    found: list[Row] = []

    def walk(node: dict[str, Any], prefix: str) -> None:
        node = resolve(schema, node)
        required = set(node.get("required", []))
        properties = node.get("properties", {})
        shared: dict[str, list[str]] = {}  # a model used by several keys (en, es): once
        for key, child in properties.items():
            if "$ref" in child:
                shared.setdefault(child["$ref"], []).append(key)
        for key, child in properties.items():
            resolved = resolve(schema, child)
            path = f"{prefix}{key}"
            default = _default(resolved, key in required)
            found.append(Row(path, kind_of(schema, child), default, _meaning(resolved)))
            keys = shared.get(child.get("$ref", ""), [])
            if keys and key == keys[-1]:
                named = key if len(keys) == 1 else "<" + "/".join(keys) + ">"
                walk(child, f"{prefix}{named}.")
            elif not keys and "properties" in resolved:
                walk(resolved, f"{path}.")
            items = resolve(schema, resolved.get("items", {}))
            if resolved.get("type") == "array" and "properties" in items:
                walk(items, f"{path}[].")

    walk(schema, "")
    return found


def _default(node: dict[str, Any], required: bool) -> str:
    if required:
        return "required"
    if node.get(REQUIRED_TO_DEPLOY):
        return "required to deploy"
    if node.get("default") is not None:
        return f"`{json.dumps(node['default'], ensure_ascii=False)}`"
    return "optional"


def _meaning(node: dict[str, Any]) -> str:
    text = node.get("description", "")
    examples = node.get("examples")
    if examples:
        text += f" Example: `{json.dumps(examples[0], ensure_ascii=False)}`."
    return text.replace("|", "\\|")


def reference_table() -> str:
    lines = ["| field | type | default | meaning |", "|---|---|---|---|"]
    lines += [f"| `{r.path}` | {r.kind} | {r.default} | {r.meaning} |" for r in rows()]
    return "\n".join(lines)


def docs_with_reference(text: str) -> str:
    """``text`` (docs/operations.md) with the generated table between the markers."""
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return f"{text[:start]}\n{reference_table()}\n{text[end:]}"


def write() -> list[Path]:
    """Regenerate the schema file and the docs table; the files that changed."""
    changed = []
    docs = DOCS_FILE.read_text(encoding="utf-8")
    for path, text in ((SCHEMA_FILE, schema_text()), (DOCS_FILE, docs_with_reference(docs))):
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed
