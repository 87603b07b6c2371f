"""What the records-retention settings mean, said at build time.

Leaving a kind out keeps it forever: valid (files written before the setting existed stay
valid), but the build and ``check`` say so plainly, so nobody believes a schedule is in force
when none is.
"""

from __future__ import annotations

from chalicelib.domain.retention import SETTING, RecordsRetention

WHAT = {
    "texts_days": "texts and markers",
    "closed_clients_days": "retired (case closed) clients and everything under them",
    "audit_days": "audit rows",
}
KEPT = {
    "texts_days": "kept {days} days",
    "closed_clients_days": "kept {days} days after retiring",
    "audit_days": "kept {days} days",
}


def retention_report(found: RecordsRetention) -> list[str]:
    """One line per kind: its schedule, or a notice that it is kept forever; and the hold."""
    lines = []
    for name, what in WHAT.items():
        days = getattr(found, name)
        if days is None:
            lines.append(f"notice: {SETTING}.{name} is not set: {what} are kept forever")
        else:
            lines.append(f"{SETTING}.{name}: {what} {KEPT[name].format(days=days)}")
    if found.legal_hold:
        lines.append(f"notice: {SETTING}.legal_hold is true: nothing is deleted")
    return lines
