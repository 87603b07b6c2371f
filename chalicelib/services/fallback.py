"""When the inbound webhook fails, nothing is lost: Twilio posts the same signed request to
the number's fallback URL, which only keeps it on a queue (SQS); a scheduled job replays it
through the same path as a live text once the primary path works again.

Keeping is the whole job of the fallback URL, so it depends on as little as possible (no
DynamoDB). Replaying is safe to repeat: a text is stored once per MessageSid.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from ..adapters.queue import MessageQueue, QueueUnavailable
from ..adapters.twilio_signature import signature_is_valid
from ..domain.errors import NotStored, ValidationFailed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeptRequest:
    """A webhook request exactly as Twilio signed it."""

    url: str  # the public URL Twilio called (what the signature covers)
    form: dict[str, str]
    signature: str
    kept_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @property
    def received_at(self) -> datetime:
        """When the text reached us: where it belongs in the conversation, not the replay."""
        return datetime.fromisoformat(self.kept_at)

    @classmethod
    def from_json(cls, text: str) -> KeptRequest:
        data = json.loads(text)
        return cls(str(data["url"]), dict(data["form"]), str(data["signature"]), data["kept_at"])


class NotKept(NotStored):
    """The queue did not take the request: the webhook answers 5xx."""


@dataclass
class ReplayReport:
    replayed: int = 0
    left_for_later: int = 0
    discarded: int = 0


def keep_for_replay(queue: MessageQueue, request: KeptRequest) -> str:
    """Durably keep the request; returns the queue's message id. Raises NotKept (the
    webhook then answers 5xx and Twilio keeps the failure in its own logs)."""
    try:
        return queue.send(request.to_json())
    except QueueUnavailable as exc:
        raise NotKept("the fallback queue did not keep the request") from exc


def replay_kept(
    queue: MessageQueue,
    handle: Callable[[KeptRequest], object],
    signed: Callable[[str, dict[str, str], str], bool] | str,
    budget_seconds: float = 40.0,
    clock: Callable[[], float] = time.monotonic,
) -> ReplayReport:
    """Replay kept requests until the queue is empty or the time budget is used.

    A request whose write still fails stays on the queue (SQS shows it again after its
    visibility timeout; after five tries it moves to the dead-letter queue and an alarm
    fires). A request whose signature no longer checks out was not put there by us: it is
    dropped with a warning, never replayed. ``signed`` checks a signature (url, form,
    signature): ``webhook_checks.signature_check`` knows a token rotation; a plain token
    string checks against that one token.
    """
    check = _one_token_check(signed) if isinstance(signed, str) else signed
    report = ReplayReport()
    deadline = clock() + budget_seconds
    while clock() < deadline:
        batch = queue.receive(most=10)
        if not batch:
            break
        for message in batch:
            try:
                kept = KeptRequest.from_json(message.body)
            except (ValueError, KeyError, TypeError):
                log.warning("dropped an unreadable kept request")
                queue.delete(message.receipt)
                report.discarded += 1
                continue
            if not check(kept.url, kept.form, kept.signature):
                log.warning("dropped a kept request whose signature does not check out")
                queue.delete(message.receipt)
                report.discarded += 1
                continue
            try:
                handle(kept)
            except NotStored:
                report.left_for_later += 1
                continue
            except ValidationFailed:
                log.warning("dropped a kept request Twilio could not have sent")
                report.discarded += 1
            else:
                report.replayed += 1
            queue.delete(message.receipt)
    return report


def _one_token_check(auth_token: str) -> Callable[[str, dict[str, str], str], bool]:
    def check(url: str, form: dict[str, str], signature: str) -> bool:
        return signature_is_valid(auth_token, url, form, signature)

    return check
