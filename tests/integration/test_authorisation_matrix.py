"""Every route by every kind of outsider: refused, and nothing changed.

Routes are read from the app itself, so a new route without an entry here fails the
test until someone decides who may call it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from chalicelib.domain.phones import display_phone
from tests.aws_calls import writes
from tests.clock import real_now
from tests.helpers import fresh_phone, page_text

# Reachable without signing in, on purpose.
PUBLIC = {
    ("/signin", "GET"): "the sign-in page",
    ("/signin", "POST"): "signing in",
    ("/signin/challenge", "POST"): "the second sign-in step (guarded by a signed challenge)",
    ("/static/{name}", "GET"): "the stylesheet and script; no data",
    ("/manifest.webmanifest", "GET"): "the installable app's name, colours and icon; no data",
    ("/sw.js", "GET"): "the service worker's script; what it keeps is decided per page",
    ("/offline", "GET"): "the page shown offline for a page not kept; names no one",
    ("/webhooks/twilio/sms", "POST"): "Twilio; its signature is checked for the whole prefix",
    ("/webhooks/twilio/status", "POST"): "Twilio; its signature is checked for the whole prefix",
    ("/webhooks/twilio/status/{outbound_id}", "POST"): "Twilio; signature checked likewise",
    ("/webhooks/twilio/fallback", "POST"): "Twilio; signature checked likewise",
}


@dataclass(frozen=True)
class Probe:
    """How to aim a route at Kristina's client ``target``."""

    path: str
    form: dict = field(default_factory=dict)
    scoped: bool = False  # lists the visitor's own things: must simply not show the target
    department_wide: bool = False  # the department's shared queue: colleagues may use it
    background: bool = False  # a poll of an open page: never extends the session
    supervisors: bool = False  # a supervisor's own department list; case managers refused


