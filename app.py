"""ClientComm: wiring only. The work happens in chalicelib/."""

from typing import TYPE_CHECKING

from chalice import Chalice, Rate

from chalicelib.config import (
    AUDIT_STREAM,
    CHAIN_BATCH_SIZE,
    CLIENTS_STREAM,
    CONVERSATIONS_STREAM,
    COUNT_BATCH_SIZE,
    DEPARTMENT_SETTINGS_STREAM,
    FAN_OUT_BATCH_SIZE,
    MASS_TEXTS_STREAM,
    MEDIA_COPY_BATCH_SIZE,
    MEDIA_COPY_QUEUE_NAME,
    PUSH_BATCH_SIZE,
    SEND_BATCH_SIZE,
    SEND_BATCHING_WINDOW_SECONDS,
    SEND_CONCURRENCY,
    SEND_QUEUE_NAME,
    UNCLAIMED_STREAM,
)
from chalicelib.lazy import lazy_module
from chalicelib.web import (
    appointment_pages,
    attachment_pages,
    audit_pages,
    auth_pages,
    browser_errors,
    caseload_pages,
    client_format_pages,
    client_import_pages,
    conversation_pages,
    courthouse_pages,
    dashboard_pages,
    format_pages,
    group_pages,
    import_pages,
    mass_text_pages,
    media_pages,
    mfa_pages,
    offline_pages,
    reminder_text_pages,
    retirement_pages,
    saved_reply_pages,
    scheduled_pages,
    security_headers,
    settings_pages,
    staff_pages,
    static_files,
    unclaimed_pages,
    webhooks,
)

if TYPE_CHECKING:
    from chalicelib.jobs import audit_chaining, dashboard_counts, entry_points, mass_fan_out
    from chalicelib.web import sockets
else:  # a scheduled job loads what it needs when it runs, not every web cold start
    audit_chaining = lazy_module("chalicelib.jobs.audit_chaining")
    entry_points = lazy_module("chalicelib.jobs.entry_points")
    mass_fan_out = lazy_module("chalicelib.jobs.mass_fan_out")
    dashboard_counts = lazy_module("chalicelib.jobs.dashboard_counts")
    sockets = lazy_module("chalicelib.web.sockets")

app = Chalice(app_name="clientcomm")
app.experimental_feature_flags.update(["WEBSOCKETS"])  # pushed updates to open pages
app.api.binary_types.append("multipart/form-data")  # API Gateway must pass the upload as binary
app.register_middleware(security_headers.add_security_headers, "http")  # outermost
app.register_middleware(browser_errors.pages_for_browsers, "http")
app.register_middleware(webhooks.verify_twilio_signature, "http")
app.register_blueprint(static_files.bp)
app.register_blueprint(offline_pages.bp)  # manifest, service worker, offline page
app.register_blueprint(auth_pages.bp)
app.register_blueprint(caseload_pages.bp)
app.register_blueprint(client_import_pages.bp)  # clients from a spreadsheet
app.register_blueprint(client_format_pages.bp)  # which column of a client file holds what
app.register_blueprint(retirement_pages.bp)
app.register_blueprint(conversation_pages.bp)
app.register_blueprint(media_pages.bp)  # a text's photo or file: checked, audited, signed
app.register_blueprint(scheduled_pages.bp)
app.register_blueprint(attachment_pages.bp)  # the compose box's upload form for a file
app.register_blueprint(appointment_pages.bp)
app.register_blueprint(reminder_text_pages.bp)
app.register_blueprint(format_pages.bp)  # /imports/formats before /imports/{id}
app.register_blueprint(import_pages.bp)
app.register_blueprint(courthouse_pages.bp)
app.register_blueprint(unclaimed_pages.bp)
app.register_blueprint(settings_pages.bp)
app.register_blueprint(saved_reply_pages.bp)  # saved replies and the compose box's picker
app.register_blueprint(group_pages.bp)  # groups; ticked caseload rows
app.register_blueprint(mass_text_pages.bp)  # mass texts: compose, preview, start, progress
app.register_blueprint(staff_pages.bp)  # staff accounts, for admins
app.register_blueprint(mfa_pages.bp)  # one's own authenticator app (mfa: OPTIONAL)
app.register_blueprint(audit_pages.bp)  # the audit trail: search and disclosure export
app.register_blueprint(dashboard_pages.bp)  # the department's figures and their CSV
app.register_blueprint(webhooks.bp)


@app.schedule(Rate(1, unit=Rate.MINUTES), name="email-notifications")
def email_notifications(event):
    """E-mail staff who asked for it about unread texts (at most once a minute)."""
    return entry_points.email_notifications()


@app.schedule(Rate(1, unit=Rate.MINUTES), name="replay-fallback")
def replay_fallback(event):
    """Store inbound texts that Twilio handed to the fallback URL while the webhook failed."""
    return entry_points.replay_fallback()


@app.schedule(Rate(1, unit=Rate.MINUTES), name="replay-statuses")
def replay_statuses(event):
    """Apply status callbacks kept while they could not be stored (Twilio never retries)."""
    return entry_points.replay_statuses()


@app.schedule(Rate(2, unit=Rate.MINUTES), name="settle-sends")
def settle_sends(event):
    """Ask Twilio about texts still "sending" or "unknown" after a few minutes."""
    return entry_points.settle_sends()


