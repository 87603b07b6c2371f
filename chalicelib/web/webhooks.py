"""Twilio's webhooks. The signature is checked once for the whole /webhooks/twilio/ prefix
(``verify_twilio_signature``, registered in app.py); the views only parse and delegate.

Answers follow one rule: 200 only once the request's effect is stored (or was stored
before); 400 for what Twilio could not have sent; 503 when the write did not happen, so
Twilio retries (the number's URL asks for retries) and then uses the fallback URL, which
keeps the signed request on a queue for replay. Twilio never retries a status callback, so
the status webhook keeps one it could not store on its own queue itself, and answers 2xx
once it is kept (503 only when even that failed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from chalice import Blueprint, Response
from chalice.app import Request

from ..config import get_jurisdiction, get_settings
from ..domain.errors import NotStored, ValidationFailed
from ..lazy import lazy_module
from ..observability import count, log_keys, logger
from .public_url import public_base_url

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import (
        answers,
        delivery_status,
        fallback,
        media_copy,
        receiving,
        unread_readers,
        webhook_checks,
    )
else:  # loaded by the first webhook, not by a page's cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    delivery_status = lazy_module("chalicelib.services.delivery_status")
    unread_readers = lazy_module("chalicelib.services.unread_readers")
    fallback = lazy_module("chalicelib.services.fallback")
    receiving = lazy_module("chalicelib.services.receiving")
    answers = lazy_module("chalicelib.services.answers")
    webhook_checks = lazy_module("chalicelib.services.webhook_checks")
    media_copy = lazy_module("chalicelib.services.media_copy")  # texts with photos only

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
PREFIX = "/webhooks/twilio/"
# Twilio's largest request (a 1,600-character text with ten media URLs) is a few KB.
MAX_WEBHOOK_BYTES = 64 * 1024
MAX_FIELDS = 200


def form_of(request: Request) -> dict[str, str]:
    raw = request.raw_body or b""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    fields = parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    return {k: v[0] for k, v in fields.items()}


def actual_path(request: Request) -> str:
    """The path Twilio called: Chalice gives the route's template and the values apart."""
    path = request.path or ""
    for name, value in (request.uri_params or {}).items():
        path = path.replace("{" + name + "}", value)
    return path


def plain(status: int, text: str) -> Response:
    return Response(body=text, status_code=status, headers={"Content-Type": "text/plain"})


def verify_twilio_signature(event: Request, get_response: Any) -> Response:
    """HTTP middleware: anything under /webhooks/twilio/ must carry Twilio's signature
    over the public URL Twilio called (PUBLIC_BASE_URL + path) and the form fields."""
    if not (event.path or "").startswith(PREFIX):
        return get_response(event)
    if len(event.raw_body or b"") > MAX_WEBHOOK_BYTES:
        return plain(413, "Request too large")
    try:
        form = form_of(event)
    except ValueError:  # more fields than any Twilio request has
        return plain(400, "Too many fields")
    url = public_base_url(event, get_settings()) + actual_path(event)
    signature = event.headers.get("x-twilio-signature", "")
    if not webhook_checks.signature_matches(url, form, signature):
        logger().warning(
            "refused a webhook without a valid Twilio signature", extra={"path": event.path}
        )
        return plain(403, "Forbidden")
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
    with log_keys(message_sid=form.get("MessageSid", "")[:40]) as log:
        try:
            text = receiving.InboundText.from_form(form)
            stores = bootstrap.stores()
            jurisdiction = get_jurisdiction()
            result = receiving.receive_text(
                text,
                jurisdiction,
                stores.clients,
                stores.inbound,
                stores.unclaimed,
                answers.answers_from(stores, jurisdiction),
                unread_readers.readers_for(stores.users),
            )
            if text.media:  # after the text is stored; a retry queues what is still arriving
                media_copy.enqueue_copies(
                    text, result, bootstrap.media_copy_queue(), bootstrap.media_items()
                )
        except ValidationFailed as exc:
            log.warning("refused an inbound text", extra={"fields": sorted(exc.field_errors)})
            return plain(400, "Not a Twilio message: " + ", ".join(sorted(exc.field_errors)))
        except media_copy.MediaNotQueued:
            log.error("inbound text's media not queued; Twilio's retry queues it again")
            count("InboundMediaNotQueued")
            return plain(503, "Not stored; try again")
        except NotStored:
            log.error("inbound text not stored; Twilio will retry or use the fallback")
            count("InboundNotStored")
            return plain(503, "Not stored; try again")
        log.info("inbound text", extra={"outcome": result.outcome, "client_id": result.client_id})
        if result.outcome != "duplicate":
            count("InboundMessages")
        return twiml(result.reply)


@bp.route("/webhooks/twilio/status", methods=["POST"], content_types=FORM)
def status_callback() -> Response:
    request = bp.current_request
    return _status(request, delivery_status.StatusCallback.from_form(form_of(request)))


@bp.route("/webhooks/twilio/status/{outbound_id}", methods=["POST"], content_types=FORM)
def status_callback_of(outbound_id: str) -> Response:
    """Each send asks for its callbacks here, so the first callback knows its text."""
    request = bp.current_request
    callback = delivery_status.StatusCallback.from_form(form_of(request), outbound_id[:40])
    return _status(request, callback)


def _status(request: Request, callback: delivery_status.StatusCallback) -> Response:
    with log_keys(message_sid=callback.sid[:40]) as log:
        try:
            outcome = delivery_status.record_status(callback, bootstrap.stores().outbound)
        except NotStored:
            return _keep_status(request, log)
        log.info("delivery status", extra={"status": callback.status, "outcome": outcome})
        if outcome == "applied" and callback.status in ("delivered", "undelivered", "failed"):
            count({"delivered": "MessagesDelivered"}.get(callback.status, "MessagesFailed"))
        return Response(body="", status_code=204)


def _keep_status(request: Request, log: Any) -> Response:
    """Twilio never retries a status callback: one that could not be stored is kept (the
    signed request, on SQS) for the replay job, and answered only once it is kept."""
    kept = fallback.KeptRequest(
        url=public_base_url(request, get_settings()) + actual_path(request),
        form=form_of(request),
        signature=request.headers.get("x-twilio-signature", ""),
    )
    try:
        fallback.keep_for_replay(bootstrap.status_queue(), kept)
    except NotStored:
        log.error("status not stored and not kept: lost (Twilio never retries a status)")
        count("StatusLost")
        return plain(503, "Not stored")
    log.warning("status not stored; kept for the replay job")
    count("StatusKeptForReplay")
    return Response(body="", status_code=204)


@bp.route("/webhooks/twilio/fallback", methods=["POST"], content_types=FORM)
def inbound_fallback() -> Response:
    """Twilio's fallback URL for inbound texts: keep the signed request for replay and
    answer only once it is kept. No auto-reply from here: the replay decides that."""
    request = bp.current_request
    form = form_of(request)
    with log_keys(message_sid=form.get("MessageSid", "")[:40]) as log:
        kept = fallback.KeptRequest(
            url=public_base_url(request, get_settings()) + actual_path(request),
            form=form,
            signature=request.headers.get("x-twilio-signature", ""),
        )
        try:
            fallback.keep_for_replay(bootstrap.fallback_queue(), kept)
        except NotStored:
            log.error("could not keep a fallback request")
            return plain(503, "Not kept; try again")
        log.warning("kept an inbound text for replay", extra={"error": form.get("ErrorCode")})
        count("InboundKeptForReplay")
        return twiml(None)
