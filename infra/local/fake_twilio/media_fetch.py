"""Fetching an outbound message's MediaUrls, as Twilio does after it accepted the message.

Twilio answers the create at once ("queued"), then fetches each MediaUrl itself (here with
a 10 s timeout each, no credentials sent) and keeps the bytes as the message's Media. A
URL that cannot be fetched or answers non-2xx fails the message with 11200, a content
type Twilio does not accept with 12300, more than 5 MB of media in all with 30019; the
failure reaches the app through the status callback. Locally the URLs are presigned GETs
on moto's S3, so no proxy is used. Log lines name the message, never a URL.
"""

from __future__ import annotations

import http.client
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence
from urllib.parse import urlsplit

from . import constants as c
from .media_store import MediaFile, MediaStore

logger = logging.getLogger(__name__)

ACCEPTED = frozenset(t.lower() for t in c.ACCEPTED_MEDIA_TYPES)
Failure = tuple[int, str]


class MediaFetchError(Exception):
    """Why one message's media could not be taken: Twilio's (code, message)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.failure: Failure = (code, message)


class OutboundMedia:
    """Fetches and keeps outbound media; also forgets a deleted message's media."""

    def __init__(self, store: MediaStore, timeout: float = c.MEDIA_FETCH_TIMEOUT) -> None:
        self.store = store
        self.timeout = timeout
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def take(self, message_sid: str, urls: Sequence[str]) -> Failure | None:
        """Fetch every URL and keep them all, or keep none and say why the message fails."""
        try:
            files = self._fetch_all(urls)
        except MediaFetchError as exc:
            logger.info("fake Twilio could not take media for %s: %s", message_sid, exc.failure[0])
            return exc.failure
        for media in files:
            self.store.add(message_sid, media)
        return None

    def forget(self, message_sid: str) -> None:
        self.store.delete_message(message_sid)

    def _fetch_all(self, urls: Sequence[str]) -> list[MediaFile]:
        files: list[MediaFile] = []
        total = 0
        for url in urls:
            media = self._fetch(url, c.MAX_MEDIA_BYTES - total)
            total += len(media.data)
            files.append(media)
        return files

    def _fetch(self, url: str, room: int) -> MediaFile:
        """One URL's bytes and type; at most ``room`` bytes are accepted."""
        if urlsplit(url).scheme not in ("http", "https"):  # the create refused others already
            raise MediaFetchError(c.ERROR_HTTP_RETRIEVAL, "HTTP retrieval failure")
        headers = {"User-Agent": "TwilioProxy/1.1"}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) only
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                data = response.read(room + 1)
                content_type = response.headers.get_content_type()
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError):
            raise MediaFetchError(c.ERROR_HTTP_RETRIEVAL, "HTTP retrieval failure") from None
        if len(data) > room:
            raise MediaFetchError(c.ERROR_MEDIA_TOO_LARGE, "Content size exceeds carrier limit")
        if content_type.lower() not in ACCEPTED:
            raise MediaFetchError(c.ERROR_MEDIA_CONTENT_TYPE, "Invalid Content-Type")
        return MediaFile(content_type, data)
