"""The jurisdiction's private media bucket (S3): the one adapter that stores and hands out
photos and files. Nothing here is public: a browser or Twilio reaches an object only by a
short-lived presigned URL this module signs after the caller checked who may see it.

Every call is bounded (connect 2 s, read 10 s, 3 attempts): a copy runs in a queue worker
with its own retries, and a page that signs a URL makes no call at all (signing is local).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..domain.media import MAX_BYTES

CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 3
VIEW_SECONDS = 60  # a viewer's link: long enough to load, too short to pass around
UPLOAD_SECONDS = 600  # a compose box's upload form


@lru_cache(maxsize=4)
def _s3(region: str, endpoint_url: str | None) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
        signature_version="s3v4",
        # locally (moto) the bucket is a path on one host; on AWS the regional host name
        s3={"addressing_style": "path" if endpoint_url else "virtual"},
    )
    return boto3.client("s3", region_name=region, endpoint_url=endpoint_url, config=config)


class BucketUnavailable(Exception):
    """S3 did not store the object (a copy worker retries); no key or bytes in the text."""


@dataclass(frozen=True)
class StoredObject:
    size: int
    content_type: str


@dataclass(frozen=True)
class UploadForm:
    """What a browser posts to S3: the URL and the signed fields, then the file last."""

    url: str
    fields: dict[str, str]


class MediaBucket:
    def __init__(self, bucket: str, region: str, endpoint_url: str | None = None) -> None:
        self.bucket = bucket
        self.region = region
        self.endpoint_url = endpoint_url

    @property
    def _client(self) -> Any:
        return _s3(self.region, self.endpoint_url)

    def put(self, key: str, body: bytes, content_type: str) -> None:
        """Store an object, encrypted at rest (the bucket's default too; said again so a
        bucket set up by hand can't hold a clear copy)."""
        self._client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ServerSideEncryption="AES256",
        )

    def head(self, key: str) -> StoredObject | None:
        """Size and type of an object, or None when there is none."""
        from botocore.exceptions import ClientError

        try:
            answer = self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return StoredObject(int(answer["ContentLength"]), answer.get("ContentType", ""))

    def view_url(
        self, key: str, filename: str, inline: bool = True, seconds: int = VIEW_SECONDS
    ) -> str:
        """A presigned GET. Signing is local: no call to S3."""
        disposition = "inline" if inline else "attachment"
        safe = "".join(c for c in filename if c.isalnum() or c in "._-") or "file"
        return str(
            self._client.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.bucket,
                    "Key": key,
                    "ResponseContentDisposition": f'{disposition}; filename="{safe}"',
                },
                ExpiresIn=seconds,
            )
        )

    def upload_form(self, key: str, content_type: str, max_bytes: int = MAX_BYTES) -> UploadForm:
        """A presigned POST whose policy fixes the key and type and caps the size."""
        signed = self._client.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type, "x-amz-server-side-encryption": "AES256"},
            Conditions=[
                {"Content-Type": content_type},
                {"x-amz-server-side-encryption": "AES256"},
                ["content-length-range", 1, max_bytes],
            ],
            ExpiresIn=UPLOAD_SECONDS,
        )
        return UploadForm(signed["url"], dict(signed["fields"]))

    def keep(self, key: str, body: bytes, content_type: str) -> None:
        """``put``, with S3's failures (after the client's retries) as BucketUnavailable."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.put(key, body, content_type)
        except (BotoCoreError, ClientError) as exc:
            raise BucketUnavailable(f"S3 did not store it: {type(exc).__name__}") from None
