"""Reading a jurisdiction's JSON file, for the packager and the ops scripts.

The app validates the same JSON (``parse_jurisdiction``) when it starts; here every error
also names the file, and a deployed stack needs a few settings the local stack can do without.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.jurisdiction import Jurisdiction, parse_jurisdiction
from infra.definitions import parameter_path, secret_parameters, table_prefix

JURISDICTIONS_DIR = Path(__file__).resolve().parent / "jurisdictions"
# The name ends up in table, bucket, API and SSM names: lowercase, dashes, short enough for S3.
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,28}[a-z0-9]$")
REQUIRED_FOR_DEPLOY = ("aws_region", "retention_days", "alarm_email", "mfa")
THROTTLING_KEY = "api_throttling"
# API Gateway's default account quota per region (10,000 requests/s, bursts of 5,000): a stage
# can't be given more, so a bigger number is a typo.
ACCOUNT_RATE_LIMIT = 10_000
ACCOUNT_BURST_LIMIT = 5_000
# Replies to a mass text and the status callbacks of its sends arrive together.
MIN_WEBHOOK_BURST = 100


class JurisdictionConfigError(Exception):
    """A jurisdiction file is missing or wrong; the message names the file and the fields."""


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
    throttling, throttling_errors = read_throttling(raw.get(THROTTLING_KEY, {}))
    errors.update(throttling_errors)
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
        throttling=throttling,
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
    return f"{_shown(path)}:\n{lines}"


def _shown(path: Path) -> str:
    """The path as the person typing commands in the repo would write it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