PROBES = {
    ("/", "GET"): Probe("/", scoped=True),
    ("/caseload", "GET"): Probe("/caseload?scope=department&q={last_name}", scoped=True),
    ("/clients/new", "GET"): Probe("/clients/new", scoped=True),
    ("/clients", "POST"): Probe(
        "/clients",
        {
            "first_name": "Sneaky",
            "last_name": "Add",
            "phone": "{fresh}",
            "case_manager_id": "kristina",
        },
    ),
    ("/clients/{client_id}", "GET"): Probe("/clients/{client_id}"),
    ("/clients/{client_id}", "POST"): Probe(
        "/clients/{client_id}",
        {"first_name": "Hijacked", "last_name": "Name", "phone": "{fresh}", "version": "1"},
    ),
    ("/clients/{client_id}/edit", "GET"): Probe("/clients/{client_id}/edit"),
    ("/clients/{client_id}/reassign", "POST"): Probe(
        "/clients/{client_id}/reassign", {"case_manager_id": "marcus", "version": "1"}
    ),
    ("/clients/{client_id}/retire", "POST"): Probe(
        "/clients/{client_id}/retire", {"reason": "case_closed", "version": "1"}
    ),
    ("/clients/{client_id}/reactivate", "POST"): Probe(
        "/clients/{client_id}/reactivate", {"reason": "new_case", "version": "1"}
    ),
    ("/caseload/retired", "GET"): Probe("/caseload/retired?scope=department", scoped=True),
    ("/signout", "POST"): Probe("/signout", scoped=True),
    ("/session/stay", "POST"): Probe("/session/stay", scoped=True),
    ("/caseload/live", "GET"): Probe(
        "/caseload/live?scope=department&q={last_name}", scoped=True, background=True
    ),
    ("/api/activity", "GET"): Probe("/api/activity", scoped=True, background=True),
    ("/api/unclaimed-count", "GET"): Probe("/api/unclaimed-count", scoped=True, background=True),
    ("/clients/{client_id}/live", "GET"): Probe("/clients/{client_id}/live", background=True),
    ("/clients/{client_id}/print", "GET"): Probe("/clients/{client_id}/print"),
    ("/clients/{client_id}/export/{fmt}", "GET"): Probe("/clients/{client_id}/export/csv"),
    ("/clients/{client_id}/messages", "POST"): Probe(
        "/clients/{client_id}/messages",
        {"body": "Not from your case manager", "draft_id": "ab" * 16},
    ),
    ("/clients/{client_id}/uploads", "POST"): Probe(
        "/clients/{client_id}/uploads", {"content_type": "image/jpeg", "size": "1000"}
    ),
    ("/clients/{client_id}/read", "POST"): Probe(
        "/clients/{client_id}/read", {"seen_up_to": "2999-01-01T00:00:00+00:00"}
    ),
    ("/clients/{client_id}/unread", "POST"): Probe("/clients/{client_id}/unread"),
    ("/unclaimed", "GET"): Probe("/unclaimed", scoped=True),
    ("/unclaimed/live", "GET"): Probe("/unclaimed/live", scoped=True, background=True),
    ("/settings", "GET"): Probe("/settings", scoped=True),
    ("/settings", "POST"): Probe("/settings", {"email_notifications": "on"}, scoped=True),
    ("/unclaimed/{digits}", "GET"): Probe("/unclaimed/{digits}", department_wide=True),
    ("/unclaimed/{digits}/live", "GET"): Probe(
        "/unclaimed/{digits}/live", department_wide=True, background=True
    ),
    ("/unclaimed/{digits}/attach", "POST"): Probe(
        "/unclaimed/{digits}/attach", {"client_id": "{client_id}"}
    ),
    ("/unclaimed/{digits}/reply", "POST"): Probe(
        "/unclaimed/{digits}/reply",
        {"body": "Not from this department", "draft_id": "cd" * 16},
        department_wide=True,
    ),
    ("/unclaimed/{digits}/dismiss", "POST"): Probe(
        "/unclaimed/{digits}/dismiss", {"reason": "spam", "seen": "1"}, department_wide=True
    ),
    ("/clients/{client_id}/scheduled", "POST"): Probe(
        "/clients/{client_id}/scheduled",
        {"body": "Not from your case manager", "send_date": "{send_date}", "send_time": "09:00"},
    ),
    ("/clients/{client_id}/scheduled/{scheduled_id}/edit", "GET"): Probe(
        "/clients/{client_id}/scheduled/{scheduled_id}/edit"
    ),
    ("/clients/{client_id}/scheduled/{scheduled_id}", "POST"): Probe(
        "/clients/{client_id}/scheduled/{scheduled_id}",
        {"body": "Hijacked", "send_date": "{send_date}", "send_time": "10:00", "version": "1"},
    ),
    ("/clients/{client_id}/scheduled/{scheduled_id}/cancel", "POST"): Probe(
        "/clients/{client_id}/scheduled/{scheduled_id}/cancel", {"version": "1"}
    ),
    ("/scheduled", "GET"): Probe("/scheduled", supervisors=True),
    ("/scheduled/live", "GET"): Probe("/scheduled/live", supervisors=True, background=True),
    ("/clients/{client_id}/appointments", "POST"): Probe(
        "/clients/{client_id}/appointments",
        {"kind": "court", "date": "{send_date}", "time": "11:00", "place": "Not yours"},
    ),
    ("/clients/{client_id}/appointments/{appointment_id}/edit", "GET"): Probe(
        "/clients/{client_id}/appointments/{appointment_id}/edit"
    ),
    ("/clients/{client_id}/appointments/{appointment_id}", "POST"): Probe(
        "/clients/{client_id}/appointments/{appointment_id}",
        {"kind": "court", "date": "{send_date}", "time": "11:00", "version": "1"},
    ),
    ("/clients/{client_id}/appointments/{appointment_id}/cancel", "POST"): Probe(
        "/clients/{client_id}/appointments/{appointment_id}/cancel",
        {"version": "1", "notify": "yes"},
    ),
    ("/clients/{client_id}/appointments/{appointment_id}/outcome", "POST"): Probe(
        "/clients/{client_id}/appointments/{appointment_id}/outcome",
        {"version": "1", "outcome": "missed"},
    ),
    ("/clients/{client_id}/appointments/{appointment_id}/correct", "POST"): Probe(
        "/clients/{client_id}/appointments/{appointment_id}/correct",
        {"version": "1", "confirmation": "confirmed"},
    ),
    ("/clients/{client_id}/appointments/live", "GET"): Probe(
        "/clients/{client_id}/appointments/live", background=True
    ),
    # court-date imports: a supervisor's own department's (the routes take no department)
    ("/imports", "GET"): Probe("/imports", supervisors=True),
    ("/imports", "POST"): Probe("/imports", supervisors=True),
    ("/imports/{import_id}", "GET"): Probe("/imports/{import_id}"),
    ("/imports/{import_id}/apply", "POST"): Probe("/imports/{import_id}/apply"),
    ("/imports/{import_id}/again", "POST"): Probe("/imports/{import_id}/again"),
    # a supervisor's own department's import formats and courthouses (issue 18: no route
    # takes a department, so another department's are never reachable)
    ("/imports/formats", "GET"): Probe("/imports/formats", supervisors=True),
    ("/imports/formats/new", "POST"): Probe(
        "/imports/formats/new", {"sample": '{{"header": ["a", "b"], "rows": []}}'}, supervisors=True
    ),
    ("/imports/formats/{format_id}", "GET"): Probe("/imports/formats/default", supervisors=True),
    ("/imports/formats/save", "POST"): Probe(
        "/imports/formats/save",
        {
            "sample": '{{"header": ["a", "b"], "rows": []}}',
            "name": "Hijacked",
            "column_id_number": "1",
            "column_date": "2",
            "column_time": "together",
            "date_format": "YYYY-MM-DD",
            "time_format": "24-hour, HH:MM (14:30)",
            "version": "0",
        },
        supervisors=True,
    ),
    ("/courthouses", "GET"): Probe("/courthouses", supervisors=True),
    ("/courthouses", "POST"): Probe(
        "/courthouses",
        {"code": "HIJACK", "description": "Not yours", "version": "0"},
        supervisors=True,
    ),
    ("/courthouses/upload", "POST"): Probe("/courthouses/upload", supervisors=True),
    ("/courthouses/confirm", "POST"): Probe(
        "/courthouses/confirm",
        {"rows": "1", "code_0": "HIJACK", "description_0": "Not yours", "version_0": "0"},
        supervisors=True,
    ),
    # a supervisor's own department's texts (the route takes no department)
    ("/reminder-texts", "GET"): Probe("/reminder-texts", supervisors=True),
    ("/reminder-texts", "POST"): Probe(
        "/reminder-texts",
        {"action": "save", "version": "0", "en-reminder": "Hijacked {{date}} {{time}}"},
        supervisors=True,
    ),
    # client imports (issue 20, item 1): anyone imports into their own caseload (the
    # upload lists nothing of anyone else's); an import is its uploader's and their
    # supervisor's, so another case manager and the other department are refused
    ("/client-imports", "GET"): Probe("/client-imports", scoped=True),
    ("/client-imports", "POST"): Probe("/client-imports", scoped=True),
    ("/client-imports/{import_id}", "GET"): Probe("/client-imports/{client_import_id}"),
    ("/client-imports/{import_id}/apply", "POST"): Probe(
        "/client-imports/{client_import_id}/apply"
    ),
    # client-import formats (issue 20, item 1, second pass): the department's, set up by
    # whoever imports there; the routes take no department, so a list, a set-up form or a
    # save of someone else's is their own department's; a format of Kristina's department
    # opens for its colleagues only
    ("/client-imports/formats", "GET"): Probe("/client-imports/formats", scoped=True),
    ("/client-imports/formats/new", "POST"): Probe(
        "/client-imports/formats/new",
        {"sample": '{{"header": ["a", "b", "c"], "rows": []}}'},
        scoped=True,
    ),
    ("/client-imports/formats/save", "POST"): Probe(
        "/client-imports/formats/save",
        {
            "sample": '{{"header": ["a", "b", "c"], "rows": []}}',
            "format_id": "{client_format_id}",
            "version": "1",
            "name": "Hijacked",
            "column_first_name": "1",
            "column_last_name": "2",
            "column_phone": "3",
        },
        scoped=True,  # another department's save is refused in test_client_import_formats
    ),
    ("/client-imports/formats/{format_id}", "GET"): Probe(
        "/client-imports/formats/{client_format_id}", department_wide=True
    ),
    # an open import page's refetch after a push: the import's own audience only
    ("/client-imports/{import_id}/live", "GET"): Probe(
        "/client-imports/{client_import_id}/live", background=True
    ),
    # saved replies (i20-replies, issue 20 item 4): one's own are never another person's;
    # a case manager can't manage the department's; no route takes a department or owner
    ("/saved-replies", "GET"): Probe("/saved-replies", scoped=True),
    ("/saved-replies/new", "GET"): Probe("/saved-replies/new?scope=department", supervisors=True),
    ("/saved-replies/{scope}/{reply_id}", "GET"): Probe("/saved-replies/mine/{personal_reply}"),
    ("/saved-replies", "POST"): Probe(
        "/saved-replies",
        {
            "scope": "department",
            "reply_id": "{department_reply}",
            "version": "1",
            "english": "Hijacked",
        },
    ),
    ("/saved-replies/{scope}/{reply_id}/delete", "POST"): Probe(
        "/saved-replies/mine/{personal_reply}/delete", {"version": "1"}
    ),
    ("/clients/{client_id}/saved-replies", "GET"): Probe(
        "/clients/{client_id}/saved-replies", background=True
    ),
    # groups and mass texts (issue 20, items 2 and 3): Kristina's group holding the target,
    # and her mass text to it; nobody else may see, change or text them, nor tick her client
    ("/groups", "GET"): Probe("/groups", scoped=True),
    ("/groups", "POST"): Probe("/groups", {"name": "Matrix outsider group"}, scoped=True),
    ("/groups/pick", "GET"): Probe("/groups/pick?client={client_id}"),
    ("/groups/{group_id}", "GET"): Probe("/groups/{group_id}"),
    ("/groups/{group_id}/add", "POST"): Probe("/groups/{group_id}/add", {"client": "{client_id}"}),
    ("/groups/{group_id}/remove", "POST"): Probe(
        "/groups/{group_id}/remove", {"client": "{client_id}"}
    ),
    ("/groups/{group_id}/delete", "POST"): Probe("/groups/{group_id}/delete"),
    ("/caseload/picked", "POST"): Probe("/caseload/picked", {"client": "{client_id}"}),
    ("/mass-texts", "GET"): Probe("/mass-texts", scoped=True),
    ("/mass-texts/new", "GET"): Probe("/mass-texts/new", scoped=True),
    ("/mass-texts/new", "POST"): Probe(
        "/mass-texts/new", {"client": "{client_id}", "pick": "ticked", "body": "Not yours"}
    ),
    ("/mass-texts/picked", "POST"): Probe("/mass-texts/picked", {"client": "{client_id}"}),
    ("/mass-texts/preview", "POST"): Probe(
        "/mass-texts/preview",
        {"client": "{client_id}", "pick": "ticked", "body": "Not yours", "form_id": "ab" * 16},
    ),
    ("/mass-texts", "POST"): Probe(
        "/mass-texts",
        {"client": "{client_id}", "pick": "ticked", "body": "Not yours", "form_id": "cd" * 16},
    ),
    ("/mass-texts/{mass_id}", "GET"): Probe("/mass-texts/{mass_id}"),
    ("/mass-texts/{mass_id}/progress", "GET"): Probe(
        "/mass-texts/{mass_id}/progress", background=True
    ),
    ("/mass-texts/{mass_id}/cancel", "POST"): Probe("/mass-texts/{mass_id}/cancel"),
    # staff accounts (i21-accounts, issue 21 item 4): admins only; every case manager and
    # supervisor is refused, whatever person the route names (Kristina here)
    ("/staff", "GET"): Probe("/staff"),
    ("/staff", "POST"): Probe(
        "/staff",
        {
            "username": "matrixinvite",
            "display_name": "Matrix Invite",
            "email": "matrix@example.invalid",
            "role": "admin",
            "department_id": "probation",
        },
    ),
    ("/staff/{user_id}", "GET"): Probe("/staff/kristina"),
    ("/staff/{user_id}/place", "POST"): Probe(
        "/staff/kristina/place",
        {
            "role": "admin",
            "department_id": "probation",
            "seen_role": "case_manager",
            "seen_department": "probation",
            "seen_active": "yes",
        },
    ),
    ("/staff/{user_id}/deactivate", "POST"): Probe(
        "/staff/kristina/deactivate",
        {
            "move_to": "marcus",
            "seen_role": "case_manager",
            "seen_department": "probation",
            "seen_active": "yes",
        },
    ),
    ("/staff/{user_id}/reactivate", "POST"): Probe(
        "/staff/kristina/reactivate",
        {"seen_role": "case_manager", "seen_department": "probation", "seen_active": "no"},
    ),
    # one's own authenticator app (i21-accounts, issue 21 item 5): no route names a person,
    # so everyone reaches only their own
    ("/settings/mfa", "GET"): Probe("/settings/mfa", scoped=True),
    ("/settings/mfa/start", "POST"): Probe("/settings/mfa/start", scoped=True),
    ("/settings/mfa/verify", "POST"): Probe(
        "/settings/mfa/verify", {"pending": "x", "code": "000000"}, scoped=True
    ),
    ("/settings/mfa/off", "POST"): Probe(
        "/settings/mfa/off", {"password": "x", "code": "000000"}, scoped=True
    ),
    # the audit trail and disclosure export (i21-audit): supervisors and admins, their own
    # department only: a case manager gets 403, the other department's supervisor 404
    ("/audit", "GET"): Probe("/audit?client={client_id}"),
    ("/audit/export", "POST"): Probe("/audit/export", {"client": "{client_id}"}),
    # the department dashboard (issue 21, items 1 and 2): supervisors and admins, their own
    # department only (its not-in-contact list must never show another's client)
    ("/dashboard", "GET"): Probe("/dashboard?period=30", supervisors=True),
    ("/dashboard/csv", "GET"): Probe("/dashboard/csv?period=30", supervisors=True),
    ("/settings/weekly-email", "POST"): Probe(
        "/settings/weekly-email", {"weekly_email": "on"}, supervisors=True
    ),
    # a text's photo or file (issue 22): checked as the conversation (or the department's
    # queue) before the entry is looked up; tests/integration/test_media_views.py aims at
    # stored photos
    ("/clients/{client_id}/media/{entry_ref}/{index}", "GET"): Probe(
        "/clients/{client_id}/media/20260101T000000000000Z-matrix/0"
    ),
    ("/unclaimed/{digits}/media/{entry_ref}/{index}", "GET"): Probe(
        "/unclaimed/{digits}/media/20260101T000000000000Z-matrix/0", department_wide=True
    ),
}

