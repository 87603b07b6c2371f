"""Twilio's webhooks. The signature is checked once for the whole /webhooks/twilio/ prefix
(``verify_twilio_signature``, registered in app.py); the views only parse and delegate."""

from __future__ import annotations

from urllib.parse import parse_qs

from chalice import Blueprint, Response
from chalice.app import Request

from .. import bootstrap
from ..adapters.twilio_gateway import credentials, signature_is_valid
from ..config import get_jurisdiction, get_settings
from ..observability import count, logger
from ..services.delivery_status import record_status
from ..services.receiving import InboundText, receive_text
from .public_url import public_base_url

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
PREFIX = "/webhooks/twilio/"
MAX_MEDIA = 10


def form_of(request: Request) -> dict[str, str]:
    raw = request.raw_body or b""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


def verify_twilio_signature(event: Request, get_response):
    """HTTP middleware: anything under /webhooks/twilio/ must carry Twilio's signature
    over the public URL Twilio called (PUBLIC_BASE_URL + path) and the form fields."""
    if not (event.path or "").startswith(PREFIX):
        return get_response(event)
    url = public_base_url(event, get_settings()) + event.path
    signature = event.headers.get("x-twilio-signature", "")
    if not signature_is_valid(credentials().auth_token, url, form_of(event), signature):
        logger().warning(
            "refused a webhook without a valid Twilio signature", extra={"path": event.path}
        )
        return Response(body="Forbidden", status_code=403, headers={"Content-Type": "text/plain"})
    return get_response(event)


def twiml(reply: str | None) -> Response:
    from twilio.twiml.messaging_response import MessagingResponse

    answer = MessagingResponse()
    if reply:
        answer.message(reply)
    return Response(
        body=str(answer), status_code=200, headers={"Content-Type": "text/xml; charset=utf-8"}
    )


@bp.route("/webhooks/twilio/sms", methods=["POST"], content_types=FORM)
def inbound_sms() -> Response:
    form = form_of(bp.current_request)
    log = logger()
    log.append_keys(message_sid=form.get("MessageSid", ""))
    try:
        media_count = min(int(form.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        media_count = 0
    text = InboundText(
        sid=form.get("MessageSid", ""),
        sender=form.get("From", ""),
        to=form.get("To", ""),
        body=form.get("Body", ""),
        media=tuple(
            (form.get(f"MediaUrl{i}", ""), form.get(f"MediaContentType{i}", ""))
            for i in range(media_count)
        ),
    )
    if not text.sid.startswith(("SM", "MM")) or not text.sender or not text.to:
        return Response(
            body="Missing MessageSid, From or To",
            status_code=400,
            headers={"Content-Type": "text/plain"},
        )
    stores = bootstrap.stores()
    result = receive_text(
        text, get_jurisdiction(), stores.clients, stores.inbound, stores.unclaimed
    )
    log.info("inbound text", extra={"outcome": result.outcome, "client_id": result.client_id})
    if result.outcome != "duplicate":
        count("InboundMessages")
    log.remove_keys(["message_sid"])
    return twiml(result.reply)


@bp.route("/webhooks/twilio/status", methods=["POST"], content_types=FORM)
def delivery_status() -> Response:
    form = form_of(bp.current_request)
    log = logger()
    status = form.get("MessageStatus") or form.get("SmsStatus", "")
    stores = bootstrap.stores()
    outcome = record_status(
        form.get("MessageSid", ""), status, form.get("ErrorCode"), stores.clients, stores.outbound
    )
    log.info(
        "delivery status",
        extra={"message_sid": form.get("MessageSid", ""), "status": status, "outcome": outcome},
    )
    if outcome == "applied" and status in ("delivered", "undelivered", "failed"):
        count({"delivered": "MessagesDelivered"}.get(status, "MessagesFailed"))
    return Response(body="", status_code=204)
