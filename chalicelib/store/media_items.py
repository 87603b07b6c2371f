"""The media items of a stored text, as the media-copy worker reads and settles them.

Invariant: one run at a time works on an item: it first takes the item's lease
(``copying_until``, a conditional update) and another run that finds it held leaves the
item to it. An item leaves ``arriving`` once, by a conditional update of that one item
(``media[i].state = arriving``); whoever loses that race learns it and changes nothing.
Deleting Twilio's copy is recorded on the item afterwards (``deleted_at_twilio``), so a
retry of a stored item only deletes, and a retry after that does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pynamodb.exceptions import PynamoDBException

from ..domain.media import MediaItem, MediaState
from .conversations import media_item
from .models import ConversationEntryModel, TwilioMessageModel
from .partitions import UNCLAIMED_PREFIX, is_unclaimed
from .write_failures import Cause, WriteNotStored, classify, retry_transient


@dataclass(frozen=True)
class FoundMedia:
    """A text's items where they are now, and which of them Twilio no longer holds."""

    partition: str
    entry_key: str
    items: tuple[MediaItem, ...]
    deleted: frozenset[int]
    leases: dict[int, int] = field(default_factory=dict)  # index → held until (epoch s)

    def held(self, index: int, now: float) -> bool:
        return self.leases.get(index, 0) > now

    def item(self, index: int) -> MediaItem | None:
        return next((i for i in self.items if i.index == index), None)


def media_owner(partition: str) -> str:
    """Who a text's media is filed under in the bucket: the client, or for an unclaimed
    number's text ``unclaimed-<department>`` (that key stays valid after a claim)."""
    if is_unclaimed(partition):
        department = partition[len(UNCLAIMED_PREFIX) :].split("#", 1)[0]
        return f"unclaimed-{department}"
    return partition


class MediaItems:
    def find(self, partition: str, entry_key: str) -> FoundMedia | None:
        """The text's items (a consistent read), or None when no text is there."""
        try:
            row = ConversationEntryModel.get(
                partition,
                entry_key,
                consistent_read=True,
                attributes_to_get=["client_id", "entry_key", "media"],
            )
        except ConversationEntryModel.DoesNotExist:
            return None
        rows = list(row.media or ())
        items = tuple(media_item(r) for r in rows)
        deleted = frozenset(int(r.index) for r in rows if r.deleted_at_twilio)
        leases = {int(r.index): int(r.copying_until) for r in rows if r.copying_until}
        return FoundMedia(partition, entry_key, items, deleted, leases)

    def place_of(self, sid: str) -> tuple[str, str] | None:
        """Where the text with this MessageSid is filed (its guard row), if it is."""
        try:
            guard = TwilioMessageModel.get(sid, consistent_read=True)
        except TwilioMessageModel.DoesNotExist:
            return None
        if not guard.client_id or not guard.entry_key:
            return None
        return str(guard.client_id), str(guard.entry_key)

    def claim(
        self, partition: str, entry_key: str, position: int, index: int, now: float, until: float
    ) -> bool:
        """Take the item's lease until ``until`` (epoch seconds) if it is still arriving and
        nobody holds it now. False: another run has it, or it is settled."""
        path: Any = ConversationEntryModel.media[position]  # an item of the list
        free = path.copying_until.does_not_exist() | (path.copying_until < int(now))
        condition = (path.index == index) & (path.state == MediaState.ARRIVING.value) & free
        actions = [path.copying_until.set(int(until))]
        return self._update(partition, entry_key, actions, condition, "media copy lease")

    def settle(self, partition: str, entry_key: str, position: int, item: MediaItem) -> bool:
        """Move the item at ``position`` of the list from arriving to ``item``'s state
        (stored, refused or failed, with its key, thumbnail, size and note). False when it
        was no longer arriving there (settled by another run, or the text moved)."""
        path: Any = ConversationEntryModel.media[position]  # an item of the list
        actions: list[Any] = [path.state.set(item.state.value)]
        for attribute, value in (
            (path.key, item.key),
            (path.thumb_key, item.thumb_key),
            (path.size, item.size),
            (path.note, item.note),
        ):
            if value:
                actions.append(attribute.set(value))
        condition = (path.state == MediaState.ARRIVING.value) & (path.index == item.index)
        return self._update(partition, entry_key, actions, condition, "media item settled")

    def mark_deleted(self, partition: str, entry_key: str, position: int, index: int) -> bool:
        """Twilio's copy of a stored item is gone (False: the text is not there any more)."""
        path: Any = ConversationEntryModel.media[position]  # an item of the list
        condition = (path.index == index) & (path.state == MediaState.STORED.value)
        actions = [path.deleted_at_twilio.set(True)]
        return self._update(partition, entry_key, actions, condition, "media deleted at Twilio")

    @staticmethod
    def _update(
        partition: str, entry_key: str, actions: list[Any], condition: Any, what: str
    ) -> bool:
        def write() -> None:
            ConversationEntryModel(partition, entry_key).update(actions, condition=condition)

        try:
            retry_transient(what, write)
        except PynamoDBException as exc:
            if classify(exc).cause is Cause.CONDITION:
                return False
            raise WriteNotStored(what, classify(exc).cause) from exc
        return True