OUTSIDERS = {
    "anonymous": None,
    "case manager of another caseload": "marcus",
    "case manager of the other department": "tom",
    "supervisor of the other department": "priya",
}


def all_routes(app) -> list[tuple[str, str]]:
    return sorted((path, method) for path, methods in app.routes.items() for method in methods)


def test_every_route_is_either_public_or_in_the_matrix(chalice_app):
    unlisted = [r for r in all_routes(chalice_app) if r not in PUBLIC and r not in PROBES]
    assert not unlisted, f"add these routes to the authorisation matrix: {unlisted}"
    stale = [r for r in (*PUBLIC, *PROBES) if r not in all_routes(chalice_app)]
    assert not stale, f"the matrix lists routes the app no longer has: {stale}"


@pytest.fixture(scope="module")
def target(http, stack):
    """A client on Kristina's caseload (probation) with a conversation marker and a text
    scheduled for tomorrow (finished afterwards, so no later test's sweep finds it due)."""
    from chalicelib import bootstrap
    from tests.helpers import WebVisitor
    from tests.integration.test_court_import_pages import upload

    owner = WebVisitor(http).sign_in("kristina")
    owner.get("/clients/new")
    made = owner.post(
        "/clients",
        {
            "first_name": "Matrix",
            "last_name": "Target",
            "phone": fresh_phone(),
            "notes": "private note",
        },
    )
    client_id = made.headers["Location"].split("/")[2].split("?")[0]
    send_date = tomorrow_there()
    owner.get(f"/clients/{client_id}")
    owner.post(
        f"/clients/{client_id}/scheduled",
        {"body": "Matrix reminder", "send_date": send_date, "send_time": "09:00"},
    )
    page = owner.get(f"/clients/{client_id}").body.decode()
    scheduled_id = re.search(rf"/clients/{client_id}/scheduled/([0-9a-f]+)/edit", page).group(1)
    owner.post(
        f"/clients/{client_id}/appointments",
        {"kind": "court", "date": send_date, "time": "10:00", "place": "Matrix court"},
    )
    page = owner.get(f"/clients/{client_id}").body.decode()
    found = re.search(rf"/clients/{client_id}/appointments/([0-9a-f]+)/edit", page)
    appointment_id = found.group(1)
    # an import of Dana's whose one row is an unknown id: it can never be applied
    supervisor = WebVisitor(http).sign_in("dana")
    import_id = upload(supervisor, b"id_number,date,time\nNOBODY-1,2030-01-01,09:00\n")
    client_import_id = client_import_of(owner)
    client_format_id = client_format_of(owner)
    stranger = fresh_phone()
    stack.twilio.send_inbound(from_=stranger, to="+18015550100", body="who is this? unclaimed")
    replies = saved_replies_to_probe(owner, supervisor)
    group_id, mass_id = group_and_mass_text(owner, client_id, send_date)
    yield {
        **replies,
        "group_id": group_id,
        "mass_id": mass_id,
        "client_id": client_id,
        "last_name": "Target",
        "notes": "private note",
        "digits": stranger[1:],
        "scheduled_id": scheduled_id,
        "appointment_id": appointment_id,
        "import_id": import_id,
        "send_date": send_date,
        "client_import_id": client_import_id,
        "client_format_id": client_format_id,
    }
    scheduled = bootstrap.stores().scheduled
    for text in scheduled.pending_for_client(client_id):
        scheduled.fail(text, "the test is over")


