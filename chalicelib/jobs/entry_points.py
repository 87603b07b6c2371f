"""What each scheduled Lambda handler runs: real collaborators built here, the work done
by services."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from .. import bootstrap
from ..config import get_jurisdiction, get_settings
from ..observability import count, logger
from ..services import delivery_status, fallback, send_batches, sending
from ..services.answers import answers_from
from ..services.media_copy import Copier, copy_batch, enqueue_copies
from ..services.notifications import send_unread_notifications
from ..services.receiving import InboundText, receive_text
from ..services.settling import settle_unresolved_sends
from ..services.unread_readers import readers_for
from ..services.webhook_checks import signature_check

REPLAY_BUDGET_SECONDS = 40  # the replay function's timeout is 60 s
SETTLE_BUDGET_SECONDS = 40  # so is this one's (.chalice/config.json)
RETENTION_BUDGET_SECONDS = 240  # records-retention's timeout is 300 s
RETENTION_SAFETY_SECONDS = 45  # a batch, the checkpoint and the audit rows after the budget
# What records-retention deleted, as metrics (the rest of a closed client's records count
# together: appointments, scheduled texts, routes, unread rows, group memberships, Twilio
# references).
RETENTION_METRICS = {
    "clients": "RetentionClientsDeleted",
    "texts": "RetentionTextsDeleted",
    "mass_texts": "RetentionMassTextsDeleted",
    "waiting_numbers": "RetentionWaitingNumbersDeleted",
    "audit_rows": "RetentionAuditRowsDeleted",
}
RETENTION_OTHER_METRIC = "RetentionOtherRecordsDeleted"


def email_notifications() -> dict[str, int]:
    settings = get_settings()
    stores = bootstrap.stores(settings)
    sent = send_unread_notifications(
        stores.clients, stores.users, bootstrap.email(settings), settings.public_base_url
    )
    logger().info("e-mail notifications", extra={"sent": sent})
    return {"sent": sent}


def replay_fallback() -> dict[str, int]:
    """Store the inbound texts the fallback URL kept, exactly as a live webhook would."""
    settings = get_settings()
    if not settings.fallback_queue_url:
        return {"replayed": 0, "left_for_later": 0, "discarded": 0}
    stores = bootstrap.stores(settings)
    jurisdiction = get_jurisdiction()

    def handle(kept: fallback.KeptRequest) -> object:
        text = InboundText.from_form(kept.form, received_at=kept.received_at)
        # an answer to a reminder is applied; its thank-you can't be a TwiML reply any more
        handler = answers_from(stores, jurisdiction)
        received = receive_text(
            text,
            jurisdiction,
            stores.clients,
            stores.inbound,
            stores.unclaimed,
            handler,
            readers_for(stores.users),
        )
        if text.media:  # MediaNotQueued is NotStored: the request stays for the next replay
            queue = bootstrap.media_copy_queue(settings)
            enqueue_copies(text, received, queue, bootstrap.media_items(settings))
        return received

    report = fallback.replay_kept(
        bootstrap.fallback_queue(settings), handle, signature_check(), REPLAY_BUDGET_SECONDS
    )
    return replayed(report, "InboundReplayed", "fallback replay")


def replay_statuses() -> dict[str, int]:
    """Apply the status callbacks the status webhook kept when it could not store them
    (Twilio never retries a status callback), exactly as the webhook would have."""
    settings = get_settings()
    if not settings.status_queue_url:
        return {"replayed": 0, "left_for_later": 0, "discarded": 0}
    outbound = bootstrap.stores(settings).outbound

    def handle(kept: fallback.KeptRequest) -> object:
        callback = delivery_status.StatusCallback.from_kept(kept.form, kept.url)
        return delivery_status.record_status(callback, outbound)

    report = fallback.replay_kept(
        bootstrap.status_queue(settings), handle, signature_check(), REPLAY_BUDGET_SECONDS
    )
    return replayed(report, "StatusesReplayed", "status replay")


def replayed(report: fallback.ReplayReport, metric: str, what: str) -> dict[str, int]:
    """A replay job's counts: returned, logged, and the replayed ones as a metric."""
    result = {
        "replayed": report.replayed,
        "left_for_later": report.left_for_later,
        "discarded": report.discarded,
    }
    if report.replayed:
        count(metric, report.replayed)
    logger().info(what, extra=result)
    return result


def settle_sends() -> dict[str, int]:
    """Ask Twilio about texts still "sending" or "unknown" after a few minutes."""
    settings = get_settings()
    stores = bootstrap.stores(settings)
    report = settle_unresolved_sends(
        stores.outbound,
        stores.clients,
        bootstrap.twilio(settings),
        get_jurisdiction(),
        datetime.now(UTC),
        budget_seconds=SETTLE_BUDGET_SECONDS,
        scheduled=stores.scheduled,
    )
    result = {
        "found_at_twilio": report.found_at_twilio,
        "not_sent": report.not_sent,
        "still_open": report.still_open,
        "being_sent": report.being_sent,
        "overdue": report.overdue,
    }
    logger().info("unresolved sends", extra=result)
    if report.overdue:  # texts this job cannot settle: UnresolvedSendsAlarm
        count("UnresolvedSendsOverdue", report.overdue)
    return result


