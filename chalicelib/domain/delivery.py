"""Delivery status of an outbound text: only ever forward, with plain-language failures."""

from __future__ import annotations

from dataclasses import dataclass

# Twilio's statuses in the order a message moves through them. Callbacks arrive out of
# order and twice; a status may replace another only if its rank is higher.
STATUS_RANK = {
    "sending_to_twilio": 0,  # ours: written before Twilio is called
    "unknown": 1,  # ours: Twilio did not answer in time; a callback or a check resolves it
    "not_sent": 2,  # ours: Twilio certainly did not take it; a later callback still wins
    "accepted": 1,
    "scheduled": 1,
    "queued": 2,
    "sending": 3,
    "sent": 4,
    "delivered": 5,
    "undelivered": 5,
    "failed": 5,
    "read": 6,
    "received": 5,
}
FINAL = frozenset({"delivered", "undelivered", "failed", "read", "received"})
PROBLEMS = frozenset({"undelivered", "failed", "not_sent"})
UNRESOLVED = frozenset({"sending_to_twilio", "unknown"})
# A text counts as contact with the client ("last contact" on the caseload) only once it
# reached the phone; a queued, sent or failed text does not.
REACHED_PHONE = frozenset({"delivered", "read"})

# Error codes we name in code; explanations for case managers.
OPTED_OUT = 21610
UNREACHABLE = 30003
UNKNOWN_NUMBER = 30005
LANDLINE = 30006
CARRIER_FILTERED = 30007
ERROR_EXPLANATIONS = {
    OPTED_OUT: "The client texted STOP, so Twilio will not deliver texts to them.",
    UNREACHABLE: "The phone was off or out of coverage and could not be reached.",
    UNKNOWN_NUMBER: "The number does not exist or is no longer in service.",
    LANDLINE: "This is a landline or another number that cannot receive texts.",
    CARRIER_FILTERED: "The phone company blocked the text as possible spam.",
    21211: "The number is not a valid phone number.",
    21614: "This number cannot receive texts.",
    30004: "The client has blocked texts from this number.",
    30008: "The phone company could not deliver the text (unknown error).",
}


def rank(status: str) -> int:
    return STATUS_RANK.get(status, 0)


def statuses_below(status: str) -> list[str]:
    """Every status a text may leave for ``status``."""
    return [name for name, value in STATUS_RANK.items() if value < rank(status)]


def moves_forward(current: str | None, new: str) -> bool:
    """True if ``new`` may replace ``current``; a late "sent" never undoes "delivered"."""
    return current is None or rank(new) > rank(current)


NOT_SENT_REASON = "Twilio could not be reached, so the text was not sent. Send it again."
UNKNOWN_REASON = (
    "Twilio did not answer in time. ClientComm is checking whether the text went out; "
    "don't send it again yet."
)


@dataclass(frozen=True)
class ClientEffect:
    """What a status does to the client's record (the caseload flags)."""

    delivery_problem: str | None = None  # set this explanation
    clears_problem: bool = False  # a delivered text clears the last problem
    opted_out: bool = False  # Twilio says the client replied STOP (21610)


def effect_on_client(status: str, error_code: int | None) -> ClientEffect:
    """A failed text flags the client with a plain reason; a delivered one clears it."""
    if status == "not_sent":
        return ClientEffect(delivery_problem=NOT_SENT_REASON)
    if status in PROBLEMS:
        reason = explain(error_code) or "The text could not be delivered."
        return ClientEffect(delivery_problem=reason, opted_out=error_code == OPTED_OUT)
    if status == "delivered":
        return ClientEffect(clears_problem=True)
    return ClientEffect()


def explain_status(status: str, error_code: int | None) -> str:
    """The reason a case manager reads next to a text that did not arrive, if any."""
    if status == "not_sent":
        return NOT_SENT_REASON
    if status == "unknown":
        return UNKNOWN_REASON
    return explain(error_code) if status in PROBLEMS else ""


def explain(error_code: int | str | None) -> str:
    if error_code in (None, ""):
        return ""
    try:
        code = int(error_code)
    except (TypeError, ValueError):
        return "The text could not be delivered."
    return ERROR_EXPLANATIONS.get(code, f"The text could not be delivered (Twilio error {code}).")