def client_import_of(owner) -> str:
    """An import of Kristina's, previewed and never applied (issue 20, item 1)."""
    from tests.integration.test_client_imports import upload as upload_clients

    row = f"Matrix,Imported,{fresh_phone()},,,kristina\n"
    return upload_clients(owner, f"first name,last name,phone,,,case manager\n{row}".encode())


def client_format_of(owner) -> str:
    """A client-import format of Kristina's department (issue 20, item 1)."""
    from tests.helpers import csrf_in

    token = csrf_in(owner.get("/client-imports/formats").body.decode())
    saved = owner.post(
        "/client-imports/formats/save",
        {
            "csrf_token": token,
            "sample": '{"header": ["Given", "Family", "Cell no"], "rows": []}',
            "version": "0",
            "name": "Their department format",
            "column_first_name": "1",
            "column_last_name": "2",
            "column_phone": "3",
        },
    )
    assert saved.status_code == 303
    page = owner.get("/client-imports/formats").body.decode()
    return re.findall(r"/client-imports/formats/([0-9a-f]+)", page)[-1]


def group_and_mass_text(owner, client_id: str, send_date: str) -> tuple[str, str]:
    """Kristina's group holding the target, and her mass text to it (for two days ahead)."""
    made = owner.post("/groups", {"name": "Matrix group"})
    group_id = made.headers["Location"].split("/")[2].split("?")[0]
    owner.post(f"/groups/{group_id}/add", {"client": client_id})
    started = owner.post(
        "/mass-texts",
        {
            "form_id": "ef" * 16,
            "pick": "group",
            "group": group_id,
            "body": "Matrix mass text",
            "when": "later",
            "send_date": send_date,
            "send_time": "09:30",
        },
    )
    assert started.status_code == 303, started.body[:300]
    return group_id, started.headers["Location"].split("/")[2].split("?")[0]


