"""Texts whose fate nobody told us: settle them by asking Twilio.

A send is "unknown" when Twilio did not answer in time, and stays "sending" when the
Lambda died before it could call Twilio or record the answer. If Twilio has the text, its
status callback (which names the text in its URL) normally settles it within seconds. A
scheduled job asks Twilio about the ones still open after a few minutes: found, the text
takes Twilio's status and sid; not found after GIVE_UP, Twilio never got it, so it is
marked "not sent" and the case manager may send it again. Nothing here ever sends.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..adapters.twilio_gateway import TwilioError, TwilioGateway
from ..domain.delivery import effect_on_client
from ..domain.jurisdiction import Jurisdiction
from ..domain.scheduling import ScheduledText, ScheduleState
from ..store.clients import ClientStore
from ..store.outbound import OutboundStore, StatusChange, UnresolvedSend
from ..store.partitions import unclaimed_department
from ..store.scheduled import ScheduledStore
from ..store.scheduled_steps import (
    GAVE_UP_REASON,
    HINT_GAVE_UP,
    RowStep,
    not_sent_after_all,
    reminded_of,
    settled_from_sending,
)

log = logging.getLogger(__name__)
WAIT = timedelta(minutes=3)  # callbacks arrive within seconds; give them time first
GIVE_UP = timedelta(minutes=10)  # a send's Lambda is long gone: Twilio would list it by now
OVERDUE = timedelta(minutes=30)  # "checking" this long: this job cannot settle it (alarm)


@dataclass
class SettleReport:
    found_at_twilio: int = 0
    not_sent: int = 0
    still_open: int = 0
    being_sent: int = 0  # a sender holds it right now (a retry): not this job's yet
    overdue: int = 0  # of still_open: unsettled for over OVERDUE (the alarm's metric)


def settle_unresolved_sends(
    outbound: OutboundStore,
    clients: ClientStore,
    gateway: TwilioGateway,
    jurisdiction: Jurisdiction,
    now: datetime,
    budget_seconds: float = 40.0,
    clock: Callable[[], float] = time.monotonic,
    scheduled: ScheduledStore | None = None,
) -> SettleReport:
    report = SettleReport()
    deadline = clock() + budget_seconds
    for send in outbound.unresolved(before=now - WAIT):
        outcome = "still_open"
        if clock() <= deadline:
            outcome = settle(send, outbound, clients, gateway, jurisdiction, now, scheduled)
        setattr(report, outcome, getattr(report, outcome) + 1)
        if outcome == "still_open" and now - send.at >= OVERDUE:
            report.overdue += 1
    return report


def settle(
    send: UnresolvedSend,
    outbound: OutboundStore,
    clients: ClientStore,
    gateway: TwilioGateway,
    jurisdiction: Jurisdiction,
    now: datetime,
    scheduled: ScheduledStore | None = None,
) -> str:
    """One text: returns which SettleReport count it adds to. A scheduled text is settled
    with its text, in one transaction (the state machine: store/scheduled.py); one a
    sender holds right now (a retry after Twilio's "not now") gets its time first."""
    plan = scheduled.get(send.ref.client_id, send.outbound_id) if scheduled else None
    if plan is not None and plan.state is ScheduleState.QUEUED:
        return "still_open"  # waiting on the queue for its retry: its sender decides
    started = send.at
    if plan is not None and plan.state is ScheduleState.SENDING and plan.sent_at:
        started = max(started, plan.sent_at)  # the latest attempt's claim
        if now - started < WAIT:
            return "being_sent"
    department_id = unclaimed_department(send.ref.client_id)  # a reply to a waiting number
    if not department_id:
        client = clients.get(send.ref.client_id)
        department_id = client.department_id if client else ""
    department = jurisdiction.department(department_id)
    if department is None:
        log.warning("an unresolved text has no client or department number")
        return "still_open"
    try:
        found = gateway.find_sent(
            from_=department.twilio_number, to=send.phone, sent_after=send.at, body=send.body
        )
    except TwilioError as exc:  # Twilio is not answering either: try again next run
        log.warning("could not ask Twilio about an unresolved text: %s", type(exc).__name__)
        return "still_open"
    if found is not None:
        change = StatusChange(
            found.status, effect=effect_on_client(found.status, None), sid=found.sid
        )
        took = reminded_of(plan) if found.status != "failed" else None  # a reminder reminds
        outbound.change_status(send.ref, change, _found_step(plan, now), took)
        return "found_at_twilio"
    if now - started >= GIVE_UP:
        change = StatusChange("not_sent", effect=effect_on_client("not_sent", None))
        outbound.change_status(send.ref, change, _gave_up_step(plan, now))
        return "not_sent"
    return "still_open"


def _found_step(plan: ScheduledText | None, now: datetime) -> RowStep | None:
    """Twilio has it: a scheduled text still "sending" (its sender died) is sent."""
    if plan is None or plan.state is not ScheduleState.SENDING:
        return None
    return settled_from_sending(plan.client_id, plan.scheduled_id, ScheduleState.SENT, now)


def _gave_up_step(plan: ScheduledText | None, now: datetime) -> RowStep | None:
    """Twilio never got it: the scheduled text fails with its entry, whether its sender
    died ("sending") or handed it over unsure ("sent")."""
    if plan is not None and plan.state is ScheduleState.SENDING:
        return settled_from_sending(
            plan.client_id,
            plan.scheduled_id,
            ScheduleState.FAILED,
            now,
            GAVE_UP_REASON,
            hint=HINT_GAVE_UP,
        )
    if plan is not None and plan.state is ScheduleState.SENT:
        return not_sent_after_all(plan.client_id, plan.scheduled_id)
    return None
