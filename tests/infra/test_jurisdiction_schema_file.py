"""One schema for the jurisdiction file: the committed JSON Schema (for editors), the field
table in docs/operations.md and the build's check all come from infra/jurisdiction_schema,
every setting the code reads is in it, and none of it reaches the Lambda."""

from __future__ import annotations

import ast
import json
import re
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from chalicelib.domain.clients import LANGUAGES
from chalicelib.domain.court_import import mapping_from
from chalicelib.domain.jurisdiction import Department, Jurisdiction, parse_jurisdiction
from infra.config_loader import JURISDICTIONS_DIR, ApiThrottling, available
from infra.jurisdiction_schema.model import JurisdictionFile, Texts
from infra.jurisdiction_schema.problems import node_at
from infra.jurisdiction_schema.reference import (
    DOCS_FILE,
    SCHEMA_FILE,
    WRITE_COMMAND,
    docs_with_reference,
    rows,
    schema_text,
)
from tests.helpers import ROOT

REGENERATE = f"out of date: run `{WRITE_COMMAND}` and commit the result"
COMMITTED_SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
SALT_LAKE = json.loads((JURISDICTIONS_DIR / "salt-lake-county.json").read_text(encoding="utf-8"))


def test_the_committed_json_schema_is_the_one_the_models_generate():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), REGENERATE


def test_the_field_table_in_the_docs_is_the_one_the_models_generate():
    docs = DOCS_FILE.read_text(encoding="utf-8")
    assert docs == docs_with_reference(docs), REGENERATE


def test_every_setting_is_in_the_docs_with_its_description():
    docs = DOCS_FILE.read_text(encoding="utf-8")
    for row in rows():
        assert f"| `{row.path}` |" in docs
        assert row.meaning in docs
    for once_undocumented in (
        "departments[].messages_per_second",
        "late_grace_minutes",
        "allowed_countries",
        "court_import",
        "court_import.columns.id_number",
    ):
        assert f"| `{once_undocumented}` |" in docs


def test_the_committed_schema_is_valid_json_schema_and_accepts_every_example():
    jsonschema.Draft202012Validator.check_schema(COMMITTED_SCHEMA)
    validator = jsonschema.Draft202012Validator(COMMITTED_SCHEMA)
    for name in available():
        data = json.loads((JURISDICTIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))
        assert not list(validator.iter_errors(data)), name
        assert data["$schema"] == "../jurisdiction.schema.json"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.update(reminder_offset_days=d.pop("reminder_offsets_days")), "$"),
        (lambda d: d.update(reminder_offsets_days=7), "$.reminder_offsets_days"),
        (lambda d: d.update(departments=["probation"]), "$.departments[0]"),
        (lambda d: d.pop("display_name"), "$"),
        (lambda d: d["texts"].update(sp=d["texts"].pop("es")), "$.texts"),
        (
            lambda d: d["departments"][1].update(nmae=d["departments"][1].pop("name")),
            "$.departments[1]",
        ),
    ],
)
def test_an_editor_with_the_schema_flags_the_same_mistakes(change, where):
    data = json.loads(json.dumps(SALT_LAKE))
    change(data)
    found = jsonschema.Draft202012Validator(COMMITTED_SCHEMA).iter_errors(data)
    assert where in {error.json_path for error in found}


def test_texts_are_asked_for_in_every_language_a_client_can_choose():
    assert set(Texts.model_fields) == set(LANGUAGES)


def test_the_schemas_defaults_are_the_apps_defaults():
    minimal = {k: SALT_LAKE[k] for k in ("name", "display_name", "time_zone", "texts")}
    minimal["departments"] = [{"id": "a", "name": "A", "twilio_number": "+18015550110"}]
    app = parse_jurisdiction(minimal)
    schema = JurisdictionFile.model_validate(minimal)
    assert list(app.reminder_offsets_days) == schema.reminder_offsets_days
    assert app.late_grace_minutes == schema.late_grace_minutes == Jurisdiction.late_grace_minutes
    assert list(app.allowed_countries) == schema.allowed_countries
    assert app.departments[0].messages_per_second == schema.departments[0].messages_per_second
    assert Department.messages_per_second == schema.departments[0].messages_per_second
    court = mapping_from(schema.court_import.model_dump())
    assert court == mapping_from(None)
    assert ApiThrottling(**schema.api_throttling.model_dump()) == ApiThrottling()


