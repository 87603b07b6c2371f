"""The unresolved-sends index: where an outbound text waits while nobody knows its fate
(written before Twilio was called, or Twilio did not answer). settle-sends reads it."""

from __future__ import annotations

import zlib

CHECK_SHARDS = 4


def check_key(outbound_id: str) -> str:
    """The unresolved-sends partition of a text: spread by its id, stable for its life."""
    return f"check#{zlib.crc32(outbound_id.encode()) % CHECK_SHARDS}"
