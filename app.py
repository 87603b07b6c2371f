"""ClientComm: wiring only. The work happens in chalicelib/."""

from typing import TYPE_CHECKING

from chalice import Chalice, Rate

from chalicelib.config import SEND_BATCH_SIZE, SEND_CONCURRENCY, SEND_QUEUE_NAME
from chalicelib.lazy import lazy_module
from chalicelib.web import (
    appointment_pages,
    auth_pages,
    browser_errors,
    caseload_pages,
    conversation_pages,
    import_pages,
    reminder_text_pages,
    scheduled_pages,
    security_headers,
    settings_pages,
    static_files,
    unclaimed_pages,
    webhooks,
)

if TYPE_CHECKING:
    from chalicelib.jobs import entry_points
else:  # a scheduled job loads what it needs when it runs, not every web cold start
    entry_points = lazy_module("chalicelib.jobs.entry_points")

app = Chalice(app_name="clientcomm")
app.api.binary_types.append("multipart/form-data")  # API Gateway must pass the upload as binary
app.register_middleware(security_headers.add_security_headers, "http")  # outermost
app.register_middleware(browser_errors.pages_for_browsers, "http")
app.register_middleware(webhooks.verify_twilio_signature, "http")
app.register_blueprint(static_files.bp)
app.register_blueprint(auth_pages.bp)
app.register_blueprint(caseload_pages.bp)
app.register_blueprint(conversation_pages.bp)
app.register_blueprint(scheduled_pages.bp)
app.register_blueprint(appointment_pages.bp)
app.register_blueprint(reminder_text_pages.bp)
app.register_blueprint(import_pages.bp)
app.register_blueprint(unclaimed_pages.bp)
app.register_blueprint(settings_pages.bp)
app.register_blueprint(webhooks.bp)


@app.schedule(Rate(1, unit=Rate.MINUTES), name="email-notifications")
def email_notifications(event):
    """E-mail staff who asked for it about unread texts (at most once a minute)."""
    return entry_points.email_notifications()


@app.schedule(Rate(1, unit=Rate.MINUTES), name="replay-fallback")
def replay_fallback(event):
    """Store inbound texts that Twilio handed to the fallback URL while the webhook failed."""
    return entry_points.replay_fallback()


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
    maximum_concurrency=SEND_CONCURRENCY,
    name="send-scheduled",
)
def send_scheduled(event):
    """Send queued scheduled texts, paced to each department number's rate."""
    millis_left = getattr(event.context, "get_remaining_time_in_millis", lambda: 600_000)
    return entry_points.send_scheduled([record.body for record in event], millis_left)