class Reading(dict):
    """A dict that notes every key read from it (and from what it holds), as a path."""

    def __init__(self, data: dict, seen: set[tuple], at: tuple = ()) -> None:
        super().__init__(data)
        self.seen, self.at = seen, at

    def _note(self, key: Any) -> tuple:
        self.seen.add((*self.at, key))
        return (*self.at, key)

    def __getitem__(self, key):
        return wrap(super().__getitem__(key), self.seen, self._note(key))

    def get(self, key, default=None):
        at = self._note(key)
        return wrap(super().__getitem__(key), self.seen, at) if key in self.keys() else default

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


def wrap(value: Any, seen: set[tuple], at: tuple) -> Any:
    if isinstance(value, dict):
        return Reading(value, seen, at)
    if isinstance(value, list):
        return [wrap(item, seen, (*at, 0)) for item in value]
    return value


def test_every_setting_the_app_reads_is_in_the_schema():
    seen: set[tuple] = set()
    jurisdiction = parse_jurisdiction(Reading(SALT_LAKE, seen))
    jurisdiction.text("help", "es")
    mapping_from(jurisdiction.raw.get("court_import"))
    assert ("court_import", "columns", "id_number") in seen
    unknown = sorted(".".join(map(str, path)) for path in seen if not node_at(path))
    assert not unknown, f"read by the app but not in the schema: {unknown}"


def test_every_setting_read_from_the_file_outside_the_parse_is_in_the_schema():
    """``jurisdiction.raw["x"]`` anywhere, and the loader's own reads of the file."""
    of_jurisdiction = re.compile(r"""\.raw(?:\.get\(|\[)["'](\w+)["']""")
    of_file = re.compile(r"""\braw(?:\.get\(|\[)["'](\w+)["']""")
    keys = set()
    for path in [*(ROOT / "chalicelib").rglob("*.py"), *(ROOT / "infra").rglob("*.py")]:
        keys |= set(of_jurisdiction.findall(path.read_text(encoding="utf-8")))
    keys |= set(of_file.findall((ROOT / "infra" / "config_loader.py").read_text(encoding="utf-8")))
    assert {"court_import", "aws_region", "mail_from"} <= keys
    unknown = sorted(k for k in keys if not node_at((k,)))
    assert not unknown, f"read but not in the schema: {unknown}"


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_lambda_never_imports_the_schema_or_its_libraries():
    """The schema is for the build, ops and editors: the zip and its cold start stay as
    they were (the app parses JURISDICTION_CONFIG itself)."""
    code = [ROOT / "app.py", *(ROOT / "chalicelib").rglob("*.py")]
    wrong = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in code
        for name in imports_of(path) & {"pydantic", "pydantic_core", "jsonschema", "infra"}
    }
    assert not wrong
    shipped = (ROOT / "requirements.txt").read_text(encoding="utf-8").lower()
    assert "pydantic" not in shipped and "jsonschema" not in shipped


@pytest.mark.parametrize("package", ["pydantic", "jsonschema"])
def test_the_schemas_libraries_are_pinned_for_development(package):
    pins = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    assert f"{package}=={version(package)}" in pins


def test_the_check_command_lists_each_texts_segments_and_fails_a_file_with_problems(capsys):
    from infra.jurisdiction_schema.__main__ import main

    assert main(["check", "salt-lake-county"]) == 0
    shown = capsys.readouterr().out
    assert "salt-lake-county.json: ok to deploy" in shown
    assert "texts.es.help: 185 characters, 3 segments (UCS-2 because of í" in shown
    assert main(["check", "demo"]) == 2
    assert "public_base_url" in capsys.readouterr().err
    assert main(["check", "--local", "demo"]) == 0
