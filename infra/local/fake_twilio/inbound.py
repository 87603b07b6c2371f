"""Inbound texts: what Twilio POSTs to the app's SMS webhook, and what it does with the reply.

Real Twilio stores the inbound message, honours its built-in STOP/START/HELP keywords,
POSTs signed form params to the number's webhook (retrying and falling back to the
number's fallback URL as the URL's connection overrides say), and sends any <Message> in
the TwiML answer back to the phone. The fake does the same so the whole loop can be tried
locally.
"""

from __future__ import annotations

import mimetypes
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from chalicelib.domain.segments import count_segments

from . import constants as c
from .account import AuthTokens
from .callbacks import CallbackLog
from .delivery import deliver
from .media_store import MediaFile, MediaStore, StoredMedia
from .phone_numbers import PhoneNumbers
from .rest import is_e164
from .store import Message, MessageStore, new_sid

Scheduler = Callable[[Message, str | None], None]
MediaUrlOf = Callable[[StoredMedia], str]


@dataclass(frozen=True)
class InboundResult:
    """What happened when the fake delivered an inbound text to the app's webhook.

    status_code is None when no webhook is configured or it could not be reached
    (then `error` says why); `body` is the raw TwiML and `replies` its <Message> texts.
    All of them describe the last request made: the fallback URL's when it was used.
    `attempts` counts every POST made (retries and fallback included).
    """

    message_sid: str
    status_code: int | None
    body: str
    replies: tuple[str, ...] = ()
    error: str | None = None
    attempts: int = 0
    used_fallback: bool = False


@dataclass(frozen=True)
class TwimlMessage:
    """One <Message> verb from a TwiML answer."""

    body: str
    media_urls: tuple[str, ...] = ()
    to: str | None = None
    from_: str | None = None


def parse_twiml_messages(twiml: str) -> list[TwimlMessage]:
    """<Message> verbs of a <Response>; anything unparsable means no reply, like Twilio.

    Both `<Message>text</Message>` and `<Message><Body>…</Body><Media>…</Media></Message>`
    forms are understood. The TwiML comes from the developer's own local webhook.
    """
    try:
        root = ET.fromstring(twiml)  # noqa: S314 - trusted local webhook, loopback only
    except ET.ParseError:
        return []
    if root.tag != "Response":
        return []
    replies = []
    for verb in root.iter("Message"):
        body_el = verb.find("Body")
        text = body_el.text if body_el is not None else verb.text
        media = tuple((m.text or "").strip() for m in verb.findall("Media") if m.text)
        replies.append(TwimlMessage((text or "").strip(), media, verb.get("to"), verb.get("from")))
    return replies


def inbound_params(
    message_sid: str,
    account_sid: str,
    from_: str,
    to: str,
    body: str,
    media_urls: tuple[str, ...],
    content_types: tuple[str, ...] = (),
) -> dict[str, str]:
    """Form fields Twilio POSTs to an SMS webhook for one incoming text.

    MediaContentType{i} is ``content_types[i]`` when given, else guessed from the URL."""
    params = {
        "AccountSid": account_sid,
        "ApiVersion": c.API_VERSION,
        "Body": body,
        "From": from_,
        "MessageSid": message_sid,
        "NumMedia": str(len(media_urls)),
        "NumSegments": str(count_segments(body)),
        "SmsMessageSid": message_sid,
        "SmsSid": message_sid,
        "SmsStatus": "received",
        "To": to,
    }
    for number, key in ((from_, "FromCountry"), (to, "ToCountry")):
        if number.startswith("+1"):
            params[key] = "US"
    for index, url in enumerate(media_urls):
        params[f"MediaUrl{index}"] = url
        if index < len(content_types):
            params[f"MediaContentType{index}"] = content_types[index]
            continue
        guessed = mimetypes.guess_type(url.split("?", 1)[0])[0]
        params[f"MediaContentType{index}"] = guessed or "application/octet-stream"
    return params


