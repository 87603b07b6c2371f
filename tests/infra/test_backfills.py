"""The backfill runner (infra/ops/backfills/runner.py) against moto, through the
``caseload_fields`` backfill: idempotent, resumable from its checkpoint after a fault, an
edit made meanwhile wins, paced to a share of capacity on a fake clock, a dry run writes
nothing. Tables are the test's own (tests/infra/backfill_tables.py)."""

from __future__ import annotations

import pytest

from chalicelib.domain.search import search_text_for
from infra.ops.backfills.model import Tally
from infra.ops.backfills.pacing import BURST_SECONDS
from infra.ops.backfills.registry import by_name
from infra.ops.backfills.runner import run_backfill
from infra.ops.common import OpsError
from tests.aws_calls import writes
from tests.infra.backfill_tables import (
    Wrapped,
    client,
    dynamodb,
    every_item,
    old_client,
    own_tables,
    target,
)

CASELOAD = by_name("caseload_fields")


@pytest.fixture()
def prefix(stack):
    with own_tables() as made:
        yield made


def run(prefix: str, client_: object = None, **options: object):
    lines: list[str] = []
    options.setdefault("dry_run", False)
    result = run_backfill(
        CASELOAD, target(prefix), progress=lines.append, dynamodb=client_ or dynamodb(), **options
    )
    return result, lines


def test_old_clients_get_their_search_text_and_active_keys_and_a_second_run_changes_nothing(
    prefix,
):
    active = old_client(prefix, id_number="AB-12")
    retired = old_client(prefix, retired_at="2025-06-01T18:00:00.000000+0000")
    result, _ = run(prefix)
    assert (result.examined, result.changed, result.already_right) == (2, 2, 0)
    assert result.complete and result.changes["search_text set"] == 2
    after = client(prefix, active)
    assert after["search_text"] == search_text_for("Rosa", "Quintana", after["phone"], "AB-12")
    assert after["active_case_manager"] == "kristina"
    assert after["active_department"] == "probation"
    assert after["version"] == "3"  # no open form goes stale
    assert "active_case_manager" not in client(prefix, retired)  # retired: off the caseload
    assert client(prefix, retired)["search_text"].startswith(" rosa quintana ")
    before = every_item(prefix, "clients")
    result, _ = run(prefix)
    assert (result.examined, result.changed, result.already_right) == (2, 0, 2)
    assert every_item(prefix, "clients") == before


def test_a_run_stopped_by_a_fault_resumes_from_its_checkpoint_and_writes_nothing_twice(prefix):
    made = {old_client(prefix, first=f"Ana{n}") for n in range(5)}
    failing = Wrapped(dynamodb(), fail_after=3)
    with pytest.raises(OpsError, match="InternalServerError"):
        run(prefix, failing, page_size=2)
    assert len(failing.written) == 3
    again = Wrapped(dynamodb())
    result, lines = run(prefix, again, page_size=2)
    assert any("resuming" in line for line in lines)
    assert (result.examined, result.changed, result.already_right) == (5, 5, 0)
    assert result.complete and not result.skipped
    assert len(again.written) == 2 and not set(again.written) & set(failing.written)
    assert all("search_text" in client(prefix, c) for c in made)
    result, _ = run(prefix)  # a finished pass: the next run starts a new one
    assert (result.examined, result.changed, result.already_right) == (5, 0, 5)


def test_an_edit_made_while_the_backfill_runs_wins(prefix):
    client_id = old_client(prefix, first="Rosa")

    def rename() -> None:
        dynamodb().update_item(
            TableName=f"{prefix}clients",
            Key={"client_id": {"S": client_id}},
            UpdateExpression="SET first_name = :n",
            ExpressionAttributeValues={":n": {"S": "Rosalind"}},
        )
        racing.before_write = None

    racing = Wrapped(dynamodb(), before_write=rename)
    result, _ = run(prefix, racing)
    assert racing.attempts == 2 and result.changed == 1  # refused, read again, written
    after = client(prefix, client_id)
    assert after["first_name"] == "Rosalind"
    assert after["search_text"].startswith(" rosalind quintana ")


def test_a_dry_run_counts_and_writes_nothing_not_even_a_checkpoint(prefix):
    old_client(prefix)
    old_client(prefix, search_text=" wrong ")
    with writes() as made:
        result, _ = run(prefix, dry_run=True)
    assert made == []
    assert (result.examined, result.changed) == (2, 2)
    assert every_item(prefix, "records-retention") == []


class FakeClock:
    """Time that moves only when the pacer sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_writes_are_paced_to_the_share_of_a_provisioned_tables_capacity(stack):
    clock = FakeClock()
    with own_tables(provisioned=4) as made:
        for n in range(12):
            old_client(made, first=f"Pace{n}")
        at: list[float] = []
        timed = Wrapped(dynamodb(), before_write=lambda: at.append(clock.time()))
        result, lines = run(made, timed, share=0.5, clock=(clock.time, clock.sleep))
    rate = 4 * 0.5  # writes a second
    assert result.changed == 12 and len(at) == 12
    assert any("2 write units a second" in line for line in lines)
    for start in at:  # in any one second, at most a second's budget plus the burst
        assert sum(start <= t < start + 1 for t in at) <= rate * (1 + BURST_SECONDS)
    assert at[-1] - at[0] >= (12 - rate * BURST_SECONDS) / rate - 1


def test_a_backfill_waits_for_its_index(stack):
    tally = Tally()
    with own_tables() as made:
        dynamodb().delete_table(TableName=f"{made}clients")
        dynamodb().create_table(
            TableName=f"{made}clients",
            AttributeDefinitions=[{"AttributeName": "client_id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "client_id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        with pytest.raises(OpsError, match="recent-by-case-manager"):
            run(made, tally=tally)
    assert tally.examined == 0


def test_parallel_segments_change_each_item_once_and_resume_in_as_many_segments(prefix):
    made = {old_client(prefix, first=f"Seg{n}") for n in range(9)}
    failing = Wrapped(dynamodb(), fail_after=4)
    with pytest.raises(OpsError, match="InternalServerError"):
        run(prefix, failing, page_size=2, segments=3)
    with pytest.raises(OpsError, match="--segments 3"):
        run(prefix, segments=2)
    again = Wrapped(dynamodb())
    result, _ = run(prefix, again, page_size=2, segments=3)
    assert (result.examined, result.changed, result.already_right) == (9, 9, 0)
    assert result.complete
    assert len(again.written) + len(failing.written) == 9
    assert not set(again.written) & set(failing.written)
    assert all(client(prefix, c)["active_department"] == "probation" for c in made)


def test_a_second_run_started_meanwhile_takes_the_checkpoint_over_and_the_first_stops(prefix):
    for n in range(4):
        old_client(prefix, first=f"Two{n}")

    def other_operator() -> None:
        first.before_write = None
        result, _ = run(prefix)
        assert result.examined == 4  # it went on from the first run's checkpoint: none yet

    first = Wrapped(dynamodb(), before_write=other_operator)
    with pytest.raises(OpsError, match="took over its checkpoint"):
        run(prefix, first, page_size=2)
    result, _ = run(prefix)  # the other pass finished: a new one changes nothing
    assert (result.examined, result.changed, result.already_right) == (4, 0, 4)
