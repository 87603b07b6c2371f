"""Twilio's status callbacks: move a text's status forward, never back."""

from __future__ import annotations

from ..domain.delivery import STATUS_RANK
from ..store.clients import ClientStore
from ..store.outbound import OutboundStore


def record_status(
    sid: str, status: str, error_code: str | None, clients: ClientStore, outbound: OutboundStore
) -> str:
    """Two round trips: find the text by its sid, then a conditional transaction.

    Returns what happened ("applied", "stale", "early", "unknown", "ignored").
    """
    if not sid or status not in STATUS_RANK:
        return "ignored"
    code = int(error_code) if error_code and error_code.isdigit() else None
    return outbound.apply_status(sid, status, code, clients.get)
