"""A court import in a department of 10,000 clients costs the DynamoDB calls it costs in a
small one: the file's clients are found by their id numbers (one Query each for a few;
the department's keys-only index, 5,000 to a page, for many), and the requests that apply
the kept plan read only the clients the plan names.

The 10,000 clients are written as keys-only index entries (all the lookup reads) and
removed when the test ends: moto answers an index Query by reading the whole table, so
left behind they would slow every later test of this worker.
"""

from __future__ import annotations

import secrets
from collections import Counter

import boto3
import pytest

from tests.clock import real_now
from tests.dynamodb_calls import counting
from tests.integration.test_court_import_pages import (  # noqa: F401 (a fixture)
    DEMO_HEADER,
    day_ahead,
    new_client,
    nothing_left_waiting,
)

DEPARTMENT_SIZE = 10_000


@pytest.fixture()
def ten_thousand_more(stores):
    """10,000 more active clients with id numbers in the probation department."""
    from chalicelib.store.models import ClientModel

    table = ClientModel.Meta.table_name
    dynamodb = boto3.client("dynamodb")
    ids = [f"bulk{secrets.token_hex(8)}" for _ in range(DEPARTMENT_SIZE)]

    def batches(request):
        for start in range(0, len(ids), 25):
            items = [request(client_id) for client_id in ids[start : start + 25]]
            while items:
                answer = dynamodb.batch_write_item(RequestItems={table: items})
                items = answer.get("UnprocessedItems", {}).get(table, [])

    batches(
        lambda client_id: {
            "PutRequest": {
                "Item": {
                    "client_id": {"S": client_id},
                    "active_department": {"S": "probation"},
                    "id_key": {"S": f"z{client_id}"},
                }
            }
        }
    )
    yield
    batches(lambda client_id: {"DeleteRequest": {"Key": {"client_id": {"S": client_id}}}})


def court_file(clients, days: int) -> bytes:
    rows = [f"{c.id_number},{day_ahead(days)},10:00,W{n},,L-{n}" for n, c in enumerate(clients)]
    return (DEMO_HEADER + "\n".join(rows) + "\n").encode()


def calls_to_import(stores, data: bytes) -> Counter:
    """Upload, preview and apply the file through the use cases; the calls they made."""
    from chalicelib.config import get_jurisdiction
    from chalicelib.services import court_imports

    deps = court_imports.collaborators(
        stores.clients,
        stores.appointments,
        stores.department_texts,
        stores.court_imports,
        get_jurisdiction(),
    )
    dana = stores.users.get("dana")
    with counting() as calls:
        record = court_imports.upload(dana, deps, "court.csv", data, real_now())
        court_imports.preview(dana, deps, record.import_id, real_now())
        while not record.done:
            record = court_imports.apply_next(dana, deps, record.import_id, real_now())
    assert record.added == data.count(b"\n") - 1
    return calls


@pytest.mark.any_hour
def test_an_import_costs_no_more_calls_in_a_department_of_ten_thousand(stores, request):
    few = [new_client(stores) for _ in range(3)]  # found one Query each
    many = [new_client(stores) for _ in range(12)]  # found through the department's keys
    small_few = calls_to_import(stores, court_file(few, 60))
    small_many = calls_to_import(stores, court_file(many, 60))

    request.getfixturevalue("ten_thousand_more")
    few = [new_client(stores) for _ in range(3)]
    many = [new_client(stores) for _ in range(12)]
    large_few = calls_to_import(stores, court_file(few, 61))
    large_many = calls_to_import(stores, court_file(many, 61))

    assert large_few == small_few
    # Many ids: the department's keys are read, 5,000 a page: two more pages, nothing else.
    assert large_many - small_many == Counter({"Query": DEPARTMENT_SIZE // 5000})
    assert small_many - large_many == Counter()
