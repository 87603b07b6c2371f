"""Reading a jurisdiction's JSON file, for the packager and the ops scripts.

The file is checked against its schema (``infra/jurisdiction_schema``: every problem at once,
each with its path), which also runs the app's own parse (``parse_jurisdiction``); here every
error also names the file, and a deployed stack needs a few settings the local stack can do
without.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.domain.jurisdiction import Jurisdiction, parse_jurisdiction
from infra.definitions import LOG_RETENTION_DAYS, parameter_path, secret_parameters, table_prefix
from infra.jurisdiction_schema import (
    REQUIRED_FOR_DEPLOY,
    backups_of,
    expected_at,
    merged,
    problems,
)
from infra.jurisdiction_schema import model as schema

JURISDICTIONS_DIR = Path(__file__).resolve().parent / "jurisdictions"
NAME_PATTERN = re.compile(schema.NAME_PATTERN)
THROTTLING_KEY = "api_throttling"
ACCOUNT_RATE_LIMIT = schema.ACCOUNT_RATE_LIMIT
ACCOUNT_BURST_LIMIT = schema.ACCOUNT_BURST_LIMIT
# Replies to a mass text and the status callbacks of its sends arrive together.
MIN_WEBHOOK_BURST = 100


class JurisdictionConfigError(Exception):
    """A jurisdiction file is missing or wrong; the message names the file and the fields.

    ``problems`` maps each setting's path (``departments[1].name``) to what is wrong with it.
    """

    def __init__(self, message: str, found: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.problems = found or {}


@dataclass(frozen=True)
class ApiThrottling:
    """API Gateway's per-method limits (requests per second, and the burst above them).

    Every method of the stage gets ``rate_limit``/``burst_limit`` (staff pages and the JSON
    API: a jurisdiction has tens to a few hundred staff); Twilio's webhooks get their own,
    higher limits. Why these defaults: docs/operations.md, "API throttling".
    """

    rate_limit: float = 50
    burst_limit: int = 100
    webhook_rate_limit: float = 500
    webhook_burst_limit: int = 1000


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
    throttling: ApiThrottling = field(default_factory=ApiThrottling)
    log_retention_days: int = LOG_RETENTION_DAYS
    set_api_gateway_logging_role: bool = True
    backups: schema.Backups = field(default_factory=schema.Backups)

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
        """The file's settings as one line: the build packages it as the app's
        ``chalicelib/jurisdiction.json`` (``chalicelib/config.py`` reads it)."""
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
    _refuse(path, file_problems(name, data))
    return parse_jurisdiction(data)


def file_problems(name: str, data: dict[str, Any]) -> dict[str, str]:
    """Every problem of the file named ``name``, by path (empty: the app runs with it)."""
    found = problems(data)
    written = data.get("name")
    if isinstance(written, str) and written != name and "name" not in found:
        found["name"] = f"is {written!r}; it must match the file name ({name!r})"
    return found


def _refuse(path: Path, found: dict[str, str]) -> None:
    if found:
        raise JurisdictionConfigError(_describe(path, found), found)


def load_stack_config(name: str, directory: Path = JURISDICTIONS_DIR) -> StackConfig:
    """A jurisdiction with everything a deployed stack needs, or an error naming each gap."""
    path, raw = read_raw(name, directory)
    errors = {
        key: f"is missing (a deployed stack needs it); expected {expected_at(key)}"
        for key in REQUIRED_FOR_DEPLOY
        if raw.get(key) is None
    }
    base_url = raw.get("public_base_url")
    if base_url is not None and not str(base_url).startswith("https://"):
        errors["public_base_url"] = (
            f"{base_url!r} is for the local stack; a deployed stack needs an https:// URL, "
            "or leave it out to use the API Gateway URL"
        )
    throttling, throttling_errors = read_throttling(raw.get(THROTTLING_KEY, {}))
    errors.update(throttling_errors)
    _refuse(path, merged(file_problems(name, raw), errors))
    jurisdiction = parse_jurisdiction(raw)
    return StackConfig(
        jurisdiction=jurisdiction,
        source=path,
        aws_region=str(raw["aws_region"]),
        retention_days=int(raw["retention_days"]),
        alarm_email=str(raw["alarm_email"]),
        mfa=str(raw["mfa"]),
        public_base_url=str(base_url).rstrip("/") if base_url else None,
        mail_from=str(raw["mail_from"]) if raw.get("mail_from") else None,
        throttling=throttling,
        log_retention_days=int(raw.get("log_retention_days", LOG_RETENTION_DAYS)),
        set_api_gateway_logging_role=bool(raw.get("set_api_gateway_logging_role", True)),
        backups=backups_of(raw),
    )


def read_throttling(data: Any) -> tuple[ApiThrottling, dict[str, str]]:
    """The ``api_throttling`` object (every key optional) and, by field, what is wrong with it."""
    defaults = ApiThrottling()
    if not isinstance(data, dict):
        return defaults, {THROTTLING_KEY: 'must be an object, e.g. {"rate_limit": 50}'}
    errors: dict[str, str] = {}
    unknown = sorted(set(data) - set(vars(defaults)))
    if unknown:
        errors[THROTTLING_KEY] = f"has unknown settings {unknown}"
    values: dict[str, Any] = {}
    for key, default in vars(defaults).items():
        value = data.get(key, default)
        limit = ACCOUNT_BURST_LIMIT if key.endswith("burst_limit") else ACCOUNT_RATE_LIMIT
        whole = key.endswith("burst_limit")
        number_ok = isinstance(value, int) if whole else isinstance(value, int | float)
        if isinstance(value, bool) or not number_ok or not 0 < value <= limit:
            kind = "a whole number" if whole else "a number"
            errors[f"{THROTTLING_KEY}.{key}"] = f"must be {kind} above 0, at most {limit:,}"
        values[key] = value
    if errors:
        return defaults, errors
    found = ApiThrottling(**values)
    for key in ("rate_limit", "burst_limit"):
        if getattr(found, f"webhook_{key}") < getattr(found, key):
            errors[f"{THROTTLING_KEY}.webhook_{key}"] = (
                f"must be at least {key}: Twilio's webhooks are never throttled before pages"
            )
    if found.webhook_burst_limit < MIN_WEBHOOK_BURST:
        errors[f"{THROTTLING_KEY}.webhook_burst_limit"] = (
            f"must be at least {MIN_WEBHOOK_BURST}: replies to a mass text arrive together"
        )
    return found, errors


def _describe(path: Path, field_errors: dict[str, str]) -> str:
    lines = "\n".join(f"  {field}: {message}" for field, message in sorted(field_errors.items()))
    count = len(field_errors)
    return f"{_shown(path)}: {count} problem{'' if count == 1 else 's'}\n{lines}"


def _shown(path: Path) -> str:
    """The path as the person typing commands in the repo would write it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
