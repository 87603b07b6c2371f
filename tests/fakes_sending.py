"""In-memory stores for the scheduled-text send path (sweep → queue → sender), for the
bench's runs at Twilio rates moto cannot reach and for service tests.

Each keeps the real store's promises with a lock standing for DynamoDB's conditions: a
step happens only from the state (and version, attempts) it was read at, so two senders
can never both claim a text. ``LatentStore`` wraps any of them to cost one DynamoDB round
trip (``seconds``) per call, as each of these calls is one request on AWS.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.domain.scheduling import ScheduledText, ScheduleState
from chalicelib.store.outbound import OutboundRef, OutboundStore, StatusChange
from chalicelib.store.scheduled import ChangeRefused, ScheduledStore
from tests.clock import real_now

WAITING = (ScheduleState.SCHEDULED, ScheduleState.QUEUED)


class FakeScheduledStore(ScheduledStore):
    """Scheduled texts by (client, id); every step conditional on what it was read as."""

    def __init__(self) -> None:
        self.texts: dict[tuple[str, str], ScheduledText] = {}
        self.lock = threading.Lock()

    def add(self, text: ScheduledText) -> ScheduledText:
        stored = replace(text, state=ScheduleState.SCHEDULED, version=1, attempts=0)
        with self.lock:
            self.texts.setdefault((text.client_id, text.scheduled_id), stored)
        return stored

    def get(self, client_id: str, scheduled_id: str) -> ScheduledText | None:
        return self.texts.get((client_id, scheduled_id))

    def due(self, now: datetime, per_partition: int = 500) -> list[ScheduledText]:
        with self.lock:
            found = [
                t
                for t in self.texts.values()
                if t.state is ScheduleState.SCHEDULED and t.send_at <= now
            ]
        return sorted(found, key=lambda t: t.send_at)[: per_partition * 8]

    def step(self, text: ScheduledText, states: tuple[ScheduleState, ...], **changes: Any) -> bool:
        """Apply ``changes`` only if the text still stands as ``text`` was read."""
        key = (text.client_id, text.scheduled_id)
        with self.lock:
            current = self.texts.get(key)
            if (
                current is None
                or current.state not in states
                or current.version != text.version
                or current.attempts != text.attempts
            ):
                return False
            self.texts[key] = replace(current, **changes)
            return True

    def mark_queued(self, text: ScheduledText) -> bool:
        return self.step(text, (ScheduleState.SCHEDULED,), state=ScheduleState.QUEUED)

    def mark_many_queued(self, texts: list[ScheduledText]) -> list[bool]:
        return [self.mark_queued(text) for text in texts]

    def claim(self, text: ScheduledText, first_rows: Any) -> bool:
        entry_key = first_rows[1].entry_key if first_rows is not None else text.entry_key
        return self.step(
            text,
            WAITING,
            state=ScheduleState.SENDING,
            attempts=text.attempts + 1,
            sent_at=real_now(),  # stamped as the real store does
            entry_key=entry_key,
        )

    def back_to_queue(self, text: ScheduledText, reason: str) -> bool:
        return self.step(text, (ScheduleState.SENDING,), state=ScheduleState.QUEUED, failure=reason)

    def fail(
        self,
        text: ScheduledText,
        reason: str,
        marker: Any = None,
        state: ScheduleState = ScheduleState.FAILED,
    ) -> bool:
        return self.step(text, WAITING, state=state, failure=reason)

    def edit(
        self, text: ScheduledText, body: str, send_at: datetime, actor: str
    ) -> ScheduledText | ChangeRefused:
        changed = self.step(
            replace(text, attempts=0),
            WAITING,
            body=body,
            send_at=send_at,
            version=text.version + 1,
            state=ScheduleState.SCHEDULED,
        )
        current = self.get(text.client_id, text.scheduled_id)
        return current if changed and current else ChangeRefused(current)

    def cancel(self, text: ScheduledText, actor: str) -> ScheduledText | ChangeRefused:
        cancelled = self.step(text, WAITING, state=ScheduleState.CANCELLED)
        current = self.get(text.client_id, text.scheduled_id)
        return current if cancelled and current else ChangeRefused(current)

    def settle(self, client_id: str, scheduled_id: str, state: ScheduleState) -> None:
        """What the sender's last write does to the text (sending → sent or failed)."""
        with self.lock:
            current = self.texts[(client_id, scheduled_id)]
            if current.state is ScheduleState.SENDING:
                self.texts[(client_id, scheduled_id)] = replace(current, state=state)


class FakeSendingOutbound(OutboundStore):
    """The sender's view of outbound texts: what Twilio took, settled with the text."""

    def __init__(self, scheduled: FakeScheduledStore) -> None:
        self.scheduled = scheduled
        self.sids: dict[str, str] = {}  # scheduled id → Twilio's sid
        self.statuses: dict[OutboundRef, str] = {}

    def record_sent(
        self,
        ref: OutboundRef,
        entry_id: str,
        author_id: str,
        sid: str,
        status: str,
        segments: int | None,
        claimed: ScheduledText | None = None,
    ) -> None:
        self.sids[entry_id] = sid
        self.statuses[ref] = status
        self.scheduled.settle(ref.client_id, entry_id, ScheduleState.SENT)

    def change_status(
        self, ref: OutboundRef, change: StatusChange, step: Any = None, reminded: Any = None
    ) -> bool:
        self.statuses[ref] = change.status
        return True


class LatentStore:
    """Any store, each call costing ``seconds`` first (a DynamoDB round trip), counted."""

    def __init__(self, store: Any, seconds: float, calls: Counter) -> None:
        self.store = store
        self.seconds = seconds
        self.calls = calls

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.store, name)
        if not callable(found):
            return found

        def call(*args: Any, **kwargs: Any) -> Any:
            time.sleep(self.seconds)
            self.calls[name] += 1
            return found(*args, **kwargs)

        return call
