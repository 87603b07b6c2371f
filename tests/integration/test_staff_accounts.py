"""Admins manage staff accounts on /staff: invite (Cognito e-mails a temporary password),
change role and department, deactivate (clients moved first, signed out everywhere, open
pages closed at once), reactivate. Every change is audited; nobody else may do any of it."""

from __future__ import annotations

import re
import secrets

import boto3
import pytest

from chalicelib.domain.clients import Client
from chalicelib.domain.users import Role
from chalicelib.store.staff_changes import staff_subject
from tests.aws_calls import writes
from tests.helpers import WebVisitor, fresh_phone, page_text
from tests.integration.session_tools import PASSWORD, new_staff
from tests.integration.test_pushed_updates import connect_url
from tests.socket_client import SocketListener

PATIENCE = 30.0  # seconds: a push on a busy machine, never a measure of speed
NEW_PASSWORD = "Chosen-by-them-1!"


def changed(written: list[str]) -> list[str]:
    """``writes()`` counts every call not named as a read; AdminGetUser only reads."""
    return [call for call in written if call != "cognito-idp:AdminGetUser"]


def audit_actions(user_id: str) -> list[str]:
    from chalicelib.store.models import AuditModel

    return [row.action for row in AuditModel.query(staff_subject(user_id))]


def cognito_user(stack, username: str) -> dict:
    return boto3.client("cognito-idp").admin_get_user(
        UserPoolId=stack.resources.user_pool_id, Username=username
    )


def client_of(stores, case_manager_id: str) -> Client:
    token = secrets.token_hex(4)
    return stores.clients.add(
        Client(f"staff-{token}", "probation", case_manager_id, "Moved", token, fresh_phone())
    )


def seen(person) -> dict[str, str]:
    """The hidden fields of the person's page: the record as the admin saw it."""
    return {
        "seen_role": person.role.value,
        "seen_department": person.department_id,
        "seen_active": "yes" if person.active else "no",
    }


@pytest.fixture()
def admin(stack, stores, http) -> WebVisitor:
    person = new_staff(stack, stores, Role.ADMIN)
    return WebVisitor(http).sign_in(person.user_id, PASSWORD)


