"""What each index serves, in words an ops person can announce: while an upgrade removes an
index or builds it, these pages and features are unavailable (``infra/ops/upgrade_plan``).

Kept beside the models; a unit test checks that every index of every model is here, so a new
index cannot reach an upgrade plan unexplained.
"""

from __future__ import annotations

INDEX_USES: dict[str, dict[str, str]] = {
    "users": {
        "by-department": "staff lists (Staff page, transfers, notifications to a department)",
    },
    "clients": {
        "by-case-manager": "a case manager's caseload list",
        "by-department": "a supervisor's department caseload",
        "recent-by-case-manager": "a caseload sorted by last contact",
        "recent-by-department": "a department caseload sorted by last contact",
        "retired-by-case-manager": "a case manager's retired clients list",
        "retired-by-department": "a department's retired clients list; client imports "
        "finding retired clients",
        "by-id-number": "court imports finding clients by id number",
        "email-due": "e-mail notifications of unread texts",
    },
    "conversations": {
        "unresolved-sends": "settling sends nobody heard back about (settle-sends job)",
    },
    "scheduled-texts": {
        "due": "sending scheduled texts and reminders (the minute sweep)",
        "pending-by-department": "a department's list of scheduled texts",
    },
    "appointments": {
        "imported": "court imports matching imported dates (preview and apply)",
        "at_courthouse": "a courthouse's new wording reaching its upcoming dates",
    },
    "audit": {
        "by-actor": "the audit trail searched by staff member (disclosure requests)",
    },
    "court-imports": {
        "by-department": "the list of a department's court imports",
    },
    "connections": {
        "by-department": "live updates pushed to a department's open pages",
        "by-user": "live updates pushed to one staff member's open pages",
    },
    "mass-texts": {
        "by-department": "the list of mass texts (each one's progress page still opens)",
    },
}


def uses(table: str, index: str) -> str:
    """What ``index`` of ``table`` serves; a retired index no page reads any more says so."""
    return INDEX_USES.get(table, {}).get(index, f"nothing of this release ({table} {index})")
