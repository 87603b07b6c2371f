"""A change to what people set up (groups, saved replies, formats, courthouses) or to a mass
text is pushed only to the open pages whose person may see it, as the pages themselves
decide: a case manager's own group or reply only to her; the department's replies to its
staff; its groups, formats and courthouses to its supervisors; a mass text to its author
and the supervisors; never to another department. The message names the list, not what
it now holds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.live import Listener
from chalicelib.domain.mass_texts import MassText
from chalicelib.domain.users import Role, User
from chalicelib.services import settings_push
from chalicelib.store.mass_texts import MassTextStore
from tests.fakes import FakeUserStore
from tests.unit.services.test_pushes_follow_current_roles import Connections, Gateway

AT = datetime(2027, 5, 4, 19, 0, tzinfo=UTC)
# Ids of their own: the pushers' cache of staff records is shared within the process.
KRIS = User("sp-kris", "Kris", "k@county.invalid", Role.CASE_MANAGER, "probation")
MARC = User("sp-marc", "Marc", "m@county.invalid", Role.CASE_MANAGER, "probation")
DANA = User("sp-dana", "Dana", "d@county.invalid", Role.SUPERVISOR, "probation")
ADAM = User("sp-adam", "Adam", "a@county.invalid", Role.ADMIN, "probation")
TOM = User("sp-tom", "Tom", "t@county.invalid", Role.CASE_MANAGER, "pretrial")
PRIYA = User("sp-priya", "Priya", "p@county.invalid", Role.SUPERVISOR, "pretrial")
EVERYONE = (KRIS, MARC, DANA, ADAM, TOM, PRIYA)
SETTINGS_ARN = "arn:aws:dynamodb:us-west-2:1:table/clientcomm-demo-department-settings/stream/x"
MASS_ARN = "arn:aws:dynamodb:us-west-2:1:table/clientcomm-demo-mass-texts/stream/x"


def record(department: str, item: str, event: str = "MODIFY") -> dict[str, Any]:
    keys = {"department_id": {"S": department}, "item": {"S": item}}
    return {"eventName": event, "eventSourceARN": SETTINGS_ARN, "dynamodb": {"Keys": keys}}


def heard(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Who heard what, each person with one open page."""
    connections = Connections(
        *(
            Listener(f"c-{u.user_id}", u.user_id, u.department_id, u.role, "s#1", None, AT)
            for u in EVERYONE
        )
    )
    gateway = Gateway()
    settings_push.push_settings(
        records, connections=connections, gateway=gateway, users=FakeUserStore(*EVERYONE)
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for connection_id, message in gateway.posted:
        found.setdefault(connection_id.removeprefix("c-"), []).append(message)
    return found


def test_a_case_managers_own_group_reaches_only_her_pages():
    told = heard([record("probation", f"group#{KRIS.user_id}#pabc")])
    assert told == {KRIS.user_id: [{"type": "settings", "what": "groups"}]}


def test_a_deleted_own_reply_reaches_only_its_owner_not_even_her_supervisor():
    told = heard([record("probation", f"reply#mine#{KRIS.user_id}#r1", "REMOVE")])
    assert told == {KRIS.user_id: [{"type": "settings", "what": "replies"}]}


def test_a_department_reply_reaches_all_its_staff_and_nobody_of_another_department():
    told = heard([record("probation", "reply#department#r2", "INSERT")])
    assert sorted(told) == sorted(u.user_id for u in (KRIS, MARC, DANA, ADAM))
    assert all(m == [{"type": "settings", "what": "replies"}] for m in told.values())


def test_department_groups_formats_and_courthouses_reach_its_supervisors_only():
    told = heard(
        [
            record("probation", "group#*#dabc"),
            record("probation", "format#f1"),
            record("probation", "courthouse#slc3"),
            record("probation", "courthouse#slc4"),  # one upload: one message per list
        ]
    )
    assert sorted(told) == sorted([DANA.user_id, ADAM.user_id])
    assert [m["what"] for m in told[DANA.user_id]] == ["groups", "formats", "courthouses"]


def test_a_client_import_format_reaches_everyone_who_may_import_its_whole_department():
    told = heard([record("probation", "client-format#f2")])
    assert sorted(told) == sorted(u.user_id for u in (KRIS, MARC, DANA, ADAM))
    assert all(m == [{"type": "settings", "what": "client-formats"}] for m in told.values())


def test_another_departments_change_reaches_only_that_department():
    told = heard([record("pretrial", "reply#department#r3"), record("pretrial", "group#*#d1")])
    assert sorted(told) == sorted([TOM.user_id, PRIYA.user_id])
    assert told[TOM.user_id] == [{"type": "settings", "what": "replies"}]


def test_records_of_other_tables_and_unknown_items_are_ignored():
    other = {**record("probation", "reply#department#r4"), "eventSourceARN": MASS_ARN}
    assert heard([other, record("probation", "something#else")]) == {}


class MassTexts(MassTextStore):
    def __init__(self, *found: MassText) -> None:
        self.found = {m.mass_id: m for m in found}
        self.asked: list[str] = []

    def get(self, mass_id: str) -> MassText | None:
        self.asked.append(mass_id)
        return self.found.get(mass_id)


def mass_record(mass_id: str, event: str) -> dict[str, Any]:
    keys = {"mass_id": {"S": mass_id}}
    return {"eventName": event, "eventSourceARN": MASS_ARN, "dynamodb": {"Keys": keys}}


def test_a_mass_text_reaches_its_author_and_the_supervisors_read_once():
    mass = MassText("m1", "probation", KRIS.user_id, "Closed Monday", AT, ("c1",))
    store = MassTexts(mass)
    connections = Connections(
        *(
            Listener(f"c-{u.user_id}", u.user_id, u.department_id, u.role, "s#1", None, AT)
            for u in EVERYONE
        )
    )
    gateway = Gateway()
    settings_push.push_mass_texts(
        [mass_record("m1", "INSERT"), mass_record("m1", "MODIFY"), mass_record("gone", "REMOVE")],
        mass_texts=store,
        connections=connections,
        gateway=gateway,
        users=FakeUserStore(*EVERYONE),
    )
    assert store.asked == ["m1"]
    told = sorted(cid.removeprefix("c-") for cid, _ in gateway.posted)
    assert told == sorted([KRIS.user_id, DANA.user_id, ADAM.user_id])
    assert {m["type"] for _, m in gateway.posted} == {"mass-text"}
    assert {m["mass_id"] for _, m in gateway.posted} == {"m1"}
