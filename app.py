"""ClientComm: wiring only. The work happens in chalicelib/."""

from chalice import Chalice, Rate

from chalicelib.jobs import entry_points
from chalicelib.web import (
    auth_pages,
    caseload_pages,
    conversation_pages,
    settings_pages,
    static_files,
    unclaimed_pages,
    webhooks,
)

app = Chalice(app_name="clientcomm")
app.register_middleware(webhooks.verify_twilio_signature, "http")
app.register_blueprint(static_files.bp)
app.register_blueprint(auth_pages.bp)
app.register_blueprint(caseload_pages.bp)
app.register_blueprint(conversation_pages.bp)
app.register_blueprint(unclaimed_pages.bp)
app.register_blueprint(settings_pages.bp)
app.register_blueprint(webhooks.bp)


@app.schedule(Rate(1, unit=Rate.MINUTES), name="email-notifications")
def email_notifications(event):
    """E-mail staff who asked for it about unread texts (at most once a minute)."""
    return entry_points.email_notifications()
