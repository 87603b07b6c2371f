"""Conversation partitions that are not a client: a waiting unknown number's texts.

Texts from a number no client has wait in the conversations table under
``unclaimed#<department>#<number>``; replies to it are stored there too, so the thread is
complete when it is attached to a client. Outbound bookkeeping (status callbacks, the
settle job) must know such a partition has no client item to update.
"""

from __future__ import annotations

from .audit import client_subject

UNCLAIMED_PREFIX = "unclaimed#"


def unclaimed_partition(department_id: str, phone: str) -> str:
    """Unclaimed texts wait in the conversations table under this pseudo client id."""
    return f"{UNCLAIMED_PREFIX}{department_id}#{phone}"


def is_unclaimed(partition: str) -> bool:
    return partition.startswith(UNCLAIMED_PREFIX)


def unclaimed_department(partition: str) -> str:
    """The department a waiting number's partition belongs to ("" for a client's)."""
    if not is_unclaimed(partition):
        return ""
    return partition[len(UNCLAIMED_PREFIX) :].split("#", 1)[0]


def audit_subject(partition: str) -> str:
    """Audit rows about a client are kept under ``client#<id>``; about a waiting number,
    under its partition (so a disclosure request finds replies and dismissals too)."""
    return partition if is_unclaimed(partition) else client_subject(partition)
