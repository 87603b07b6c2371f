"""Scheduled texts going out: the sweep puts due texts on the send queue; the sender sends
each one exactly once, at the pace Twilio admits from the department's number.

Exactly once, whatever repeats: the sweep puts a text on the queue before it marks it
queued, so a crash between the two leaves a duplicate message, never a lost text; the
sender's claim is one conditional transaction that only one message can win (and that
also writes the text and its one-time id on the first attempt). Two sweeps at once, an SQS
redelivery, a Lambda retry and an edit or cancel racing the send all end at that claim.
"""

from __future__ import annotations

import json
import logging
import math
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from ..adapters.queue import MessageQueue, OutgoingMessage, QueueUnavailable
from ..adapters.twilio_gateway import (
    TwilioError,
    TwilioGateway,
    TwilioNotSent,
    TwilioOutcomeUnknown,
)
from ..domain.conversation import ConversationEntry, Direction, EntryKind, marker
from ..domain.delivery import NOT_SENT_REASON, effect_on_client, explain
from ..domain.jurisdiction import Jurisdiction
from ..domain.scheduling import ScheduledText, ScheduleState, lateness
from ..domain.segments import count_segments
from ..domain.send_block import why_sending_is_off
from ..store.clients import ClientStore
from ..store.outbound import OutboundRef, OutboundStore, StatusChange, new_text_rows, ref_for
from ..store.scheduled import ScheduledStore
from ..store.scheduled_steps import reminded_of, settled_from_sending
from .attachments import Bucket, hand_over, media_urls
from .pacing import Pacer, SenderPacers
from .texting import body_digest

__all__ = ["QUEUE_AHEAD", "Pacer", "SendOrder", "Sender", "SenderPacers", "send_order", "sweep"]

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6  # Twilio said "not now" this often: give up and say so on the text
RETRY_REASON = "Twilio asked us to wait; trying again shortly."
OVERTAKEN_DELAY_SECONDS = 5  # a retry that came before its text was marked waiting for it
RETRY_BASE_SECONDS = 15
RETRY_CAP_SECONDS = 900  # SQS delays a message at most 15 minutes
# The sweep runs once a minute (app.py): it queues what falls due before the next run,
# hidden until its time, so no text waits up to a minute for the sweep.
QUEUE_AHEAD = timedelta(seconds=90)  # the minute, and a margin for a late run


