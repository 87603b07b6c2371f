"""A jurisdiction's settings (one JSON file per deployment), checked when loaded.

Parsing happens once per configuration value (``config.get_jurisdiction`` caches it), so
what only parsing needs (``zoneinfo``, ~2.5 ms to import; the patterns) is loaded then,
not when the app is imported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .confirmations import AfterConfirmation
from .errors import ValidationFailed
from .phones import normalise_phone, written_as_stored
from .retention import SETTING as RETENTION_SETTING
from .retention import RecordsRetention, parse_records_retention

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

MFA_POLICIES = ("OFF", "OPTIONAL", "ON")
REQUIRED = ("name", "display_name", "time_zone", "departments", "texts")
# us-west-2, eu-central-1, us-gov-west-1: the shape of a region name, not a list that goes stale.
# Plain strings: ``re`` compiles and caches them on first use.
AWS_REGION_PATTERN = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
# The local stack serves plain http on the loopback interface; everything else needs https.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
COUNTRY_CODE = r"[A-Z]{2}"  # the form of the codes; which exist, phonenumbers knows


@dataclass(frozen=True)
class Department:
    department_id: str
    name: str
    twilio_number: str
    # What Twilio admits from this number (long code 1, toll-free 3, 10DLC 12-225 by trust
    # score, short code 100): the scheduled-text sender paces itself to it.
    messages_per_second: float = 1.0


@dataclass(frozen=True)
class Jurisdiction:
    name: str
    display_name: str
    time_zone: str
    departments: tuple[Department, ...]
    reminder_offsets_days: tuple[int, ...]
    texts: Mapping[str, Mapping[str, str]]
    raw: Mapping[str, Any]
    late_grace_minutes: int = 15  # a scheduled text later than this is marked late
    # What a client's "Y" does to the appointment's reminders still to come.
    after_confirmation: AfterConfirmation = AfterConfirmation.DAY_BEFORE
    # Countries (ISO codes as phonenumbers names them) a client's mobile number may be in.
    allowed_countries: tuple[str, ...] = ("US",)
    # How long texts, closed clients and audit rows are kept (unset: forever), and the hold.
    records_retention: RecordsRetention = field(default_factory=RecordsRetention)

    def department(self, department_id: str) -> Department | None:
        return next((d for d in self.departments if d.department_id == department_id), None)

    def department_for_number(self, e164: str) -> Department | None:
        """Inbound texts name the number they were sent to; that number names the department."""
        return next((d for d in self.departments if d.twilio_number == e164), None)

    def text(self, key: str, language: str = "en") -> str:
        return self.texts.get(language, {}).get(key) or self.texts["en"][key]

    @property
    def zone(self) -> ZoneInfo:
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.time_zone)

    @property
    def zone_name(self) -> str:
        """How pages name the zone: "Mountain" (as in "Mountain time")."""
        from .zone_names import friendly_zone_name

        return friendly_zone_name(self.time_zone)


def parse_jurisdiction(data: Mapping[str, Any], *, checked_at_build: bool = False) -> Jurisdiction:
    """Validate ``data`` and say every problem at once, naming the field.

    ``checked_at_build``: the app's own load of a file that ``make package`` (and ``make
    check-jurisdiction``) ran through this parse in full. Numbers written already as E.164
    and two-letter country codes are then taken as written, not proven again by
    phonenumbers (~14 ms to load) at every cold start; anything else is still parsed.
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    errors = {key: "is missing" for key in REQUIRED if key not in data}
    zone = data.get("time_zone")
    if zone is not None:
        try:
            ZoneInfo(str(zone))
        except (ZoneInfoNotFoundError, ValueError):
            errors["time_zone"] = f"{zone!r} is not an IANA time zone"
    departments = (
        _departments(data["departments"], errors, checked_at_build) if "departments" in data else []
    )
    offsets = data.get("reminder_offsets_days", [7, 3, 1])
    if not isinstance(offsets, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 60 for d in offsets
    ):
        errors["reminder_offsets_days"] = "must be a list of whole days between 0 and 60"
        offsets = []
    grace = data.get("late_grace_minutes", 15)
    if isinstance(grace, bool) or not isinstance(grace, int) or not 0 <= grace <= 1440:
        errors["late_grace_minutes"] = "must be whole minutes between 0 and 1440"
        grace = 15
    after = data.get("after_confirmation", AfterConfirmation.DAY_BEFORE.value)
    if not isinstance(after, str) or after not in {choice.value for choice in AfterConfirmation}:
        choices = ", ".join(choice.value for choice in AfterConfirmation)
        errors["after_confirmation"] = f"must be one of {choices}"
        after = AfterConfirmation.DAY_BEFORE.value
    countries = data.get("allowed_countries", ["US"])
    problem = _countries_problem(countries, checked_at_build)
    if problem:
        errors["allowed_countries"] = problem
        countries = ["US"]
    texts = data.get("texts", {})
    if not isinstance(texts, Mapping):
        errors["texts"] = 'must be an object of texts by language, like {"en": {...}}'
        texts = {}
    english = texts.get("en") or {}
    if not isinstance(english, Mapping):
        errors["texts.en"] = 'must be an object, like {"auto_reply": "...", "help": "..."}'
        english = {}
    for key in ("auto_reply", "help"):
        if not english.get(key):
            errors.setdefault(f"texts.en.{key}", "is missing")
    retention = parse_records_retention(data.get(RETENTION_SETTING), errors)
    errors.update(deployment_errors(data))
    if errors:
        raise ValidationFailed(errors)
    return Jurisdiction(
        name=str(data["name"]),
        display_name=str(data["display_name"]),
        time_zone=str(data["time_zone"]),
        departments=tuple(departments),
        reminder_offsets_days=tuple(sorted(set(offsets), reverse=True)),
        texts=texts,
        raw=data,
        late_grace_minutes=grace,
        after_confirmation=AfterConfirmation(after),
        allowed_countries=tuple(countries),
        records_retention=retention,
    )