def sweep_scheduled() -> dict[str, int]:
    """Put the scheduled texts whose time has come on the send queue."""
    settings = get_settings()
    report = sending.sweep_in_turn(
        bootstrap.job_leases(settings),
        bootstrap.stores(settings).scheduled,
        bootstrap.send_queue(settings),
        datetime.now(UTC),
        token=secrets.token_hex(8),
        ahead=sending.QUEUE_AHEAD,  # texts due before the next sweep: hidden until their time
    )
    if report is None:  # another run holds the lease (EventBridge twice, or a long run)
        logger().info("sweep skipped: another run is sweeping")
        return {"skipped": 1}
    result = {
        "due": report.due,
        "queued": report.queued,
        "changed_meanwhile": report.changed_meanwhile,
        "not_kept": report.not_kept,
    }
    logger().info("sweep", extra=result)
    if report.queued:
        count("ScheduledTextsQueued", report.queued)
    if report.not_kept:  # due texts still waiting for the next sweep: ScheduledNotQueuedAlarm
        count("ScheduledTextsNotQueued", report.not_kept)
    return result


# A pacer per sender (per container on AWS, per poller thread locally), kept between
# batches so spacing carries over.
PACERS = sending.SenderPacers()
SAFETY_MILLIS = 15_000  # leave a batch early rather than be cut off mid-send


def send_scheduled(
    messages: list[tuple[str, str]], millis_left: Callable[[], int]
) -> dict[str, list[dict[str, str]]]:
    """Send each queued text of one SQS batch (message id, body), several at once, a free
    number's texts first, a slow number's beyond the batch's horizon handed back to the
    queue, and answer Lambda with the messages that failed (``ReportBatchItemFailures``):
    only those are shown again (``services/send_batches.py``)."""
    settings = get_settings()
    stores = bootstrap.stores(settings)
    sender = sending.Sender(
        clients=stores.clients,
        scheduled=stores.scheduled,
        outbound=stores.outbound,
        gateway=bootstrap.twilio(settings),
        jurisdiction=get_jurisdiction(),
        queue=bootstrap.send_queue(settings),
        status_callback_base=settings.public_base_url.rstrip("/") + "/webhooks/twilio/status",
        pacer=PACERS.for_this_sender(),
        media=bootstrap.media_bucket(settings),
    )
    records = [send_batches.QueueRecord(message_id, body) for message_id, body in messages]
    batch = send_batches.send_batch(records, sender, millis_left, SAFETY_MILLIS)
    counts = {"failed_messages": len(batch.failed), "handed_back": batch.handed_back}
    logger().info("scheduled sends", extra=batch.outcomes | counts)
    if batch.outcomes.get("sent"):
        count("ScheduledTextsSent", batch.outcomes["sent"])
    return {"batchItemFailures": [{"itemIdentifier": m} for m in batch.failed]}


def copy_media(messages: list[tuple[str, str, int]]) -> dict[str, list[dict[str, str]]]:
    """Copy each queued inbound MMS file into the media bucket, then delete it at Twilio;
    answer Lambda with the messages to show again (``ReportBatchItemFailures``)."""
    from ..config import MEDIA_COPY_MAX_RECEIVES

    settings = get_settings()
    copier = Copier(
        media=bootstrap.media_items(settings),
        bucket=bootstrap.media_bucket(settings),
        twilio=bootstrap.twilio_media(settings),
        thumbnail=bootstrap.thumbnailer(),
    )
    failed, outcomes = copy_batch(messages, copier, MEDIA_COPY_MAX_RECEIVES)
    logger().info("media copies", extra={**outcomes, "failed_messages": len(failed)})
    if outcomes.get("stored"):
        count("InboundMediaStored", outcomes["stored"])
    if outcomes.get("gave_up"):  # items that now show failed: InboundMediaFailed
        count("InboundMediaGaveUp", outcomes["gave_up"])
    return {"batchItemFailures": [{"itemIdentifier": m} for m in failed]}


def socket_upkeep() -> dict[str, int]:
    """Pages whose session ended are told and closed; the rest get a keep-alive."""
    from datetime import timedelta

    from ..services import push

    settings = get_settings()
    if not settings.websocket_push_url:
        return {"kept": 0, "closed": 0}
    stores = bootstrap.stores(settings)
    result = push.upkeep(
        [department.department_id for department in get_jurisdiction().departments],
        connections=bootstrap.connections(settings),
        sessions=bootstrap.session_store(settings),
        users=stores.users,
        gateway=bootstrap.push_gateway(settings),
        idle_limit=timedelta(seconds=settings.idle_timeout_seconds),
    )
    logger().info("socket upkeep", extra={"kept": result.kept, "closed": result.closed})
    return {"kept": result.kept, "closed": result.closed}


def records_retention(millis_left: Callable[[], int]) -> dict[str, int | str]:
    """Delete what is past the jurisdiction's records schedule; go on next run if need be."""
    from ..services.retention import Pacer, RunOutcome, run_retention

    jurisdiction = get_jurisdiction()
    policy = jurisdiction.records_retention
    if not policy.kinds:  # kept forever: not even a read
        return {"outcome": RunOutcome.NO_SCHEDULE.value}
    state, sweeps = bootstrap.records_retention(get_settings())
    budget = min(RETENTION_BUDGET_SECONDS, millis_left() / 1000 - RETENTION_SAFETY_SECONDS)
    report = run_retention(
        policy, jurisdiction.zone, state, sweeps, datetime.now(UTC), Pacer(max(0.0, budget))
    )
    result: dict[str, int | str] = {
        "outcome": report.outcome.value,
        **report.deleted,
        "kept_on_hold": report.kept_on_hold,
        "changed_meanwhile": report.changed,
        "clients_pending": report.pending,
    }
    logger().info("records retention", extra=result)
    other = 0
    for name, deleted in report.deleted.items():
        if name in RETENTION_METRICS and deleted:
            count(RETENTION_METRICS[name], deleted)
        elif name not in RETENTION_METRICS:
            other += deleted
    if other:
        count(RETENTION_OTHER_METRIC, other)
    if report.outcome is RunOutcome.HELD:
        count("RetentionHeld")
    return result
