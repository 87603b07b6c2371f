"""A pass in parallel Scan segments: each segment walks its share of the table in a thread
of its own; counts, positions and the checkpoint are kept together under one lock.

One segment (the default) runs in the calling thread. A failure in one segment, or Ctrl-C,
stops the others at their next item; the checkpoint then keeps, per segment, the key of the
last item handled, so the next run goes on from there in as many segments.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed, wait
from typing import TYPE_CHECKING, Any

from ..common import OpsError
from .model import Item, Progress, Tally

if TYPE_CHECKING:
    from .checkpoint import Checkpoint

Position = Item | str | None  # go on after this key; START: from the start; DONE: finished
START = None
DONE = "done"
MAX_SEGMENTS = 16


class Stopped(Exception):
    """Another segment failed or the operator pressed Ctrl-C: this one stops too."""


class Shared:
    """What every segment of one pass updates: the counts, the positions, the checkpoint."""

    def __init__(
        self,
        tally: Tally,
        checkpoint: Checkpoint | None,
        positions: list[Position],
        progress: Progress,
    ):
        self.tally, self.checkpoint, self.progress = tally, checkpoint, progress
        self.positions = positions
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def add(self, counted: Tally) -> None:
        """Move one item's counts into the pass's."""
        with self.lock:
            total = self.tally
            total.examined += counted.examined
            total.changed += counted.changed
            total.already_right += counted.already_right
            total.skipped.update(counted.skipped)
            total.changes.update(counted.changes)
        counted.examined = counted.changed = counted.already_right = 0
        counted.skipped.clear()
        counted.changes.clear()

    def page_done(self, segment: int, after: Item | None) -> None:
        with self.lock:
            self.positions[segment] = DONE if after is None else after
            if self.checkpoint is not None:
                finished = all(position == DONE for position in self.positions)
                self.checkpoint.save(self.positions, self.tally, finished=finished)
            self.progress(self.tally.summary())

    def stopped_at(self, segment: int, last: Position) -> None:
        with self.lock:
            if self.positions[segment] != DONE:
                self.positions[segment] = last

    def save_quietly(self) -> None:
        """Keep where a stopping pass got to; the error that stops it is the one to report."""
        with self.lock, contextlib.suppress(OpsError):
            if self.checkpoint is not None:
                self.checkpoint.save(self.positions, self.tally)


def walk_segment(one: Any, shared: Shared, segment: int, segments: int, page_size: int) -> None:
    """Walk one segment from its position with ``one`` (a runner ``_Pass`` whose own tally
    counts the item in hand): an item is counted once handled, so a fault in the middle of
    its write leaves it to the next run."""
    start = shared.positions[segment]
    if start == DONE:
        return
    last: Position = start
    try:
        for items, after in one.pages(start, page_size, segment, segments):
            for item in items:
                if shared.stopping.is_set():
                    raise Stopped()
                one.handle(item)
                one.tally.examined += 1
                shared.add(one.tally)
                last = {name: item[name] for name in one.keys}
            shared.page_done(segment, after)
    except BaseException:
        shared.stopped_at(segment, last)
        raise


def walk_all(walk: Callable[[int], None], shared: Shared, segments: int) -> None:
    """Every segment; on the first failure (or Ctrl-C) the others stop, the checkpoint is
    saved and that failure is raised."""
    if segments == 1:
        try:
            walk(0)
        except BaseException:
            shared.save_quietly()
            raise
        return
    with ThreadPoolExecutor(max_workers=segments, thread_name_prefix="backfill") as pool:
        futures = [pool.submit(walk, segment) for segment in range(segments)]
        try:
            for done in as_completed(futures):
                done.result()
        except BaseException:
            shared.stopping.set()
            wait(futures)
            shared.save_quietly()
            raise
