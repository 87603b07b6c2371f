"""The records-retention job deletes rows from tables with streams (clients, conversations,
unclaimed): the push functions take the REMOVE records it makes in their stride. A removed
client or text is pushed to nobody (pages show what remains when next drawn) and costs no
read; a number leaving Unclaimed updates its department's count."""

from __future__ import annotations

from typing import Any

from chalicelib.services.push import push_stream
from chalicelib.store.streams import read_records, unclaimed_departments

ARN = "arn:aws:dynamodb:us-west-2:1:table/clientcomm-demo-{table}/stream/2026"


def removal(table: str, keys: dict[str, str]) -> dict[str, Any]:
    """A REMOVE record as DynamoDB writes it for a NEW_IMAGE or KEYS_ONLY stream: keys only."""
    return {
        "eventName": "REMOVE",
        "eventSourceARN": ARN.format(table=table),
        "dynamodb": {"Keys": {name: {"S": value} for name, value in keys.items()}},
    }


DELETED = [
    removal("clients", {"client_id": "c1"}),
    removal("conversations", {"client_id": "c1", "entry_key": "1995-06-01T18:00:00.000000Z#a"}),
    removal("conversations", {"client_id": "unclaimed#probation#+12025550100", "entry_key": "x"}),
]


class Untouched:
    """Any store or gateway: fails the test if the push asks it anything."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"a removal made the push call {name}")


def test_removed_clients_and_texts_are_pushed_to_nobody_and_read_nothing():
    found = read_records(DELETED)
    assert found.clients == [] and found.entries == []

    result = push_stream(
        DELETED,
        lambda clients, entries: Untouched(),
        clients=Untouched(),  # type: ignore[arg-type]
        connections=Untouched(),  # type: ignore[arg-type]
        gateway=Untouched(),  # type: ignore[arg-type]
    )

    assert (result.changes, result.delivered, result.gone) == (0, 0, 0)


def test_a_number_leaving_unclaimed_updates_its_departments_count():
    gone = removal("unclaimed", {"department_id": "probation", "phone": "+12025550100"})
    assert unclaimed_departments([gone]) == ["probation"]