def test_an_invited_case_manager_signs_in_with_the_temporary_password_and_chooses_their_own(
    stack, stores, http, admin
):
    username = f"invited{secrets.token_hex(3)}"
    admin.get("/staff")
    form = {
        "display_name": "Ines Invited",
        "username": username,
        "email": f"{username}@example.invalid",
        "role": "case_manager",
        "department_id": "probation",
    }
    sent = admin.post("/staff", form)
    assert sent.status_code == 303 and sent.headers["Location"] == f"/staff/{username}?done=invited"
    assert "Invitation sent" in page_text(admin.get(sent.headers["Location"]))
    assert cognito_user(stack, username)["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert stores.users.get(username).role is Role.CASE_MANAGER
    assert audit_actions(username) == ["staff_invited"]

    admin.get("/staff")
    again = admin.post("/staff", form)  # a double click, or the same invitation resent
    assert again.headers["Location"] == f"/staff/{username}?done=already"
    assert audit_actions(username) == ["staff_invited"]

    # Cognito e-mails the temporary password (moto sends no mail): the test sets one.
    boto3.client("cognito-idp").admin_set_user_password(
        UserPoolId=stack.resources.user_pool_id,
        Username=username,
        Password="Temporary-pass-7!",
        Permanent=False,
    )
    newcomer = WebVisitor(http)
    newcomer.get("/signin")
    asked = newcomer.post("/signin", {"username": username, "password": "Temporary-pass-7!"})
    assert "Choose a new password" in page_text(asked)
    done = newcomer.post(
        "/signin/challenge", {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert done.status_code == 303
    assert newcomer.get("/caseload").status_code == 200


def test_an_invitation_with_a_taken_username_or_bad_details_is_refused_and_changes_nothing(
    admin,
):
    admin.get("/staff")
    with writes() as written:
        taken = admin.post(
            "/staff",
            {
                "display_name": "Not Kristina",
                "username": "kristina",
                "email": "other@example.invalid",
                "role": "admin",
                "department_id": "probation",
            },
        )
        bad = admin.post(
            "/staff",
            {"display_name": "", "username": "A!", "email": "nope", "role": "x"},
            csrf=re.search(r'name="csrf_token" value="([^"]+)"', admin.last_page).group(1),
        )
    assert changed(written) == []
    assert taken.status_code == 400 and "already taken" in page_text(taken)
    assert bad.status_code == 400
    for field in ("display_name", "username", "email", "role", "department_id"):
        assert f'id="{field}-error"' in bad.body.decode()


def test_deactivating_moves_the_clients_closes_the_pages_and_ends_every_session(
    stack, stores, http, admin
):
    person = new_staff(stack, stores)
    colleague = new_staff(stack, stores)
    client = client_of(stores, person.user_id)
    visitor = WebVisitor(http).sign_in(person.user_id, PASSWORD)
    caseload = visitor.get("/caseload").body.decode()
    admin.get(f"/staff/{person.user_id}")
    with SocketListener(connect_url(caseload)) as listing:
        refused = admin.post(f"/staff/{person.user_id}/deactivate", seen(person))
        assert refused.status_code == 400 and "Choose who takes over" in page_text(refused)
        assert stores.users.get(person.user_id).active

        done = admin.post(
            f"/staff/{person.user_id}/deactivate",
            {**seen(person), "move_to": colleague.user_id},
        )
        assert done.status_code == 303
        assert listing.next("signed-out", timeout=PATIENCE)["reason"] == "expired"
        assert listing.closed.wait(PATIENCE)
    assert stores.clients.get(client.client_id).case_manager_id == colleague.user_id
    assert not stores.users.get(person.user_id).active
    assert cognito_user(stack, person.user_id)["Enabled"] is False
    assert audit_actions(person.user_id) == ["staff_deactivated"]
    left = visitor.get("/caseload")
    assert left.status_code == 303 and "/signin" in left.headers["Location"]

    back = stores.users.get(person.user_id)
    admin.get(f"/staff/{person.user_id}")
    assert admin.post(f"/staff/{person.user_id}/reactivate", seen(back)).status_code == 303
    assert cognito_user(stack, person.user_id)["Enabled"] is True
    assert audit_actions(person.user_id) == ["staff_deactivated", "staff_reactivated"]
    kept_cookie = visitor.get("/caseload")  # a session of before is not revived
    assert kept_cookie.status_code == 303 and "/signin" in kept_cookie.headers["Location"]
    assert WebVisitor(http).sign_in(person.user_id, PASSWORD).get("/caseload").status_code == 200


def test_a_demoted_supervisors_open_page_is_closed_at_once(stack, stores, http, admin):
    supervisor = new_staff(stack, stores, Role.SUPERVISOR)
    page = WebVisitor(http).sign_in(supervisor.user_id, PASSWORD).get("/caseload").body.decode()
    admin.get(f"/staff/{supervisor.user_id}")
    with SocketListener(connect_url(page)) as listing:
        changed = admin.post(
            f"/staff/{supervisor.user_id}/place",
            {**seen(supervisor), "role": "case_manager", "department_id": "probation"},
        )
        assert changed.status_code == 303
        assert listing.next("signed-out", timeout=PATIENCE)["reason"] == "expired"
        assert listing.closed.wait(PATIENCE)
    assert stores.users.get(supervisor.user_id).role is Role.CASE_MANAGER
    assert audit_actions(supervisor.user_id) == ["staff_role_changed"]


def test_a_change_from_a_page_someone_else_has_since_changed_is_refused(stack, stores, admin):
    person = new_staff(stack, stores)
    admin.get(f"/staff/{person.user_id}")
    stale = {**seen(person), "seen_role": "supervisor"}
    with writes() as written:
        refused = admin.post(
            f"/staff/{person.user_id}/place",
            {**stale, "role": "admin", "department_id": "pretrial"},
        )
    assert written == []
    assert refused.status_code == 409
    assert stores.users.get(person.user_id).role is Role.CASE_MANAGER


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.SUPERVISOR])
def test_only_admins_reach_the_staff_pages(stack, stores, http, role):
    """The matrix covers outsiders of other caseloads and departments; this is the
    department's own supervisor, who oversees everything else there."""
    insider = WebVisitor(http).sign_in(new_staff(stack, stores, role).user_id, PASSWORD)
    assert insider.get("/staff").status_code == 403
    assert insider.get("/staff/kristina").status_code == 403
    assert 'href="/staff"' not in insider.get("/caseload").body.decode()  # no menu link
    with writes() as written:
        refused = insider.post(
            "/staff/kristina/deactivate",
            {"seen_role": "case_manager", "seen_department": "probation", "seen_active": "yes"},
        )
    assert refused.status_code == 403 and written == []


def test_every_admins_open_staff_page_hears_of_a_change_and_nobody_elses_does(
    stack, stores, http, admin
):
    other_admin = new_staff(stack, stores, Role.ADMIN, "pretrial")
    watching = WebVisitor(http).sign_in(other_admin.user_id, PASSWORD).get("/staff")
    case_manager = WebVisitor(http).sign_in(new_staff(stack, stores).user_id, PASSWORD)
    bystander = case_manager.get("/caseload")
    person = new_staff(stack, stores)
    admin.get(f"/staff/{person.user_id}")
    with (
        SocketListener(connect_url(watching.body.decode())) as admins_page,
        SocketListener(connect_url(bystander.body.decode())) as case_managers_page,
    ):
        changed = admin.post(
            f"/staff/{person.user_id}/place",
            {**seen(person), "role": "supervisor", "department_id": "probation"},
        )
        assert changed.status_code == 303
        assert admins_page.next("settings", timeout=PATIENCE)["what"] == "staff"
        assert not [
            m for m in list(case_managers_page.received.queue) if m.get("type") == "settings"
        ]
    refreshed = WebVisitor(http).sign_in(other_admin.user_id, PASSWORD).get("/staff")
    assert 'data-refresh-on="settings-staff"' in refreshed.body.decode()


def test_a_case_manager_moves_department_only_once_their_clients_have_moved(stack, stores, admin):
    person = new_staff(stack, stores)
    colleague = new_staff(stack, stores)
    client = client_of(stores, person.user_id)
    admin.get(f"/staff/{person.user_id}")
    moving = {**seen(person), "role": "case_manager", "department_id": "pretrial"}
    refused = admin.post(f"/staff/{person.user_id}/place", moving)
    assert refused.status_code == 400 and "Choose who takes over" in page_text(refused)
    assert stores.users.get(person.user_id).department_id == "probation"

    placed = admin.post(f"/staff/{person.user_id}/place", {**moving, "move_to": colleague.user_id})
    assert placed.status_code == 303
    assert stores.users.get(person.user_id).department_id == "pretrial"
    assert stores.clients.get(client.client_id).case_manager_id == colleague.user_id


def test_an_admin_cannot_demote_or_deactivate_themselves(stack, stores, http):
    me = new_staff(stack, stores, Role.ADMIN)
    web = WebVisitor(http).sign_in(me.user_id, PASSWORD)
    own_page = web.get(f"/staff/{me.user_id}")
    assert "This is you" in page_text(own_page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', own_page.body.decode()).group(1)
    with writes() as written:
        demoted = web.post(
            f"/staff/{me.user_id}/place",
            {**seen(me), "role": "case_manager", "department_id": "probation"},
            csrf=token,
        )
        gone = web.post(f"/staff/{me.user_id}/deactivate", seen(me), csrf=token)
    assert demoted.status_code == 403 and gone.status_code == 403
    assert changed(written) == []
    assert stores.users.get(me.user_id).role is Role.ADMIN