def tomorrow_there() -> str:
    """Two days ahead on the jurisdiction's clock: a day every scheduling probe may ask for,
    at any hour (the matrix checks who may, not when)."""
    from chalicelib.config import get_jurisdiction

    return (real_now().astimezone(get_jurisdiction().zone) + timedelta(days=2)).strftime("%Y-%m-%d")


def aim(probe: Probe, target: dict) -> tuple[str, dict]:
    path = probe.path.format(**target)
    form = {
        k: (fresh_phone() if v == "{fresh}" else v.format(**target)) for k, v in probe.form.items()
    }
    return path, form


ROUTES = sorted(PROBES)
# Signed-in outsiders may use the "own things" routes (their own caseload, their own
# sign-out); those cases are checked for leaks in the next test instead.
SAME_DEPARTMENT = {"case manager of another caseload"}
SUPERVISORS = {"supervisor of the other department"}
REFUSALS = [
    (route, outsider)
    for route in ROUTES
    for outsider, username in OUTSIDERS.items()
    if not (PROBES[route].scoped and username)
    and not (PROBES[route].department_wide and outsider in SAME_DEPARTMENT)
    and not (PROBES[route].supervisors and outsider in SUPERVISORS)
]


@pytest.mark.parametrize(
    ("route", "outsider"), REFUSALS, ids=[f"{o}: {r[1]} {r[0]}" for r, o in REFUSALS]
)
def test_outsiders_are_refused_and_change_nothing(route, outsider, web, target):
    probe = PROBES[route]
    username = OUTSIDERS[outsider]
    if username:
        web.sign_in(username)
    else:
        web.get("/signin")  # even with a valid CSRF token, no session means no entry
    path, form = aim(probe, target)
    with writes() as written:
        response = web.post(path, form) if route[1] == "POST" else web.get(path)
    assert written == [], f"{route} changed data for {outsider}: {written}"
    if username is None and probe.background:  # a poll: told it is signed out, as JSON
        assert response.status_code == 401
        assert "/signin?reason=required" in json.loads(response.body)["signin"]
    elif username is None:
        assert response.status_code == 303
        assert "/signin?reason=required" in response.headers["Location"]
    else:
        assert response.status_code in (403, 404), (response.status_code, response.body[:300])
        assert target["notes"] not in page_text(response)


