"""The pure rules of groups and mass texts: who is skipped and why, each recipient's text,
the ids that make a mass text happen once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.clients import Client
from chalicelib.domain.delivery import ERROR_EXPLANATIONS, LANDLINE
from chalicelib.domain.groups import DEPARTMENT, Group, may_hold, why_not_member
from chalicelib.domain.mass_texts import (
    Progress,
    court_soon,
    mass_id_for,
    scheduled_id_for,
    verdicts,
)
from chalicelib.domain.retirement import Retirement, RetireReason
from chalicelib.domain.users import Role, User

NOW = datetime(2027, 3, 10, 18, 0, tzinfo=UTC)
KRISTINA = User("kristina", "Kristina K", "k@x.invalid", Role.CASE_MANAGER, "probation")


def client(cid: str, **fields) -> Client:
    return Client(cid, "probation", "kristina", cid.title(), "Doe", "+18015550123", **fields)


def test_the_same_form_names_the_same_mass_text_and_each_client_one_hex_text_id():
    assert mass_id_for("kristina", "ab" * 16) == mass_id_for("kristina", "ab" * 16)
    assert mass_id_for("kristina", "ab" * 16) != mass_id_for("marcus", "ab" * 16)
    one, two = scheduled_id_for("m1", "c1"), scheduled_id_for("m1", "c2")
    assert one != two and len(one) == 32 and int(one, 16) >= 0  # the outbound id pattern


def test_opted_out_retired_unreachable_and_strangers_are_skipped_with_reasons():
    retired = Retirement(NOW, RetireReason.CASE_CLOSED, "kristina", "")
    found = {
        "ana": client("ana"),
        "stop": client("stop", opted_out=True),
        "gone": client("gone", retirement=retired),
        "land": client("land", delivery_problem=ERROR_EXPLANATIONS[LANDLINE]),
        "other": Client("other", "probation", "marcus", "Oth", "Er", "+18015550124"),
    }
    listed = {
        v.client_id: v
        for v in verdicts(
            KRISTINA,
            [*found, "nobody"],
            found,
            "Hi {first_name} ({case_manager})",
            {"kristina": "Kristina K"},
        )
    }
    assert listed["ana"].skip == "" and listed["ana"].text == "Hi Ana (Kristina K)"
    assert listed["ana"].segments == 1
    assert {cid: v.skip for cid, v in listed.items() if v.skip} == {
        "stop": "opted_out",
        "gone": "retired",
        "land": "cannot_text",
        "other": "not_yours",
        "nobody": "gone",
    }
    assert "STOP" in listed["stop"].reason  # the page's own words


def test_a_group_holds_its_owners_caseload_or_its_departments_clients():
    own = Group("p1", "probation", "kristina", "Thursday")
    department = Group("d1", "probation", DEPARTMENT, "Everyone")
    marcus_client = Client("m", "probation", "marcus", "M", "C", "+18015550125")
    elsewhere = Client("e", "pretrial", "tom", "E", "W", "+18015550126")
    assert may_hold(own, client("ana")) and not may_hold(own, marcus_client)
    assert may_hold(department, marcus_client) and not may_hold(department, elsewhere)
    assert why_not_member(own, marcus_client) == "moved to another caseload"
    assert why_not_member(own, None) == "no longer on record"


def test_court_soon_means_a_court_date_in_the_next_seven_days():
    soon = (NOW + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    late = (NOW + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert court_soon(client("a", appointments={"x": f"{soon}|court|none"}), NOW)
    assert not court_soon(client("b", appointments={"x": f"{soon}|treatment|none"}), NOW)
    assert not court_soon(client("c", appointments={"x": f"{late}|court|none"}), NOW)


def test_progress_is_done_when_nothing_waits():
    assert Progress(queued=1, delivered=2, skipped=1, total=4).percent == 75
    assert Progress(sent=1, failed=1, cancelled=1, skipped=1, total=4).percent == 100


def test_a_group_member_who_moved_caseloads_is_skipped_when_the_group_is_texted():
    group = Group("p1", "probation", "kristina", "Thursday", frozenset({"ana", "moved"}))
    moved = Client("moved", "probation", "marcus", "Mo", "Ved", "+18015550127")
    found = {"ana": client("ana"), "moved": moved}
    listed = {
        v.client_id: v.skip for v in verdicts(KRISTINA, ["ana", "moved"], found, "Hi", {}, group)
    }
    assert listed == {"ana": "", "moved": "moved"}
