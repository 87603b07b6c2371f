"""Inbound MMS files: queued by the webhook once the text is stored, copied into the
agency's private bucket by the ``copy-media`` worker, and only then deleted at Twilio.

Order is the point. For each item still arriving: download from Twilio (bounded, 5 MB),
put the original (and a JPEG thumbnail for a photo) under the item's own key, settle the
item (one conditional update: arriving → stored), and only after that delete Twilio's
copy and record it. Every step may run twice: the key is the same for every run, the
settle is won once, a stored item is never downloaded again, and a deletion recorded is
never repeated. A failed download or put raises ``CopyNotDone`` (the message is retried);
on its last receive the item is marked failed instead, so the conversation stops saying
"arriving". Nothing here logs a URL or a byte of a file: ids and keys only.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace

from ..adapters.media_bucket import BucketUnavailable, MediaBucket
from ..adapters.queue import MessageQueue, OutgoingMessage, QueueUnavailable
from ..adapters.twilio_media import (
    MediaGone,
    MediaTooBig,
    MediaUnavailable,
    NotTwilioMedia,
    TwilioMedia,
)
from ..domain.errors import NotStored
from ..domain.media import (
    MediaItem,
    MediaKind,
    MediaState,
    object_key,
    thumbnail_key,
    too_big_note,
)
from ..store.media_items import FoundMedia, MediaItems, media_owner
from .receiving import InboundText, Received

log = logging.getLogger(__name__)

GONE_NOTE = "The file was no longer at Twilio, so it could not be kept."
GAVE_UP_NOTE = "The file could not be copied from Twilio after several tries."
NOT_TWILIO_NOTE = "The file's address was not Twilio's, so it was not fetched."
NO_PREVIEW_NOTE = "no preview"
# One run per item at a time: longer than copy-media's 60 s timeout, shorter than the
# queue's visibility timeout, so a crashed run's own message finds the lease expired.
LEASE_SECONDS = 90


class MediaNotQueued(NotStored):
    """The copy jobs of a stored text were not all kept: the webhook answers 5xx, Twilio
    retries, and the retry (a duplicate) queues the items still arriving."""


class CopyNotDone(Exception):
    """This try did not finish; the queue shows the message again."""


@dataclass(frozen=True)
class CopyJob:
    """One item of one text: where the text is filed, which item, Twilio's MediaUrl."""

    partition: str
    entry_key: str
    index: int
    url: str
    sid: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, body: str) -> CopyJob:
        data = json.loads(body)
        return cls(
            str(data["partition"]),
            str(data["entry_key"]),
            int(data["index"]),
            str(data["url"]),
            str(data["sid"]),
        )


def enqueue_copies(
    text: InboundText, received: Received, queue: MessageQueue, media: MediaItems
) -> int:
    """Queue a copy for each of the text's items still arriving; how many were queued.

    A new text's items are known from the webhook; a repeat's are read (a lost enqueue
    heals on Twilio's retry; an item already settled is not queued again)."""
    if not text.media or received.outcome not in ("stored", "unclaimed", "duplicate"):
        return 0
    where = received.where
    if where is None and received.outcome == "duplicate":
        where = media.place_of(text.sid)
    if where is None:
        log.warning("no place known for a text's media", extra={"sid": text.sid})
        return 0
    if received.outcome == "duplicate":
        found = media.find(*where)
        pending = [i.index for i in found.items if i.state is MediaState.ARRIVING] if found else []
    else:
        pending = [i.index for i in text.media_items if i.state is MediaState.ARRIVING]
    jobs = [CopyJob(where[0], where[1], i, text.media[i][0], text.sid) for i in pending]
    for start in range(0, len(jobs), 10):
        batch = [OutgoingMessage(job.to_json()) for job in jobs[start : start + 10]]
        try:
            kept = queue.send_batch(batch)
        except QueueUnavailable as exc:
            raise MediaNotQueued("the media-copy queue did not keep the jobs") from exc
        if not all(kept):
            raise MediaNotQueued("the media-copy queue kept only some jobs")
    return len(jobs)


@dataclass(frozen=True)
class Copier:
    """The worker's collaborators."""

    media: MediaItems
    bucket: MediaBucket
    twilio: TwilioMedia
    thumbnail: Callable[[bytes], bytes | None]
    clock: Callable[[], float] = field(default=time.time)  # epoch seconds, for leases