@app.schedule(Rate(1, unit=Rate.MINUTES), name="sweep-scheduled")
def sweep_scheduled(event):
    """Put the scheduled texts whose time has come on the send queue."""
    return entry_points.sweep_scheduled()


@app.on_sqs_message(
    queue=SEND_QUEUE_NAME,
    batch_size=SEND_BATCH_SIZE,
    maximum_batching_window_in_seconds=SEND_BATCHING_WINDOW_SECONDS,
    maximum_concurrency=SEND_CONCURRENCY,
    name="send-scheduled",
)
def send_scheduled(event):
    """Send queued scheduled texts, paced to each department number's rate."""
    millis_left = getattr(event.context, "get_remaining_time_in_millis", lambda: 600_000)
    # each message's id with its body: Lambda retries only the messages the answer names
    messages = [(record.to_dict()["messageId"], record.body) for record in event]
    return entry_points.send_scheduled(messages, millis_left)


@app.on_sqs_message(
    queue=MEDIA_COPY_QUEUE_NAME, batch_size=MEDIA_COPY_BATCH_SIZE, name="copy-media"
)
def copy_media(event):
    """Copy inbound MMS files into the media bucket, then delete them at Twilio."""
    messages = []
    for record in event:
        raw = record.to_dict()
        receives = int((raw.get("attributes") or {}).get("ApproximateReceiveCount", "1"))
        messages.append((raw["messageId"], record.body, receives))
    return entry_points.copy_media(messages)


@app.on_ws_connect(name="websocket_connect")  # the name Chalice gives it anyway
def socket_connect(event):
    """An open page connects with its signed ticket; its session must still be usable."""
    return sockets.on_connect(event)


@app.on_ws_disconnect(name="websocket_disconnect")
def socket_disconnect(event):
    sockets.on_disconnect(event)


@app.on_dynamodb_record(stream_arn=CLIENTS_STREAM, batch_size=PUSH_BATCH_SIZE, name="push-clients")
def push_clients(event):
    """A caseload row changed: tell the open pages that show it."""
    return sockets.push_stream_records([record.to_dict() for record in event])


@app.on_dynamodb_record(
    stream_arn=CONVERSATIONS_STREAM, batch_size=PUSH_BATCH_SIZE, name="push-conversations"
)
def push_conversations(event):
    """A text, a status or a marker: tell the open pages of that conversation."""
    return sockets.push_stream_records([record.to_dict() for record in event])


@app.on_dynamodb_record(
    stream_arn=UNCLAIMED_STREAM, batch_size=PUSH_BATCH_SIZE, name="push-unclaimed"
)
def push_unclaimed(event):
    """A number joined or left the unclaimed queue: the department's pages get the count."""
    return sockets.push_unclaimed_records([record.to_dict() for record in event])


@app.on_dynamodb_record(
    stream_arn=MASS_TEXTS_STREAM, batch_size=FAN_OUT_BATCH_SIZE, name="fan-out-mass-texts"
)
def fan_out_mass_texts(event):
    """A mass text was started: write each recipient's scheduled text (retried until done)."""
    return mass_fan_out.fan_out_records([record.to_dict() for record in event])


@app.on_dynamodb_record(
    stream_arn=MASS_TEXTS_STREAM, batch_size=PUSH_BATCH_SIZE, name="push-mass-texts"
)
def push_mass_texts(event):
    """A mass text started, was written or cancelled: its author's and supervisors' pages."""
    return sockets.push_mass_text_records([record.to_dict() for record in event])


@app.on_dynamodb_record(
    stream_arn=DEPARTMENT_SETTINGS_STREAM, batch_size=PUSH_BATCH_SIZE, name="push-settings"
)
def push_settings(event):
    """A group, saved reply, import format or courthouse changed: the pages listing them."""
    return sockets.push_setting_records([record.to_dict() for record in event])


@app.on_dynamodb_record(
    stream_arn=CONVERSATIONS_STREAM, batch_size=COUNT_BATCH_SIZE, name="count-dashboard"
)
def count_dashboard(event):
    """A text, a status, an answer or an outcome: the department dashboard's counters."""
    return dashboard_counts.count_records([record.to_dict() for record in event])


@app.schedule(Rate(1, unit=Rate.HOURS), name="weekly-email")
def weekly_email(event):
    """Monday morning (local): each opted-in supervisor's department's last week, once."""
    return dashboard_counts.weekly_email()


@app.on_dynamodb_record(stream_arn=AUDIT_STREAM, batch_size=CHAIN_BATCH_SIZE, name="chain-audit")
def chain_audit(event):
    """New audit rows: link each into its subject's hash chain (retried until done)."""
    return audit_chaining.chain_records([record.to_dict() for record in event])


@app.schedule(Rate(1, unit=Rate.HOURS), name="records-retention")
def records_retention(event):
    """Delete texts, closed clients and audit rows past the records schedule (held: none)."""
    millis_left = getattr(event.context, "get_remaining_time_in_millis", lambda: 300_000)
    return entry_points.records_retention(millis_left)


@app.schedule(Rate(5, unit=Rate.MINUTES), name="socket-upkeep")
def socket_upkeep(event):
    """Close the pages of ended sessions; keep the rest from API Gateway's idle cut-off."""
    return entry_points.socket_upkeep()
