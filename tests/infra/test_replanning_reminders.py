"""Re-planning waiting reminders after the offsets changed (``infra/ops/replan_reminders``).

Appointments are booked through the app's own use case under "old" offsets (the demo
jurisdiction with other offsets); the command then runs as ops run it, with the demo
file's offsets (7, 3, 1), against the session stack, limited to the test's own clients
with ``--client`` (the whole-table walk is checked with ``--check``, which writes nothing).
Appointments are a month ahead of the real clock, which is what the command reads.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain.appointments import Appointment
from chalicelib.domain.clients import Client
from chalicelib.domain.scheduling import ScheduleState
from tests.clock import real_now
from tests.helpers import fresh_phone
from tests.infra.staff_tools import PREFIX, REGION, run_script, without_aws

DENVER = ZoneInfo("America/Denver")


def book(stores, offsets: tuple[int, ...]) -> Appointment:
    """A court date a month ahead, its reminders planned with ``offsets``."""
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.appointments import add_appointment, department_texts

    jurisdiction = replace(get_jurisdiction(), reminder_offsets_days=offsets)
    texts = department_texts(stores.department_texts, jurisdiction, "probation")
    name = "Replan" + secrets.token_hex(3)
    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", name, name, fresh_phone())
    )
    starts = (real_now() + timedelta(days=30)).astimezone(DENVER)
    form = {
        "kind": "court",
        "date": starts.date().isoformat(),
        "time": "10:00",
        "place": "Room W43",
        "notes": "",
    }
    staff = stores.users.get("kristina")
    return add_appointment(
        staff, stores.clients, stores.appointments, texts, client.client_id, form, real_now()
    )


def waiting(stores, appt: Appointment) -> dict[int, object]:
    """Offset → the reminder still waiting for it."""
    found = stores.appointments.reminders_of(appt.client_id, appt.appointment_id)
    return {r.reminder_offset: r for r in found if r.state is ScheduleState.SCHEDULED}


def replan(*args: str, env: dict | None = None):
    return run_script(
        "replan_reminders",
        "--jurisdiction", "demo", "--region", REGION, "--table-prefix", PREFIX, *args,
        env=env,
    )  # fmt: skip


def count(out: str, name: str) -> int:
    line = next(line for line in out.splitlines() if line.strip().startswith(name))
    return int(line.split()[-1])


def test_reminders_planned_under_old_offsets_move_to_the_new_ones(stores):
    appt = book(stores, (10, 4))
    assert set(waiting(stores, appt)) == {10, 4}
    done = replan("--client", appt.client_id)
    assert done.returncode == 0, done.stderr
    now_waiting = waiting(stores, appt)
    assert set(now_waiting) == {7, 3, 1}
    starts_local = appt.starts_at.astimezone(DENVER)
    seven = now_waiting[7].send_at.astimezone(DENVER)
    assert (seven.date(), seven.hour) == (starts_local.date() - timedelta(days=7), 9)
    assert stores.clients.get(appt.client_id).scheduled_count == 3
    assert count(done.stdout, "re-planned") == 1
    assert count(done.stdout, "reminders added") == 3
    assert count(done.stdout, "reminders cancelled") == 2


def test_a_reminder_whose_offset_stays_keeps_its_place_and_a_rerun_changes_nothing(stores):
    appt = book(stores, (7, 2))
    kept = waiting(stores, appt)[7]
    assert replan("--client", appt.client_id).returncode == 0
    after = waiting(stores, appt)
    assert set(after) == {7, 3, 1}
    assert after[7].scheduled_id == kept.scheduled_id and after[7].send_at == kept.send_at
    again = replan("--client", appt.client_id)
    assert again.returncode == 0
    assert count(again.stdout, "already right") == 1
    assert count(again.stdout, "reminders added") == 0
    assert {o: r.scheduled_id for o, r in waiting(stores, appt).items()} == {
        o: r.scheduled_id for o, r in after.items()
    }


def test_check_counts_what_would_change_and_writes_nothing(stores):
    appt = book(stores, (10, 4))
    before = waiting(stores, appt)
    done = replan("--client", appt.client_id, "--check")
    assert done.returncode == 0, done.stderr
    assert count(done.stdout, "would be re-planned") == 1
    assert "nothing was written" in done.stdout
    assert waiting(stores, appt) == before


def test_a_retired_clients_appointment_gets_no_reminders_back(stores):
    from chalicelib.domain.conversation import marker
    from chalicelib.domain.retirement import Retirement, RetireReason

    appt = book(stores, (10, 4))
    client = stores.clients.get(appt.client_id)
    stores.clients.retire(
        client,
        Retirement(real_now(), RetireReason.CASE_CLOSED, "kristina"),
        marker(client.client_id, "retired", "Retired"),
        {"reason": "case_closed"},
    )
    done = replan("--client", appt.client_id)
    assert done.returncode == 0, done.stderr
    assert "client retired" in done.stdout
    assert not set(waiting(stores, appt)) & {7, 3, 1}


def test_walking_the_whole_table_finds_the_appointment_and_check_writes_nothing(stores):
    appt = book(stores, (10, 4))
    before = waiting(stores, appt)
    done = replan("--department", "probation", "--check")
    assert done.returncode == 0, done.stderr
    assert count(done.stdout, "would be re-planned") >= 1
    assert waiting(stores, appt) == before
    other = replan("--department", "pretrial", "--client", appt.client_id, "--check")
    assert count(other.stdout, "examined") == 0


def test_a_dry_run_needs_no_aws_and_names_the_new_offsets():
    done = replan("--dry-run", env=without_aws())
    assert done.returncode == 0, done.stderr
    assert "reminders 7, 3, 1 day(s) before, in America/Denver" in done.stdout


def test_an_unknown_department_is_refused():
    done = replan("--department", "parking")
    assert done.returncode == 1 and "probation" in done.stderr
