"""The caseload row flags every upcoming appointment the client asked to reschedule or
whose reply was not understood, not only the next one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.appointments import flags

NOW = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)


def at(days: int) -> str:
    return (NOW + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_answers_of_later_appointments_are_flagged_on_the_caseload_row():
    summary = {
        "a": f"{at(2)}|court|confirmed",
        "b": f"{at(9)}|treatment|reschedule_asked",
        "c": f"{at(12)}|check_in|not_understood",
        "d": f"{at(-1)}|court|reschedule_asked",  # past: awaiting its outcome instead
    }
    found = flags(summary, NOW)
    assert found.next is not None and found.next.confirmation.value == "confirmed"
    assert (found.reschedule_asked, found.not_understood, found.awaiting_outcome) == (1, 1, 1)


def test_a_row_with_no_answers_to_follow_up_has_no_flags():
    found = flags({"a": f"{at(2)}|court|none"}, NOW)
    assert (found.reschedule_asked, found.not_understood) == (0, 0)
