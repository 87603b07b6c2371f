"""Attachments on outgoing texts: the upload form a compose box asks for, the check a send
makes of the key its form names, and the MediaUrl Twilio fetches.

The file never passes through the app: the browser posts it to the private media bucket
with a presigned POST whose policy fixes the key, the type and the size. A send then asks
the bucket what is really there (``head``): moto does not enforce a POST policy, and a
form is the browser's to change. The URL handed to Twilio is signed at the moment the text
is handed over (a scheduled text may wait days) and lives an hour, long enough for
Twilio's fetch and its retries, too short to matter once it has.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Protocol

from ..adapters.media_bucket import StoredObject, UploadForm
from ..adapters.twilio_gateway import SentMessage, TwilioGateway
from ..domain.attachments import (
    NOT_UPLOADED,
    attached_item,
    check_upload_key,
    check_upload_request,
)
from ..domain.errors import ValidationFailed
from ..domain.media import MediaItem, upload_key
from ..domain.users import User
from ..store.clients import ClientStore
from .caseload import open_client

TWILIO_FETCH_SECONDS = 3600  # a presigned MediaUrl: Twilio fetches at once, retries a while


class Bucket(Protocol):
    """What of ``adapters.media_bucket.MediaBucket`` attachments use (a fake in tests)."""

    def head(self, key: str) -> StoredObject | None: ...

    def view_url(self, key: str, filename: str, inline: bool = True, seconds: int = 60) -> str: ...

    def upload_form(self, key: str, content_type: str, max_bytes: int = ...) -> UploadForm: ...


@dataclass(frozen=True)
class Attachment:
    """What a send or schedule form says it carries: the uploaded key and the file's name."""

    key: str
    name: str = ""


@dataclass(frozen=True)
class UploadTicket:
    key: str
    form: UploadForm


def upload_ticket(
    user: User, clients: ClientStore, bucket: Bucket, client_id: str, content_type: str, size: int
) -> UploadTicket:
    """An upload form for one file to one client of the caller's caseload (Forbidden
    otherwise): a fresh key under that client's uploads, the type and size in its policy."""
    client = open_client(user, clients, client_id)
    kind = check_upload_request(content_type, size)
    key = upload_key(client.client_id, secrets.token_hex(16), kind)
    return UploadTicket(key, bucket.upload_form(key, kind))


def attachment_of(form_key: str, form_name: str) -> Attachment | None:
    """The attachment a form names, if any."""
    key = form_key.strip()
    return Attachment(key, form_name.strip()[:200]) if key else None


def checked_item(bucket: Bucket, client_id: str, attachment: Attachment) -> MediaItem:
    """The stored item for an attachment of this client's, refused (ValidationFailed) when
    the key is not one of their uploads, or what is there is missing, too big or of a
    type staff may not send."""
    key = check_upload_key(client_id, attachment.key)
    found = bucket.head(key)
    if found is None:
        raise ValidationFailed({"attachment": NOT_UPLOADED})
    return attached_item(key, found.content_type, found.size, attachment.name or key)


def media_urls(bucket: Bucket | None, items: tuple[MediaItem, ...]) -> list[str]:
    """Presigned GETs Twilio fetches the items from, signed now (no call to S3)."""
    if not items:
        return []
    if bucket is None:
        raise RuntimeError("a text with media needs the media bucket to sign its MediaUrl")
    return [
        bucket.view_url(item.key, item.name, inline=True, seconds=TWILIO_FETCH_SECONDS)
        for item in items
        if item.key
    ]


def hand_over(
    gateway: TwilioGateway,
    urls: list[str],
    *,
    from_: str,
    to: str,
    body: str,
    status_callback: str,
) -> SentMessage:
    """``gateway.send`` with ``media_url`` only when the text carries files, so a plain
    text is handed over exactly as before (and any gateway without media still takes it)."""
    if urls:
        return gateway.send(
            from_=from_, to=to, body=body, status_callback=status_callback, media_url=urls
        )
    return gateway.send(from_=from_, to=to, body=body, status_callback=status_callback)