OWN_PAGES = [
    (route, outsider)
    for route in ROUTES
    for outsider, username in OUTSIDERS.items()
    if route[1] == "GET"
    and username
    and (PROBES[route].scoped or (PROBES[route].supervisors and outsider in SUPERVISORS))
]


@pytest.mark.parametrize(
    ("route", "outsider"), OWN_PAGES, ids=[f"{o}: {r[0]}" for r, o in OWN_PAGES]
)
def test_pages_of_ones_own_things_never_show_someone_elses_client(route, outsider, web, target):
    web.sign_in(OUTSIDERS[outsider])
    path, _ = aim(PROBES[route], target)
    response = web.get(path)
    if response.status_code == 303:
        response = web.get(response.headers["Location"])
    assert response.status_code == 200
    assert target["client_id"] not in response.body.decode()
    assert "Matrix" not in page_text(response)  # neither the client nor the scheduled text
    if OUTSIDERS[outsider] in ("tom", "priya"):  # the other department's queue is not theirs
        # the whole number as pages show it: the last 4 digits alone also end the numbers
        # of the other department's own demo clients
        assert display_phone("+" + target["digits"]) not in page_text(response)
        assert target["digits"][1:] not in response.body.decode()  # links, data attributes


@pytest.mark.parametrize("insider", ["kristina", "dana"])
def test_the_owner_and_her_supervisor_do_get_in(insider, web, target):
    """The refusals above mean something only if the same requests work for insiders."""
    web.sign_in(insider)
    for route in ("/clients/{client_id}", "/clients/{client_id}/edit"):
        response = web.get(route.format(**target))
        assert response.status_code == 200, route
        assert "Target" in page_text(response)
    edit = web.get("/clients/{client_id}/scheduled/{scheduled_id}/edit".format(**target))
    assert edit.status_code == 200 and "Matrix reminder" in page_text(edit)
    path = "/clients/{client_id}/appointments/{appointment_id}/edit".format(**target)
    appointment = web.get(path)
    assert appointment.status_code == 200 and "Matrix court" in page_text(appointment)


def test_the_departments_supervisor_sees_its_scheduled_texts_and_its_case_managers_do_not(
    web, target
):
    web.sign_in("dana")
    listed = web.get("/scheduled")
    assert listed.status_code == 200 and "Matrix reminder" in page_text(listed)
    web.sign_in("kristina")
    assert web.get("/scheduled").status_code == 403


# saved replies (i20-replies)
def saved_replies_to_probe(owner, supervisor) -> dict[str, str]:
    """Kristina's own reply (it names the matrix: nobody else may ever see it) and one of
    her department's, kept by Dana."""
    made = {}
    for name, who, scope, wording in (
        ("personal_reply", owner, "mine", "Matrix personal reply"),
        ("department_reply", supervisor, "department", "The office is closed Monday"),
    ):
        page = who.get(f"/saved-replies/new?scope={scope}").body.decode()
        reply_id = re.search(r'name="reply_id" value="([0-9a-f]+)"', page).group(1)
        fields = {"scope": scope, "reply_id": reply_id, "version": "0", "english": wording}
        assert who.post("/saved-replies", fields).status_code == 303
        made[name] = reply_id
    return made
