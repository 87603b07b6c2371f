"""No log line of the whole test run carries a phone number or a text.

``LogWatch`` keeps every record the app logs in the test process — the Powertools logger
"clientcomm", formatted exactly as Lambda writes it (appended keys included), and every
``chalicelib`` logger — at DEBUG level, so nothing hides below a threshold. When the
session's stack stops, the numbers and bodies the run actually stored (read back from the
local DynamoDB) are looked for in those lines; one found fails the run.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

import boto3

MIN_BODY = 12  # shorter bodies ("Y", "STOP", "ok") are words any log line may contain
E164_US = re.compile(r"\+1\d{10}")


class LogWatch(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.lines_lock = threading.Lock()
        self.structured: logging.Formatter | None = None
        self.plain = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def start(self) -> LogWatch:
        from chalicelib.observability import logger

        powertools = logger()
        std = powertools._logger  # the stdlib logger Powertools writes through
        self.structured = powertools.registered_formatter
        for handler in std.handlers:
            handler.setLevel(logging.WARNING)  # the console stays as quiet as before
        std.setLevel(logging.DEBUG)
        std.addHandler(self)
        app = logging.getLogger("chalicelib")
        app.setLevel(logging.DEBUG)
        app.addHandler(self)
        return self

    def emit(self, record: logging.LogRecord) -> None:
        formatter = self.structured if record.name == "clientcomm" else self.plain
        try:
            line = (formatter or self.plain).format(record)
        except Exception:  # a record that can't be formatted is still checked raw
            line = record.getMessage()
        extra: dict[str, Any] = {
            k: v for k, v in record.__dict__.items() if k not in logging.LogRecord.__dict__
        }
        with self.lines_lock:
            self.lines.append(f"{line} {extra!r}")

    def snapshot(self) -> list[str]:
        with self.lines_lock:
            return list(self.lines)

    def check(self) -> None:
        found = leaks(self.snapshot(), stored_private_strings())
        assert not found, f"phone numbers or texts in log lines: {found}"


def stored_private_strings(prefix: str = "test-") -> set[str]:
    """Phone numbers (E.164 and 10 digits) and bodies the run stored in the local tables."""
    dynamodb = boto3.client("dynamodb")
    found: set[str] = set()
    tables = [
        n for page in dynamodb.get_paginator("list_tables").paginate() for n in page["TableNames"]
    ]
    for table in tables:  # every page: other tests' tables can push ours past the first 100
        if not table.startswith(prefix):
            continue
        for page in dynamodb.get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                found.update(private_values(item))
    return found


def private_values(item: dict[str, Any]) -> Iterable[str]:
    for name in ("phone", "body", "preview"):
        value = item.get(name, {}).get("S", "").strip()
        if name == "phone" and E164_US.fullmatch(value):
            yield value
            yield value[2:]
        elif name != "phone" and len(value) >= MIN_BODY:
            yield value
    for old in item.get("old_phones", {}).get("L", []):
        if E164_US.fullmatch(old.get("S", "")):
            yield old["S"]


def leaks(lines: list[str], private: set[str], most: int = 5) -> list[tuple[str, str]]:
    """(the private string, a line it appears in), for at most ``most`` strings.

    The lines are searched as one text, each private string once (a C-speed substring
    search), and only a string found there is looked for line by line: a run's tens of
    thousands of lines times its thousands of numbers and bodies made the line-by-line
    search alone take seconds at the end of every worker."""
    text = "\n".join(lines)
    found = []
    for secret in sorted(private):
        if secret not in text:
            continue
        line = next((line for line in lines if secret in line), None)
        if line is not None:  # always, unless the secret spans two lines
            found.append((secret, line[:300]))
            if len(found) >= most:
                break
    return found