def copy_media(job: CopyJob, copier: Copier, last_try: bool = False) -> str:
    """Copy one item, then delete it at Twilio; the outcome's name. CopyNotDone: retry."""
    found = locate(job, copier.media)
    item = found.item(job.index) if found else None
    if found is None or item is None:
        return "no_such_text"  # deleted (records schedule) or never stored: nothing to do
    now = copier.clock()
    if found.held(item.index, now) and item.index not in found.deleted:
        # another run (a duplicate webhook's job) is at it; its own message stays on the
        # queue until it is done, so this one may go
        return "in_progress"
    if item.state is MediaState.STORED:
        return delete_at_twilio(job, found, item, copier)
    if item.state is not MediaState.ARRIVING:
        return "settled"  # refused or failed: nothing was kept, nothing to fetch
    position = position_of(found, item.index)
    if not copier.media.claim(
        found.partition, found.entry_key, position, item.index, now, now + LEASE_SECONDS
    ):
        return "in_progress"  # taken between our read and now, or settled meanwhile
    try:
        data = copier.twilio.download(job.url)
    except MediaTooBig as exc:
        return settle(job, found, item.refused(too_big_note(exc.size)), copier, "too_big")
    except MediaGone:
        return settle(job, found, item.failed(GONE_NOTE), copier, "gone")
    except NotTwilioMedia:
        return settle(job, found, item.failed(NOT_TWILIO_NOTE), copier, "not_twilio")
    except MediaUnavailable as exc:
        return give_up(job, found, item, copier, last_try, str(exc))
    key = object_key(media_owner(found.partition), entry_id_of(job), item.index, item.content_type)
    try:
        copier.bucket.keep(key, data, item.content_type)
        thumb = ""
        if item.kind is MediaKind.IMAGE:
            small = copier.thumbnail(data)
            if small is not None:
                thumb = thumbnail_key(key)
                copier.bucket.keep(thumb, small, "image/jpeg")
    except BucketUnavailable as exc:
        return give_up(job, found, item, copier, last_try, str(exc))
    stored = item.stored(key, len(data), thumb)
    if item.kind is MediaKind.IMAGE and not thumb:
        stored = replace(stored, note=NO_PREVIEW_NOTE)
    outcome = settle(job, found, stored, copier, "stored")
    if outcome != "stored":
        return outcome
    return delete_at_twilio(job, found, stored, copier, "stored")


def locate(job: CopyJob, media: MediaItems) -> FoundMedia | None:
    """The text where the job says, or where its guard now points (an unclaimed number's
    text moves to a client when the number is claimed)."""
    found = media.find(job.partition, job.entry_key)
    if found is not None:
        return found
    place = media.place_of(job.sid)
    if place is None or place == (job.partition, job.entry_key):
        return None
    return media.find(*place)


def entry_id_of(job: CopyJob) -> str:
    return job.entry_key.rsplit("#", 1)[-1]


def position_of(found: FoundMedia, index: int) -> int:
    return next(p for p, i in enumerate(found.items) if i.index == index)


def settle(job: CopyJob, found: FoundMedia, item: MediaItem, copier: Copier, outcome: str) -> str:
    """Write the item's new state once. Losing means another run settled it first."""
    position = position_of(found, item.index)
    if copier.media.settle(found.partition, found.entry_key, position, item):
        log.info("media item", extra={"sid": job.sid, "index": item.index, "outcome": outcome})
        return outcome
    now = copier.media.find(found.partition, found.entry_key)
    again = now.item(item.index) if now else None
    if again is not None and again.state is MediaState.STORED and outcome == "stored":
        return "stored_by_another_run"  # its run deletes at Twilio; ours leaves it
    return "settled_meanwhile"


def delete_at_twilio(
    job: CopyJob, found: FoundMedia, item: MediaItem, copier: Copier, done: str = "deleted"
) -> str:
    """Only for a stored item: Twilio's copy goes, and that is recorded (once)."""
    if item.index in found.deleted:
        return "already_done"
    try:
        copier.twilio.delete(job.url)
    except MediaUnavailable as exc:
        log.warning("media not yet deleted at Twilio", extra={"sid": job.sid, "error": str(exc)})
        raise CopyNotDone("delete at Twilio") from None
    except NotTwilioMedia:
        return done
    copier.media.mark_deleted(
        found.partition, found.entry_key, position_of(found, item.index), item.index
    )
    return done


def give_up(
    job: CopyJob, found: FoundMedia, item: MediaItem, copier: Copier, last_try: bool, why: str
) -> str:
    """A try that failed: retried, unless it was the last, then the item shows failed."""
    extra = {"sid": job.sid, "index": item.index, "error": why}
    if not last_try:
        log.warning("media copy failed; it will be retried", extra=extra)
        raise CopyNotDone(why)
    log.error("media copy gave up", extra=extra)
    return settle(job, found, item.failed(GAVE_UP_NOTE), copier, "gave_up")


def copy_batch(
    messages: Sequence[tuple[str, str, int]], copier: Copier, max_receives: int
) -> tuple[list[str], dict[str, int]]:
    """Each (message id, body, receive count) of one SQS batch: the ids to retry, and
    how many of each outcome."""
    failed: list[str] = []
    outcomes: dict[str, int] = {}
    for message_id, body, receives in messages:
        try:
            job = CopyJob.from_json(body)
        except (ValueError, KeyError, TypeError):
            log.warning("dropped an unreadable media-copy job")
            outcome = "unreadable"
        else:
            try:
                outcome = copy_media(job, copier, last_try=receives >= max_receives)
            except (CopyNotDone, NotStored):
                failed.append(message_id)
                outcome = "retry"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return failed, outcomes