def _departments(found: Any, errors: dict[str, str], checked_at_build: bool) -> list[Department]:
    """The departments checked (unique ids and numbers); problems go into ``errors``."""
    if not isinstance(found, list) or not found:
        errors["departments"] = "needs a list of at least one department"
        return []
    departments = []
    seen_ids: set[str] = set()
    seen_numbers: set[str] = set()
    for i, dept in enumerate(found):
        where = f"departments[{i}]"
        if not isinstance(dept, Mapping):
            errors[where] = 'must be an object, like {"id": "probation", "name": ...}'
            continue
        written = str(dept.get("twilio_number", ""))
        try:
            if checked_at_build and written_as_stored(written):
                number = written
            else:
                number = normalise_phone(written, field=f"{where}.twilio_number")
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
            continue
        dept_id = str(dept.get("id", "")).strip()
        if not dept_id or not dept_id.replace("-", "").isalnum():
            errors[f"{where}.id"] = "must be letters, digits and dashes"
        if dept_id in seen_ids:
            errors.setdefault(f"{where}.id", "repeats another department's id")
        if number in seen_numbers:
            errors[f"{where}.twilio_number"] = "repeats another department's number"
        seen_ids.add(dept_id)
        seen_numbers.add(number)
        rate = dept.get("messages_per_second", 1)
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 < rate <= 1000:
            errors[f"{where}.messages_per_second"] = "must be a number above 0, at most 1000"
            rate = 1
        departments.append(
            Department(dept_id, str(dept.get("name") or dept_id), number, float(rate))
        )
    return departments


def _countries_problem(countries: Any, checked_at_build: bool = False) -> str:
    """A non-empty list of two-letter country codes phonenumbers knows ("US", "CA")."""
    if not isinstance(countries, list) or not countries:
        return 'must be a list of country codes, like ["US"]'
    if checked_at_build and all(
        isinstance(c, str) and re.fullmatch(COUNTRY_CODE, c) for c in countries
    ):
        return ""
    import phonenumbers

    unknown = [
        c for c in countries if not isinstance(c, str) or c not in phonenumbers.SUPPORTED_REGIONS
    ]
    if unknown:
        listed = ", ".join(repr(c) for c in unknown)
        return f"has unknown country codes {listed}; use ISO codes like US or CA"
    return ""


def deployment_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """Check the settings only a deployed stack uses; each may be absent (the local stack)."""
    errors: dict[str, str] = {}
    region = data.get("aws_region")
    if region is not None and not re.match(AWS_REGION_PATTERN, str(region)):
        errors["aws_region"] = f"{region!r} is not an AWS region name like 'us-west-2'"
    retention = data.get("retention_days")
    if retention is not None and (
        isinstance(retention, bool) or not isinstance(retention, int) or retention < 1
    ):
        errors["retention_days"] = "must be a whole number of days, at least 1"
    for key in ("alarm_email", "mail_from"):
        value = data.get(key)
        if value is not None and not re.match(EMAIL_PATTERN, str(value)):
            errors[key] = f"{value!r} is not an email address"
    mfa = data.get("mfa")
    if mfa is not None and mfa not in MFA_POLICIES:
        errors["mfa"] = f"must be one of {', '.join(MFA_POLICIES)}"
    url = data.get("public_base_url")
    if url is not None:
        problem = _base_url_problem(str(url))
        if problem:
            errors["public_base_url"] = problem
    return errors


def _base_url_problem(url: str) -> str:
    """Twilio signs the exact URL it calls, so the base must be plain: scheme, host, path."""
    parts = urlsplit(url)
    if parts.query or parts.fragment or not parts.hostname:
        return "must be a URL like https://clientcomm.example.gov, without ? or #"
    if parts.scheme == "https":
        return ""
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return ""
    return "must start with https:// (plain http only for the local stack on 127.0.0.1)"
