"""``courthouse_codes`` (0.18.0): the courthouse of court dates imported before 0.18.0.

0.18.0 keeps an imported date's courthouse code and room (``location_code``, ``room``) and,
while the date is open, its key in the ``at_courthouse`` index (``courthouse_key`` =
department # folded code), so a courthouse's new wording finds the dates it changes.
Dates imported before have only their ``place`` (the courthouse's description, ", ", the
room), so a rewording misses them. The code is derived where it is unambiguous: the place
starts with exactly one of the department's courthouse descriptions, followed by ", " and
the room or by nothing, and the room found gives that place back (``place_text``). Others
are left alone and counted. The department's courthouses are those it saved
(``department-settings``, ``courthouse#…``), as the app reads them
(``services/courthouses.py``), and the jurisdiction file's seeds: 0.17.0 wrote its places
from them, and a supervisor may have saved a new wording since. ``version`` stays, so no
open form goes stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.domain.court_import import ROOM_WORDS, mapping_from, place_text
from chalicelib.domain.courthouses import fold
from chalicelib.domain.errors import ValidationFailed

from ..common import OpsError, jurisdiction
from .model import NOTHING, Examine, Item, Plan, RunContext, Unusable, differing, text
from .runner_calls import TableMissing, call

SETTINGS = "department-settings"
COURTHOUSE = "courthouse#"  # store/department_settings.py
IMPORT = "import"  # domain.appointments.Source.IMPORT

DEPARTMENT = "department_id"
SOURCE = "source"
PLACE = "place"
CANCELLED = "cancelled"
OUTCOME = "outcome"
VERSION = "version"
LOCATION_CODE = "location_code"
ROOM = "room"
COURTHOUSE_KEY = "courthouse_key"
INPUTS = (DEPARTMENT, SOURCE, PLACE, CANCELLED, OUTCOME, VERSION)

NO_COURTHOUSE = "no courthouse: its place starts with no courthouse's wording"
AMBIGUOUS = "ambiguous: its place starts with more than one courthouse's wording"
NO_DEPARTMENT = "no department_id (not an appointment the app wrote)"
NOT_TEXT = "department, source, place or code is not text"


def courthouse_key(department_id: str, code: str) -> str:
    return f"{department_id}#{fold(code)}"  # store/appointments.py


class CourthouseCodes:
    read: tuple[str, ...] = (*INPUTS, LOCATION_CODE, ROOM, COURTHOUSE_KEY)

    def prepare(self, context: RunContext) -> Examine:
        return Examiner(context)


class Examiner:
    """Decides each appointment, reading each department's courthouses once."""

    def __init__(self, context: RunContext):
        self.context = context
        self.courthouses: dict[str, list[tuple[str, str]]] = {}

    def __call__(self, item: Item) -> Plan:
        if text(item, SOURCE, NOT_TEXT) != IMPORT:
            return NOTHING  # typed in by staff: no courthouse code to keep
        department = text(item, DEPARTMENT, NOT_TEXT)
        if department is None:
            raise Unusable(NO_DEPARTMENT)
        code = text(item, LOCATION_CODE, NOT_TEXT)
        room: str | None = text(item, ROOM, NOT_TEXT)
        if code is None:
            code, room = derive(text(item, PLACE, NOT_TEXT) or "", self.of(department))
        is_open = item.get(CANCELLED) != {"BOOL": True} and OUTCOME not in item
        wanted = {
            LOCATION_CODE: code,
            ROOM: room or None,
            COURTHOUSE_KEY: courthouse_key(department, code) if is_open else None,
        }
        return Plan(differing(item, wanted), depends_on=INPUTS)

    def of(self, department: str) -> list[tuple[str, str]]:
        if department not in self.courthouses:
            self.courthouses[department] = department_courthouses(self.context, department)
        return self.courthouses[department]


def derive(place: str, courthouses: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """(code, room) for a place an import wrote, or ``Unusable`` saying why not. Two
    wordings of one code (saved and seed) are one courthouse; two codes are ambiguous."""
    found: dict[str, tuple[str, str]] = {}  # folded code → (code as first listed, room)
    for code, description in courthouses:
        if not description:
            continue
        if place == description:
            room = ""
        elif place.startswith(description + ", "):
            room = room_of(place[len(description) + 2 :])
        else:
            continue
        if place_text(description, room) == place:  # the import would write this place
            found.setdefault(fold(code), (code, room))
    if len(found) > 1:
        raise Unusable(AMBIGUOUS)
    if not found:
        raise Unusable(NO_COURTHOUSE)
    return next(iter(found.values()))


def room_of(written: str) -> str:
    """The room as the court's file gave it: "Room W43" was written from "W43"."""
    bare = written.removeprefix("Room ")
    if bare != written and bare and " " not in bare and not bare.casefold().startswith(ROOM_WORDS):
        return bare
    return written


def department_courthouses(context: RunContext, department: str) -> list[tuple[str, str]]:
    """(code, description): the department's saved courthouses first, then the
    jurisdiction file's seeds, which 0.17.0 wrote its places from (a supervisor may have
    saved a new wording since)."""
    return [*saved_courthouses(context, department), *seeds(context)]


def saved_courthouses(context: RunContext, department: str) -> list[tuple[str, str]]:
    """None before 0.18.0: its table comes with the release's own step, after this backfill
    (which runs once ``at_courthouse`` is added), and no release before it saved any."""
    table = context.target.table(SETTINGS)
    request: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "#d = :d AND begins_with(#i, :c)",
        "ExpressionAttributeNames": {"#d": "department_id", "#i": "item"},
        "ExpressionAttributeValues": {":d": {"S": department}, ":c": {"S": COURTHOUSE}},
        "ConsistentRead": True,
    }
    saved: list[tuple[str, str]] = []
    while True:
        try:
            page = call(table, context.dynamodb.query, **request)
        except TableMissing:
            return saved
        for row in page.get("Items", []):
            code = row.get("code", {}).get("S", "")
            if code:
                saved.append((code, row.get("description", {}).get("S", "")))
        if "LastEvaluatedKey" not in page:
            return saved
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def seeds(context: RunContext) -> list[tuple[str, str]]:
    """The jurisdiction file's ``court_import.locations``."""
    try:
        found = mapping_from(jurisdiction(context.target.jurisdiction).raw.get("court_import"))
    except ValidationFailed as exc:
        raise OpsError(f"cannot read the court_import of {context.target.jurisdiction}") from exc
    return list(found.locations.items())
