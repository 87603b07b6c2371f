"""Pydantic's findings as a person reads them: the path, what was there, what is expected.

``departments[1].nmae: "nmae" is not a setting here; did you mean "name"?`` rather than
"Extra inputs are not permitted"; descriptions and examples come from the same JSON Schema
editors use, so the message and the editor's hover say the same thing.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from .model import JurisdictionFile
from .reference import json_schema, resolve

MAX_SHOWN = 40  # characters of a wrong value quoted back
MAX_LISTED = 8  # known keys listed after an unknown one
KINDS = {
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "text in quotes",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
}
LIMITS = {
    "greater_than": "more than {gt}",
    "greater_than_equal": "at least {ge}",
    "less_than": "less than {lt}",
    "less_than_equal": "at most {le}",
    "too_short": "at least {min_length} item",
    "string_too_short": "text of at least {min_length} character",
    "literal_error": "one of {expected}",
}


def path_of(loc: Sequence[int | str]) -> str:
    """("departments", 1, "name") → "departments[1].name"."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def shape_problems(data: Mapping[str, Any]) -> dict[str, str]:
    """Every type, missing-key, unknown-key and range problem, by path."""
    try:
        JurisdictionFile.model_validate(data)
    except ValidationError as exc:
        found: dict[str, str] = {}
        for error in exc.errors():
            found.setdefault(path_of(error["loc"]), describe(error, data))
        return found
    return {}


def describe(error: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    """One finding of pydantic's, for a person; ``data`` is the whole file."""
    kind, loc, value = error["type"], error["loc"], error.get("input")
    node = node_at(loc)
    if kind == "missing":
        return f"is missing; expected {_expected(node)}"
    if kind == "extra_forbidden":
        return _unknown(str(loc[-1]), node_at(loc[:-1]), value_at(data, loc[:-1]))
    if kind in KINDS:
        return f"is {shown(value)} ({kind_of_value(value)}); expected {KINDS[kind]}{_like(node)}"
    if kind in LIMITS:
        ctx = {k: _number(v) for k, v in error.get("ctx", {}).items()}
        limit = LIMITS[kind].format(**ctx)
        plural = "s" if kind.endswith("too_short") and error["ctx"]["min_length"] != 1 else ""
        return f"is {shown(value)}; expected {limit}{plural}"
    if kind == "string_pattern_mismatch":
        return f"is {shown(value)}; expected {_expected(node)}"
    return str(error["msg"])  # our own validators' messages (texts) and anything rarer


def node_at(loc: Sequence[int | str]) -> dict[str, Any]:
    """The JSON Schema of what is at ``loc`` ({} when the schema does not say)."""
    schema = json_schema()
    node = resolve(schema, schema)
    for part in loc:
        if isinstance(part, int):
            node = resolve(schema, node.get("items", {}))
        elif part in node.get("properties", {}):
            node = resolve(schema, node["properties"][part])
        elif isinstance(node.get("additionalProperties"), dict):
            node = resolve(schema, node["additionalProperties"])
        else:
            return {}
    return node


def value_at(data: Any, loc: Sequence[int | str]) -> Any:
    """What the file holds at ``loc`` ({} where a location names no value of the file)."""
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return {}
    return data


def _number(value: Any) -> Any:
    """0.0 → 0 (a limit of a float setting reads as people write it)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def kind_of_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


def expected_at(path: str) -> str:
    """What a top-level setting should be, from its description and example."""
    return _expected(node_at((path,)))


def _expected(node: Mapping[str, Any]) -> str:
    description = str(node.get("description", "")).rstrip(".") or "a value"
    if len(description) > 1 and description[1].islower():
        description = description[0].lower() + description[1:]
    return description + _like(node)


def _like(node: Mapping[str, Any]) -> str:
    examples = node.get("examples")
    return f", like {json.dumps(examples[0], ensure_ascii=False)}" if examples else ""


def _unknown(key: str, parent: Mapping[str, Any], written: Mapping[str, Any]) -> str:
    """An unknown key, with the one meant: the closest spelling, else the only required key
    that is missing beside it ("sp" where "es" is missing)."""
    known = [k for k in parent.get("properties", {}) if k != "$schema"]
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    absent = [k for k in parent.get("required", []) if k not in written]
    meant = close[0] if close else (absent[0] if len(absent) == 1 else None)
    message = f'"{key}" is not a setting here'
    if meant:
        message += f'; did you mean "{meant}"?'
    if len(known) <= MAX_LISTED:
        message += f" (expected: {', '.join(known)})"
    return message


def merged(*sources: Mapping[str, str]) -> dict[str, str]:
    """One message per problem: a later source's finding at a path already reported, inside
    one, or around one (the object holding it) says the same thing again."""
    found: dict[str, str] = {}
    for source in sources:
        for path, message in source.items():
            if not any(_related(path, seen) for seen in found):
                found[path] = message
    return dict(sorted(found.items()))


def _related(path: str, other: str) -> bool:
    return path == other or _inside(path, other) or _inside(other, path)


def _inside(path: str, other: str) -> bool:
    return path.startswith((f"{other}.", f"{other}["))
