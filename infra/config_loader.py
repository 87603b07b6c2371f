"""Reading a jurisdiction's JSON file, for the packager and the ops scripts.

The app validates the same JSON (``parse_jurisdiction``) when it starts; here every error
also names the file, and a deployed stack needs a few settings the local stack can do without.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.jurisdiction import Jurisdiction, parse_jurisdiction
from infra.definitions import parameter_path, secret_parameters, table_prefix

JURISDICTIONS_DIR = Path(__file__).resolve().parent / "jurisdictions"
# The name ends up in table, bucket, API and SSM names: lowercase, dashes, short enough for S3.
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,28}[a-z0-9]$")
REQUIRED_FOR_DEPLOY = ("aws_region", "retention_days", "alarm_email", "mfa")


class JurisdictionConfigError(Exception):
    """A jurisdiction file is missing or wrong; the message names the file and the fields."""


@dataclass(frozen=True)
class StackConfig:
    """A jurisdiction checked for deployment: the domain settings plus the stack's own."""

    jurisdiction: Jurisdiction
    source: Path
    aws_region: str
    retention_days: int
    alarm_email: str
    mfa: str
    public_base_url: str | None
    mail_from: str | None

    @property
    def name(self) -> str:
        return self.jurisdiction.name

    @property
    def table_prefix(self) -> str:
        return table_prefix(self.name)

    @property
    def parameter_path(self) -> str:
        return parameter_path(self.name)

    @property
    def secret_parameters(self) -> dict[str, str]:
        return secret_parameters(self.name)

    def compact_json(self) -> str:
        """The file's settings as one line: what the app reads from ``JURISDICTION_CONFIG``."""
        return json.dumps(dict(self.jurisdiction.raw), separators=(",", ":"), ensure_ascii=False)


def available(directory: Path = JURISDICTIONS_DIR) -> list[str]:
    return sorted(path.stem for path in directory.glob("*.json"))


def read_raw(name: str, directory: Path = JURISDICTIONS_DIR) -> tuple[Path, dict[str, Any]]:
    """The file's JSON, or an error that says which file and what is wrong with it."""
    path = directory / f"{name}.json"
    if not NAME_PATTERN.match(name):
        raise JurisdictionConfigError(
            f"{name!r}: a jurisdiction name is 2-30 lowercase letters, digits and dashes"
        )
    if not path.is_file():
        known = ", ".join(available(directory)) or "none"
        raise JurisdictionConfigError(
            f"{_shown(path)}: no such file (known jurisdictions: {known})"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise JurisdictionConfigError(
            f"{_shown(path)}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    if not isinstance(data, dict):
        raise JurisdictionConfigError(f"{_shown(path)}: must hold one JSON object")
    return path, data


def load_jurisdiction(name: str, directory: Path = JURISDICTIONS_DIR) -> Jurisdiction:
    """A validated jurisdiction; fine for the local stack (deploy-only settings may be absent)."""
    path, data = read_raw(name, directory)
    try:
        jurisdiction = parse_jurisdiction(data)
    except ValidationFailed as exc:
        raise JurisdictionConfigError(_describe(path, exc.field_errors)) from exc
    if jurisdiction.name != name:
        raise JurisdictionConfigError(
            _describe(path, {"name": f"is {jurisdiction.name!r}; it must match the file name"})
        )
    return jurisdiction


def load_stack_config(name: str, directory: Path = JURISDICTIONS_DIR) -> StackConfig:
    """A jurisdiction with everything a deployed stack needs, or an error naming each gap."""
    jurisdiction = load_jurisdiction(name, directory)
    path = directory / f"{name}.json"
    raw = jurisdiction.raw
    errors = {
        key: "is missing (a deployed stack needs it)"
        for key in REQUIRED_FOR_DEPLOY
        if key not in raw
    }
    base_url = raw.get("public_base_url")
    if base_url is not None and not str(base_url).startswith("https://"):
        errors["public_base_url"] = (
            f"{base_url!r} is for the local stack; a deployed stack needs an https:// URL, "
            "or leave it out to use the API Gateway URL"
        )
    if errors:
        raise JurisdictionConfigError(_describe(path, errors))
    return StackConfig(
        jurisdiction=jurisdiction,
        source=path,
        aws_region=str(raw["aws_region"]),
        retention_days=int(raw["retention_days"]),
        alarm_email=str(raw["alarm_email"]),
        mfa=str(raw["mfa"]),
        public_base_url=str(base_url).rstrip("/") if base_url else None,
        mail_from=str(raw["mail_from"]) if raw.get("mail_from") else None,
    )


def _describe(path: Path, field_errors: dict[str, str]) -> str:
    lines = "\n".join(f"  {field}: {message}" for field, message in sorted(field_errors.items()))
    return f"{_shown(path)}:\n{lines}"


def _shown(path: Path) -> str:
    """The path as the person typing commands in the repo would write it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