@dataclass(frozen=True)
class SendOrder:
    """One queue message: everything the sender needs, so it reads nothing but the client."""

    client_id: str
    scheduled_id: str
    version: int
    attempts: int
    department_id: str
    author_id: str
    body: str
    send_at: str  # ISO, UTC
    entry_key: str = ""  # the text's conversation key, once the first attempt wrote it
    appointment_id: str = ""  # a reminder's appointment
    not_after: str = ""  # ISO, UTC: a reminder must not go after its appointment began

    @classmethod
    def of(cls, text: ScheduledText) -> SendOrder:
        return cls(
            text.client_id,
            text.scheduled_id,
            text.version,
            text.attempts,
            text.department_id,
            text.author_id,
            text.body,
            text.send_at.isoformat(),
            entry_key=text.entry_key,
            appointment_id=text.appointment_id,
            not_after=text.not_after.isoformat() if text.not_after else "",
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> SendOrder:
        return cls(**json.loads(text))

    def text(self) -> ScheduledText:
        return ScheduledText(
            client_id=self.client_id,
            scheduled_id=self.scheduled_id,
            department_id=self.department_id,
            case_manager_id="",
            author_id=self.author_id,
            body=self.body,
            send_at=datetime.fromisoformat(self.send_at),
            state=ScheduleState.QUEUED,
            version=self.version,
            attempts=self.attempts,
            appointment_id=self.appointment_id,
            not_after=datetime.fromisoformat(self.not_after) if self.not_after else None,
            entry_key=self.entry_key,
        )


DUE_PER_PARTITION = 500  # due texts read a partition at a time (a Query's page)
# No further read after this: a read of 4,000 takes ~10 s on AWS; the next run starts at 60 s.
SWEEP_BUDGET = timedelta(seconds=30)
SWEEP_JOB = "sweep-scheduled"
SWEEP_LEASE = timedelta(seconds=60)  # the function's timeout (.chalice/config.json)


@dataclass
class SweepReport:
    due: int = 0
    queued: int = 0
    changed_meanwhile: int = 0  # edited, cancelled or taken by another sweep
    not_kept: int = 0  # SQS refused: the next sweep tries again


def sweep(
    scheduled: ScheduledStore,
    queue: MessageQueue,
    now: datetime,
    ahead: timedelta = timedelta(0),
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    per_partition: int = DUE_PER_PARTITION,
    budget: timedelta = SWEEP_BUDGET,
) -> SweepReport:
    """Put every text due by ``now + ahead`` on the send queue, then mark it queued (in
    that order). A text not yet due is hidden on the queue until its time (DelaySeconds),
    so a sweep once a minute still sends each text within seconds of its minute; an edit
    or cancel meanwhile still wins, at the claim. Each message carries its department as
    its ``MessageGroupId``: the fair queue hands out a quiet department's texts before a
    busy one's backlog. A text's delay is counted from when its batch goes on the queue
    (``clock``): a sweep of thousands takes a while to reach the texts due last.

    The due index is read ``per_partition`` texts a partition at a time, soonest first; a
    read that may have been cut short is followed by another (what was queued has left
    the index) while the run is within ``budget`` and still making progress. Without that,
    a mass text of more than a read's worth kept other departments' later-due texts off
    the sweep until it had drained, a minute a read."""
    started = clock()
    report = SweepReport()
    while True:
        due = in_turns(scheduled.due(now + ahead, per_partition))
        queued_before = report.queued
        report.due += len(due)
        for start in range(0, len(due), 10):
            chunk = due[start : start + 10]
            at = max(now, clock())
            kept = queue.send_batch([outgoing(text, at) for text in chunk])
            on_queue = [text for text, ok in zip(chunk, kept, strict=True) if ok]
            report.not_kept += len(chunk) - len(on_queue)
            marked = scheduled.mark_many_queued(on_queue)  # only texts whose message SQS holds
            report.queued += marked.count(True)
            report.changed_meanwhile += marked.count(False)
        cut_short = len(due) >= per_partition  # some partition may have had more
        if not cut_short or report.queued == queued_before or clock() - started >= budget:
            return report


class Leases(Protocol):
    """One run of a job at a time (store/job_leases.py)."""

    def take(self, job: str, token: str, now: datetime, lease: timedelta) -> bool: ...

    def release(self, job: str, token: str) -> None: ...


def sweep_in_turn(
    leases: Leases,
    scheduled: ScheduledStore,
    queue: MessageQueue,
    now: datetime,
    token: str,
    ahead: timedelta = timedelta(0),
) -> SweepReport | None:
    """``sweep``, unless another run holds the sweep's lease (None then): EventBridge firing
    twice, or a run outlasting its minute, would otherwise put every text neither run has
    marked yet on the queue twice (harmless, the claim drops repeats, but each repeat costs
    a sender a claim and a slot of its batch). The lease lasts the function's timeout, so a
    run that dies holds back the next for at most that; it is given back however a run ends."""
    if not leases.take(SWEEP_JOB, token, now, SWEEP_LEASE):
        return None
    try:
        return sweep(scheduled, queue, now, ahead)
    finally:
        leases.release(SWEEP_JOB, token)


def in_turns(due: list[ScheduledText]) -> list[ScheduledText]:
    """The due texts with departments taking turns (soonest first within each): a sweep of
    one department's mass text puts another department's reminders on the queue in its
    first batches, not after thousands of others (the fair queue can only favour what is
    on it)."""
    seen: dict[str, int] = {}
    places = []
    for index, text in enumerate(due):
        turn = seen.get(text.department_id, 0)
        seen[text.department_id] = turn + 1
        places.append((turn, index))
    return [due[index] for _, index in sorted(places)]


def outgoing(text: ScheduledText, now: datetime) -> OutgoingMessage:
    """The text's queue message: its department's group, hidden until its time."""
    wait = math.ceil((text.send_at - now).total_seconds())
    return OutgoingMessage(
        SendOrder.of(text).to_json(), group=text.department_id, delay_seconds=max(0, wait)
    )


@dataclass(frozen=True)
class Sender:
    """The sender's collaborators, built once per Lambda invocation."""

    clients: ClientStore
    scheduled: ScheduledStore
    outbound: OutboundStore
    gateway: TwilioGateway
    jurisdiction: Jurisdiction
    queue: MessageQueue
    status_callback_base: str
    pacer: Pacer
    media: Bucket | None = None  # signs a scheduled attachment's MediaUrl at send time


def send_order(order: SendOrder, sender: Sender, now: datetime) -> str:
    """Send one scheduled text; returns what happened: "sent", "unknown" (handed over, its
    entry says "checking"), "retry" (Twilio said "not now": back on the queue), "failed",
    "refused" (the page's rule says the client can't be texted), "expired" (a reminder
    after its appointment began), "later" (a retry that overtook its own requeue: put
    back on the queue) or "stale" (a repeat, edited, cancelled or settled: nothing)."""
    text = order.text()
    attached = sender.scheduled.media_along(order.client_id, order.scheduled_id)
    client = sender.clients.get(order.client_id, [attached])  # one round trip, both
    media = attached.value if client else ()
    department = sender.jurisdiction.department(client.department_id) if client else None
    if client is None or department is None:
        gone = "The client or the department's number is gone."
        return "failed" if sender.scheduled.fail(text, gone) else "stale"
    blocked = why_sending_is_off(client)  # the page's own rule, read again at send time:
    if blocked:  # retired, opted out, or a number known not to take texts (a landline)
        line = not_sent_marker(text, blocked, sender.jurisdiction)
        return "refused" if sender.scheduled.fail(text, blocked, line) else "stale"
    if text.not_after is not None and now >= text.not_after:
        return _expire(text, sender)
    late = lateness(text.send_at, now, timedelta(minutes=sender.jurisdiction.late_grace_minutes))
    entry = ConversationEntry(
        client_id=client.client_id,
        entry_id=text.scheduled_id,
        at=now,
        kind=EntryKind.TEXT,
        body=text.body,
        direction=Direction.OUTBOUND,
        phone=client.phone,  # the current number, read now
        status="sending_to_twilio",
        author_id=text.author_id,
        segments=count_segments(text.body),
        details={"scheduled_for": text.send_at.isoformat()}
        | ({"late_seconds": str(late)} if late is not None else {})
        | ({"reminder": text.appointment_id} if text.appointment_id else {}),  # dashboard
        media=media,
    )
    digest = body_digest(client.client_id, text.body, tuple(item.key for item in media))
    first = new_text_rows(entry, digest, scheduled=True, reminds=reminded_of(text))
    urls = media_urls(sender.media, media)  # signed at send time, not when it was written
    if not sender.scheduled.claim(text, first if order.attempts == 0 else None):
        return _not_claimed(order, sender)
    ref = ref_for(entry) if not order.entry_key else OutboundRef(client.client_id, order.entry_key)
    claimed = replace(
        text,
        state=ScheduleState.SENDING,
        attempts=text.attempts + 1,
        late_seconds=late,
        entry_key=ref.entry_key,
    )
    sender.pacer.wait_turn(department)
    try:
        sent = hand_over(
            sender.gateway,
            urls,
            from_=department.twilio_number,
            to=client.phone,
            body=text.body,
            status_callback=f"{sender.status_callback_base.rstrip('/')}/{text.scheduled_id}",
        )
    except TwilioNotSent as exc:
        return _not_now(order, claimed, ref, exc, sender)
    except TwilioOutcomeUnknown:  # handed over unsure: the callback or settle-sends decides
        step = settled_from_sending(
            text.client_id, text.scheduled_id, ScheduleState.SENT, now, late_seconds=late
        )
        sender.outbound.change_status(ref, StatusChange("unknown"), step)
        return "unknown"
    except TwilioError as exc:  # refused for good: opted out, not a textable number...
        reason = explain(exc.code) or "Twilio refused the text."
        change = StatusChange("failed", exc.code, effect_on_client("failed", exc.code))
        step = settled_from_sending(
            text.client_id, text.scheduled_id, ScheduleState.FAILED, now, reason
        )
        sender.outbound.change_status(ref, change, step)
        return "failed"
    sender.outbound.record_sent(
        ref, text.scheduled_id, text.author_id, sent.sid, sent.status, sent.segments, claimed
    )
    return "sent"


def _not_claimed(order: SendOrder, sender: Sender) -> str:
    """The claim lost. Usually the message is stale; but a retry message can overtake its
    own requeue (the sender that put it on the queue has not yet marked the text as
    waiting for it): the text is still being sent by the attempt this message continues.
    That message is put back for a little later instead of dropped."""
    current = sender.scheduled.get(order.client_id, order.scheduled_id)
    overtook = (
        order.attempts > 0
        and current is not None
        and current.state is ScheduleState.SENDING
        and (current.version, current.attempts) == (order.version, order.attempts)
    )
    if not overtook:
        return "stale"
    sender.queue.send(
        order.to_json(), delay_seconds=OVERTAKEN_DELAY_SECONDS, group=order.department_id
    )
    return "later"


def _expire(text: ScheduledText, sender: Sender) -> str:
    """A reminder whose appointment has begun is not sent late: it is marked expired, on
    the reminder and visibly in the conversation (on its entry, if an earlier attempt
    wrote it, else as a line)."""
    reason = "Expired: the appointment had already begun, so the reminder was not sent."
    line = None if text.entry_key else not_sent_marker(text, reason, sender.jurisdiction)
    expired = sender.scheduled.fail(text, reason, line, ScheduleState.EXPIRED)
    return "expired" if expired else "stale"


def not_sent_marker(
    text: ScheduledText, reason: str, jurisdiction: Jurisdiction
) -> ConversationEntry:
    """The line a scheduled text that never became a text leaves in the conversation."""
    local = text.send_at.astimezone(jurisdiction.zone)
    return marker(
        text.client_id,
        "scheduled_not_sent",
        f"The text scheduled for {local:%b %-d, %-I:%M %p} was not sent: {reason} "
        f"It said: “{text.body}”",
        text.author_id,
        {"scheduled": text.scheduled_id},
    )


def _not_now(
    order: SendOrder, claimed: ScheduledText, ref: OutboundRef, exc: TwilioNotSent, sender: Sender
) -> str:
    """Twilio certainly did not take it (429, 5xx it refused, no connection): try later,
    from the queue, with back-off; after MAX_ATTEMPTS, or when the queue will not keep
    the retry, say "not sent" on the text. The retry message goes on the queue before the
    text is marked as waiting for it, so a waiting text always has its message."""
    if claimed.attempts < MAX_ATTEMPTS:
        retry = replace(order, attempts=claimed.attempts, entry_key=ref.entry_key)
        try:
            sender.queue.send(
                retry.to_json(),
                delay_seconds=retry_delay(claimed.attempts, exc),
                group=order.department_id,  # the fair queue's tenant, as the sweep's message
            )
        except QueueUnavailable:
            log.warning("the send queue did not keep a retry; the text ends not sent")
        else:
            waiting = sender.scheduled.back_to_queue(claimed, RETRY_REASON)
            return "retry" if waiting else "stale"
    change = StatusChange("not_sent", exc.code, effect_on_client("not_sent", exc.code))
    step = settled_from_sending(
        claimed.client_id,
        claimed.scheduled_id,
        ScheduleState.FAILED,
        datetime.now(UTC),
        NOT_SENT_REASON,
    )
    sender.outbound.change_status(ref, change, step)
    return "failed"


def retry_delay(attempts: int, exc: TwilioNotSent) -> int:
    """Twilio's Retry-After when it gave one, else full-jitter exponential back-off."""
    if exc.retry_after:
        return int(min(RETRY_CAP_SECONDS, max(1.0, exc.retry_after)))
    ceiling = min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    return int(random.uniform(1, ceiling))  # noqa: S311 - jitter, not secrecy
