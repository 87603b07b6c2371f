"""moto's standard SQS queues handed out as an SQS fair queue would: a quiet tenant's
messages before a busy tenant's backlog.

AWS fair queues (July 2025) are standard queues whose messages carry a ``MessageGroupId``
(the tenant: here the department). When one group builds a backlog, SQS delivers the other
groups' messages first, judging each group by how many of its messages consumers are
already holding (in flight). moto accepts and returns ``MessageGroupId`` on a standard
queue but delivers strictly oldest first, so a test of fairness would only see the
backlog. This module is the local model of that behaviour: the visible messages are
offered round-robin across groups, each group's turn pushed back by the messages it
already has in flight; oldest first within a group and among equals. FIFO queues, and
queues whose messages carry no group, are untouched.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

Message = TypeVar("Message")
_installed = threading.Lock()
_done = False


def fair_order(
    messages: Sequence[Message], group_of: Callable[[Message], Hashable], in_flight: Counter
) -> list[Message]:
    """``messages`` (oldest first) as a fair queue offers them: a message's place is its
    group's messages in flight plus those of its group ahead of it; ties oldest first."""
    seen: Counter = Counter()
    places = []
    for index, message in enumerate(messages):
        group = group_of(message)
        places.append((in_flight[group] + seen[group], index))
        seen[group] += 1
    return [messages[index] for _, index in sorted(places)]


def install() -> None:
    """Patch moto's SQS queue once per process (the local stack only)."""
    global _done
    with _installed:
        if _done:
            return
        from moto.sqs.models import Queue

        visible: Callable[[Any], list[Any]] = Queue.messages.fget  # type: ignore[attr-defined]

        def offered(queue: Any) -> list[Any]:
            messages = visible(queue)
            if queue.fifo_queue or not any(m.group_id for m in messages):
                return messages
            # SQS requests run side by side (moto_server leaves them out of its lock): read
            # a copy of the set (taken in one step under the GIL) while others change it
            in_flight = tuple(queue.pending_messages)
            held = Counter(m.group_id for m in in_flight if not m.visible)
            return fair_order(messages, lambda m: m.group_id, held)

        Queue.messages = property(offered)  # type: ignore[method-assign,assignment]
        _done = True
