"""The backups setting at build time: what it refuses, and what it means for records.

A backup keeps every record the records-retention job deletes afterwards, until the backup
lapses. That is not refused (any backup outlives the deletions it holds; whether the lag is
acceptable is the records officer's call), but ``check`` and ``make package`` say how long
it is, so nobody believes a deleted record is gone while a copy of it is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.domain.retention import HOLD_SETTING, RecordsRetention
from chalicelib.domain.retention import SETTING as RETENTION

from .model import KEEP_SETTINGS, PITR_DAYS, Backups

SETTING = "backups"
RUNBOOK = 'docs/operations.md, "Backups beyond point-in-time recovery"'


def backups_of(raw: Mapping[str, Any]) -> Backups:
    """The setting of a file that passed the check (its defaults when left out)."""
    return Backups.model_validate(raw.get(SETTING, {}))


def backup_problems(data: Mapping[str, Any]) -> dict[str, str]:
    """A retention beside ``enabled: false`` would be silently ignored: refused, by path."""
    found = data.get(SETTING)
    if not isinstance(found, Mapping) or found.get("enabled") is not False:
        return {}
    return {
        f"{SETTING}.{key}": f"is set, but {SETTING}.enabled is false (no backups are made): "
        "leave it out, or turn backups on"
        for key in KEEP_SETTINGS
        if key in found
    }


def backup_report(backups: Backups, retention: RecordsRetention, time_zone: str) -> list[str]:
    """What is backed up and for how long; how long deleted records outlive the deletion."""
    deletes = bool(retention.kinds)  # some kind of record has a schedule
    if not backups.enabled:
        lines = [
            f"notice: {SETTING}.enabled is false: the stack makes no backups; beyond "
            f"point-in-time recovery's {PITR_DAYS} days the tables are only in the "
            "account's own backups, if it has any"
        ]
        if deletes:
            lines.append(
                f"notice: what {RETENTION} deletes stays {PITR_DAYS} days in point-in-time "
                "recovery, and in the account's own backups as long as they keep it"
            )
        return lines
    monthly = (
        f"the 1st of each month kept {backups.monthly_keep_months} months "
        f"({backups.monthly_keep_days()} days)"
        if backups.monthly_keep_months
        else "no monthly backups"
    )
    lines = [
        f"{SETTING}: every table daily at 03:00 {time_zone}, kept "
        f"{backups.daily_keep_days} days; {monthly}"
    ]
    if deletes:
        longest = backups.longest_days()
        lines.append(
            f"notice: what {RETENTION} deletes stays in backups and point-in-time recovery "
            f"up to {longest} days: destruction is complete {longest} days after each deletion"
        )
    if retention.legal_hold:
        lines.append(
            f"notice: {RETENTION}.{HOLD_SETTING} does not stop backups from lapsing ({RUNBOOK})"
        )
    return lines
