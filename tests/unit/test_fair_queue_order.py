"""The local model of an SQS fair queue: groups take turns, a group's turn pushed back by
what it already has in flight, oldest first within a group and among equals."""

from __future__ import annotations

from collections import Counter

from infra.local.moto_fair_queues import fair_order


def group(message: str) -> str:
    return message[0]


def test_a_late_tenants_message_is_offered_right_after_the_first_of_a_backlog():
    backlog = [f"a{n}" for n in range(20)]
    offered = fair_order([*backlog, "b0"], group, Counter())
    assert offered[:3] == ["a0", "b0", "a1"]


def test_a_group_with_messages_in_flight_waits_behind_a_group_without():
    offered = fair_order(["a0", "a1", "b0", "b1"], group, Counter({"a": 2}))
    assert offered == ["b0", "b1", "a0", "a1"]


def test_one_group_alone_keeps_its_order():
    messages = [f"a{n}" for n in range(5)]
    assert fair_order(messages, group, Counter({"a": 3})) == messages
