"""What the records-retention job may delete, and when: the cutoff of each schedule, what
is never deleted, and how often a pass over the tables starts."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.jurisdiction import parse_jurisdiction
from chalicelib.domain.retention import (
    RecordKind,
    RecordsRetention,
    closed_client_may_go,
    cutoff,
    entry_may_go,
    parse_records_retention,
    pass_due,
    time_key,
)

DENVER = ZoneInfo("America/Denver")
MINIMAL = {
    "name": "tiny",
    "display_name": "Tiny County",
    "time_zone": "America/Denver",
    "departments": [{"id": "probation", "name": "P", "twilio_number": "+18015550110"}],
    "texts": {
        "en": {"auto_reply": "Hi.", "help": "Help."},
        "es": {"auto_reply": "Hola.", "help": "Ayuda."},
    },
}


def test_a_record_of_a_local_day_is_kept_through_that_day_plus_its_schedule(now):
    today = now.astimezone(DENVER).date()
    for days in (30, 365, 1095, 2555):
        found = cutoff(days, now, DENVER)
        kept_day = today - timedelta(days=days)
        last_minute_before = datetime.combine(kept_day - timedelta(days=1), time(23, 59), DENVER)
        first_minute = datetime.combine(kept_day, time(0, 0), DENVER)
        assert last_minute_before < found <= first_minute
        assert found.astimezone(DENVER).time() == time(0)
        assert found < now - timedelta(days=days - 1)


def test_every_run_of_one_local_day_uses_the_same_cutoff(now):
    day = now.astimezone(DENVER).date()
    runs = [datetime.combine(day, time(h, 30), DENVER) for h in (0, 9, 17, 23)]
    assert len({cutoff(1095, run, DENVER) for run in runs}) == 1


def test_a_text_older_than_its_schedule_goes_and_a_newer_one_stays(now):
    before = cutoff(30, now, DENVER)
    assert entry_may_go(before - timedelta(seconds=1), "delivered", False, before)
    assert entry_may_go(before - timedelta(days=400), "", False, before)  # a marker
    assert not entry_may_go(before, "delivered", False, before)
    assert not entry_may_go(now - timedelta(days=29), "delivered", False, before)


@pytest.mark.any_hour
def test_a_send_whose_fate_is_still_being_found_out_is_never_deleted(now):
    before = cutoff(30, now, DENVER)
    long_ago = now - timedelta(days=900)
    assert not entry_may_go(long_ago, "unknown", False, before)
    assert not entry_may_go(long_ago, "sending_to_twilio", False, before)
    assert not entry_may_go(long_ago, "sent", True, before)  # on the settle job's index
    assert entry_may_go(long_ago, "sent", False, before)


def test_an_active_client_a_held_one_or_one_with_texts_to_send_is_never_deleted(now):
    before = cutoff(1095, now, DENVER)
    long_ago = now - timedelta(days=4000)
    assert closed_client_may_go(long_ago, False, set(), before)
    assert closed_client_may_go(long_ago, False, {"sent", "cancelled", "expired"}, before)
    assert not closed_client_may_go(None, False, set(), before)  # active
    assert not closed_client_may_go(long_ago, True, set(), before)  # on hold
    assert not closed_client_may_go(long_ago, False, {"cancelled", "scheduled"}, before)
    assert not closed_client_may_go(now - timedelta(days=10), False, set(), before)


def test_time_keys_sort_as_the_stored_keys_do(now):
    before = cutoff(30, now, DENVER)
    older = f"{time_key(before - timedelta(microseconds=1))}#ffff"
    newer = f"{time_key(before)}#0000"
    assert older < time_key(before) <= newer


def test_a_pass_starts_at_most_once_a_local_day(now):
    assert pass_due(None, now, DENVER)
    assert not pass_due(now - timedelta(minutes=1), now, DENVER)
    yesterday = (now.astimezone(DENVER) - timedelta(days=1)).replace(hour=23, minute=59)
    assert pass_due(yesterday.astimezone(UTC), now, DENVER)
    local_morning = datetime.combine(now.astimezone(DENVER).date(), time(0, 1), DENVER)
    assert not pass_due(local_morning.astimezone(UTC), now, DENVER)


def test_kinds_left_out_are_kept_forever_and_the_pass_takes_the_rest_in_order():
    found = RecordsRetention(texts_days=1095, audit_days=2555)
    assert found.kinds == (  # audit rows: by TTL, not the job (the trail is append-only)
        RecordKind.TEXTS,
        RecordKind.MASS_TEXTS,
        RecordKind.WAITING_NUMBERS,
    )
    assert found.days_for(RecordKind.AUDIT) == 2555
    assert found.forever() == ["closed_clients_days"]
    assert RecordsRetention().kinds == ()


@pytest.mark.parametrize(
    ("given", "path"),
    [
        ({"texts_days": 29}, "records_retention.texts_days"),
        ({"closed_clients_days": 0}, "records_retention.closed_clients_days"),
        ({"texts_days": "1095"}, "records_retention.texts_days"),
        ({"texts_days": True}, "records_retention.texts_days"),
        ({"texts_days": 400000}, "records_retention.texts_days"),
        ({"texts_days": 1095, "audit_days": 365}, "records_retention.audit_days"),
        (
            {"texts_days": 365, "closed_clients_days": 1095, "audit_days": 730},
            "records_retention.audit_days",
        ),
        ({"audit_days": 2555}, "records_retention.audit_days"),
        ({"legal_hold": "yes"}, "records_retention.legal_hold"),
        ([1095], "records_retention"),
    ],
)
def test_a_schedule_that_would_delete_by_accident_is_refused_by_the_app(given, path):
    errors: dict[str, str] = {}
    parse_records_retention(given, errors)
    assert path in errors
    with pytest.raises(ValidationFailed) as refused:
        parse_jurisdiction({**MINIMAL, "records_retention": given})
    assert path in refused.value.field_errors


def test_the_app_reads_the_schedule_and_the_hold_from_the_file():
    found = parse_jurisdiction(
        {
            **MINIMAL,
            "records_retention": {
                "texts_days": 1095,
                "closed_clients_days": 1095,
                "audit_days": 2555,
                "legal_hold": True,
            },
        }
    ).records_retention
    assert found == RecordsRetention(1095, 1095, 2555, legal_hold=True)
    assert parse_jurisdiction(MINIMAL).records_retention == RecordsRetention()