class InboundSender:
    """Delivers simulated texts from phones to the app and plays out Twilio's reply.

    Each text goes to its number's SMS URL (and fallback URL), signed with the account's
    primary auth token at that moment."""

    def __init__(
        self,
        store: MessageStore,
        account_sid: str,
        tokens: AuthTokens,
        owned_numbers: Mapping[str, str],
        numbers: PhoneNumbers,
        log: CallbackLog,
        schedule: Scheduler,
        media: MediaStore | None = None,
        media_url: MediaUrlOf | None = None,
    ) -> None:
        self._store = store
        self._media = media or MediaStore(account_sid)
        self._media_url = media_url or (lambda item: self._media.uri(item.parent_sid, item.sid))
        self._account_sid = account_sid
        self._tokens = tokens
        self._owned = owned_numbers
        self._numbers = numbers
        self._log = log
        self._schedule = schedule

    def send(
        self,
        from_: str,
        to: str,
        body: str,
        media_urls: tuple[str, ...],
        media: tuple[MediaFile, ...] = (),
    ) -> InboundResult:
        """Store, apply keywords, POST to the webhook, send TwiML replies. Bad input: ValueError.

        ``media`` is what the phone attached: kept as the message's Media (an MMS, sid MM…)
        and posted as MediaUrl{i} pointing at the fake; ``media_urls`` are posted as given.
        """
        if not is_e164(from_):
            raise ValueError(f"from_ must be an E.164 number like +13855550101, got {from_!r}")
        if to not in self._owned:
            raise ValueError(f"to must be one of the account's numbers {sorted(self._owned)}")
        if not body and not media_urls and not media:
            raise ValueError("an inbound text needs a body or media")
        if len(body) > c.MAX_BODY_CHARS:
            raise ValueError(f"body longer than {c.MAX_BODY_CHARS} characters")
        if len(media) + len(media_urls) > c.MAX_MEDIA:
            raise ValueError(f"an MMS carries at most {c.MAX_MEDIA} media")
        message = self._store.add(
            to=to,
            from_=from_,
            body=body,
            direction="inbound",
            status="received",
            media_urls=media_urls,
            sid=new_sid("MM") if media or media_urls else None,
            num_media=len(media) + len(media_urls),
        )
        sid = message["sid"]
        kept = [self._media.add(sid, file) for file in media]
        self._apply_keyword(from_, to, body)
        webhook_url, fallback_url = self._numbers.webhooks(to)
        if not webhook_url:
            return InboundResult(sid, None, "", error=f"{to} has no sms_url configured")
        params = inbound_params(
            sid,
            self._account_sid,
            from_,
            to,
            body,
            (*(self._media_url(item) for item in kept), *media_urls),
            tuple(item.content_type for item in kept),
        )
        token = self._tokens.primary
        delivery = deliver(webhook_url, params, token, self._log, fallback_url)
        result = delivery.result
        replies = parse_twiml_messages(result.body) if result.status == 200 else []
        for reply in replies:
            self._send_reply(reply.to or from_, reply.from_ or to, reply.body, reply.media_urls)
        return InboundResult(
            sid,
            result.status,
            result.body,
            tuple(r.body for r in replies),
            result.error,
            delivery.attempts,
            delivery.used_fallback,
        )

    def _apply_keyword(self, phone: str, number: str, body: str) -> None:
        """Twilio's default opt-out handling for long codes, including its auto replies."""
        keyword = body.strip().upper()
        if keyword in c.OPT_OUT_KEYWORDS:
            self._send_reply(phone, number, c.OPT_OUT_REPLY, (), force=True)
            self._store.opt_out(phone, number)
        elif keyword in c.OPT_IN_KEYWORDS:
            self._store.opt_in(phone, number)
            self._send_reply(phone, number, c.OPT_IN_REPLY, ())
        elif keyword in c.HELP_KEYWORDS:
            self._send_reply(phone, number, c.HELP_REPLY, ())

    def _send_reply(
        self, to: str, from_: str, body: str, media: tuple[str, ...], force: bool = False
    ) -> None:
        """Record a reply as Twilio's "outbound-reply"; opted-out phones get nothing."""
        if not (body or media) or (not force and self._store.is_opted_out(to, from_)):
            return
        message = self._store.add(
            to=to,
            from_=from_,
            body=body[: c.MAX_BODY_CHARS],
            direction="outbound-reply",
            status="queued",
            media_urls=media,
        )
        self._schedule(message, None)
