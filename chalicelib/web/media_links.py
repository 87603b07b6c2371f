"""What pages need to show a text's photos and files: the template filters that name them,
and the one origin the Content-Security-Policy lets images load from.

Loaded when the template environment is built, so only page views pay for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from ..config import get_settings
from ..domain.conversation import ConversationEntry
from ..domain.media_display import (
    described,
    entry_ref,
    kind_label,
    print_uses_thumbnail,
    size_label,
)


def media_ref(entry: ConversationEntry) -> str:
    """The path segment naming an entry in its media links (domain/media_display.py)."""
    return entry_ref(entry.at, entry.entry_id)


FILTERS: dict[str, Callable[..., Any]] = {
    "media_ref": media_ref,
    "file_size": size_label,
    "media_kind": kind_label,
    "media_words": described,
    "print_thumb": print_uses_thumbnail,
}


def bucket_origin() -> str:
    """Where the media route's signed URLs point (" origin", or "" without a bucket): the
    local endpoint (moto, path-style), else the bucket's own S3 host as the adapter signs
    it (adapters/media_bucket.py: virtual-hosted; us-east-1 signs S3's global host).
    Nothing wider: not every bucket, not every S3 host."""
    settings = get_settings()
    if not settings.media_bucket:
        return ""
    if settings.aws_endpoint_url:
        parts = urlsplit(settings.aws_endpoint_url)
        return f" {parts.scheme}://{parts.netloc}"
    region = "" if settings.region == "us-east-1" else f".{settings.region}"
    return f" https://{settings.media_bucket}.s3{region}.amazonaws.com"
