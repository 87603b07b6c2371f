"""ClientComm: wiring only. The work happens in chalicelib/."""

from chalice import Chalice

from chalicelib.web import (
    auth_pages,
    caseload_pages,
    conversation_pages,
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
app.register_blueprint(webhooks.bp)
