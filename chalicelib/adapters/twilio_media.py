"""Twilio's Media resource: download an inbound MMS file, then delete it at Twilio.

The one module that calls Twilio about media. A MediaUrl comes from a signed webhook,
yet it is still checked to be a Media resource of our own account at the API host (the
fake Twilio's locally) before our credentials go with it. Every call is bounded: connect
3 s, read 10 s per chunk, and 10 s for a whole download, read as a stream and cut off at
5 MB. Twilio answers a download with a redirect to its storage; ``requests`` drops the
basic-auth header when the host changes. Errors carry no URL (it would reach the logs).
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

from ..domain.media import MAX_BYTES

TWILIO_API = "https://api.twilio.com"
CONNECT_TIMEOUT_SECONDS = 3
READ_TIMEOUT_SECONDS = 10
DOWNLOAD_SECONDS = 10
CHUNK_BYTES = 64 * 1024
MEDIA_PATH = re.compile(
    r"^/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/Messages/(MM|SM)[0-9a-fA-F]{32}"
    r"/Media/ME[0-9a-fA-F]{32}$"
)
LOOPBACK = ("127.0.0.1", "localhost")


class MediaError(Exception):
    """A media call did not do what was asked."""


class MediaUnavailable(MediaError):
    """Twilio did not answer, or answered an error worth retrying."""


class MediaGone(MediaError):
    """Twilio has no such media (404): deleted, expired, or never there."""


class MediaTooBig(MediaError):
    def __init__(self, size: int) -> None:
        super().__init__(f"more than {size} bytes")
        self.size = size


class NotTwilioMedia(MediaError):
    """A URL that is not a Media resource of our account: never called."""


class TwilioMedia:
    """Downloads and deletes with one account's credentials.

    ``api_base_url``: the local fake Twilio's URL (None: Twilio itself). Locally any
    loopback host is accepted too, so a test can serve media beside the fake.
    """

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        api_base_url: str | None = None,
        session: Any = None,
        clock: Any = time.monotonic,
    ) -> None:
        self.account_sid = account_sid
        self.auth = (account_sid, auth_token)
        self.base = (api_base_url or TWILIO_API).rstrip("/")
        self.local = api_base_url is not None
        self._session = session
        self.clock = clock

    @property
    def session(self) -> Any:
        if self._session is None:
            import requests

            self._session = requests.Session()
        return self._session

    def is_ours(self, url: str) -> bool:
        """A Media resource of our account, at Twilio's API (or the local stack's)."""
        parts = urlsplit(url)
        match = MEDIA_PATH.match(parts.path)
        if match is None or match.group(1) != self.account_sid or parts.query:
            return False
        if url.startswith(self.base + "/"):
            return True
        return self.local and parts.scheme == "http" and parts.hostname in LOOPBACK

    def download(self, url: str, limit: int = MAX_BYTES) -> bytes:
        """The file's bytes. MediaTooBig past ``limit`` (nothing more is read), MediaGone
        for a 404, MediaUnavailable for anything else that failed or took too long."""
        import requests

        self._check(url)
        deadline = self.clock() + DOWNLOAD_SECONDS
        try:
            with self.session.get(
                url,
                auth=self.auth,
                stream=True,
                timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
            ) as answer:
                self._refuse_error(answer.status_code)
                declared = answer.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise MediaTooBig(int(declared))
                received = bytearray()
                for chunk in answer.iter_content(CHUNK_BYTES):
                    received.extend(chunk)
                    if len(received) > limit:
                        raise MediaTooBig(len(received))
                    if self.clock() > deadline:
                        raise MediaUnavailable("the download took too long")
                return bytes(received)
        except requests.RequestException as exc:
            raise MediaUnavailable(f"download failed: {type(exc).__name__}") from None

    def delete(self, url: str) -> None:
        """Delete the media at Twilio (the Media resource's ``.json``). Already gone (404)
        is done; anything else but 204/200 is MediaUnavailable (retried)."""
        import requests

        self._check(url)
        try:
            answer = self.session.delete(
                url + ".json",
                auth=self.auth,
                timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
            )
        except requests.RequestException as exc:
            raise MediaUnavailable(f"delete failed: {type(exc).__name__}") from None
        if answer.status_code == 404:
            return
        self._refuse_error(answer.status_code)

    def _check(self, url: str) -> None:
        if not self.is_ours(url):
            raise NotTwilioMedia("not a Media resource of this account")

    @staticmethod
    def _refuse_error(status: int) -> None:
        if status == 404:
            raise MediaGone("Twilio has no such media")
        if not 200 <= status < 300:
            raise MediaUnavailable(f"Twilio answered {status}")
