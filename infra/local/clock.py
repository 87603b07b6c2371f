"""The local stack's clock, shared with its worker processes.

Tests move the clock of their own process (time-machine) to run at a chosen instant; the
app's worker processes (the local Lambda containers) did not move with it, so a webhook
stored there would carry the machine's time. Each request therefore carries how far the
caller's clock is ahead of the machine's, and the worker answers it at that offset. With
nobody travelling (``make run``, most tests) the offset is 0 and nothing changes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


def offset_seconds() -> float:
    """How far this process's clock is ahead of the machine's (0 unless a test travelled)."""
    machine = sys.modules.get("time_machine")
    if machine is None or not machine.escape_hatch.is_travelling():
        return 0.0
    return time.time() - machine.escape_hatch.time.time()


@contextmanager
def shifted(offset: float) -> Iterator[None]:
    """Run the block with this process's clock ``offset`` seconds ahead, ticking."""
    if not offset:
        yield
        return
    import time_machine

    with time_machine.travel(time.time() + offset, tick=True):
        yield
