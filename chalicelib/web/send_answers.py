"""The send form's answers: a page for the form posted without JavaScript, JSON for the
page's own script (the outbox on the device), one outcome behind both.

Outcomes a script acts on: ``sent``; ``refused`` (nothing was sent: the reason says why);
``pending`` (it may be on its way: never send it under another id); ``invalid`` (the text
itself needs changing); ``not_stored`` (nothing was sent: try again later, same id).
"""

from __future__ import annotations

from dataclasses import dataclass

from chalice import Response

from ..domain.conversation import ConversationEntry
from ..domain.errors import ClientCommError, NotStored, ValidationFailed
from ..domain.phones import display_phone
from ..services.texting import SendPending, SendRefused

NOT_STORED_REASON = "ClientComm could not save the text just now, so it was not sent. Try again."
FAILURES = (ValidationFailed, SendRefused, SendPending, NotStored)


@dataclass(frozen=True)
class Failure:
    """A send that did not (or not yet) go: what to say and whether to offer the text again."""

    outcome: str
    reason: str
    status: int
    offer_again: bool = True


def failure_of(exc: ClientCommError) -> Failure:
    if isinstance(exc, ValidationFailed):
        return Failure("invalid", " ".join(exc.field_errors.values()), 400)
    if isinstance(exc, SendPending):  # may be on its way: don't offer the body again
        return Failure("pending", str(exc), 202, offer_again=False)
    if isinstance(exc, NotStored):
        return Failure("not_stored", NOT_STORED_REASON, 503)
    return Failure("refused", str(exc), 409)


def wants_json(accept: str | None) -> bool:
    return "application/json" in (accept or "")


def json_failure(failure: Failure) -> Response:
    return answer({"outcome": failure.outcome, "reason": failure.reason}, failure.status)


def json_sent(entry: ConversationEntry) -> Response:
    return answer(
        {
            "outcome": "sent",
            "entry_id": entry.entry_id,
            "status": entry.status,
            "message": f"Sent to {display_phone(entry.phone)}.",
        },
        200,
    )


def answer(body: dict[str, str], status: int) -> Response:
    return Response(body=body, status_code=status, headers={"Cache-Control": "no-store"})
