"""Saved replies through the app on moto: saving, editing, a stale form, deleting, who sees
which replies, and the compose box's list filled in for a client (issue 20, item 4)."""

from __future__ import annotations

import re
import secrets

import pytest

from chalicelib.domain.clients import Client
from chalicelib.domain.users import Role
from tests.aws_calls import writes
from tests.dynamodb_calls import counting, total
from tests.helpers import WebVisitor, csrf_in, fresh_phone, page_text
from tests.integration.session_tools import PASSWORD, new_staff

pytestmark = pytest.mark.any_hour  # audit rows are stamped, nothing depends on the hour
BACKGROUND = {"X-ClientComm-Background": "1"}


def visitor(http, user) -> WebVisitor:
    return WebVisitor(http).sign_in(user.user_id, PASSWORD)


def new_reply(who: WebVisitor, scope: str = "mine", **fields: str):
    """Open the "add" form (which picks the reply's id) and save it; the id and answer."""
    form = who.get(f"/saved-replies/new?scope={scope}")
    assert form.status_code == 200, form.body[:300]
    reply_id = re.search(r'name="reply_id" value="([0-9a-f]+)"', form.body.decode()).group(1)
    sent = {"scope": scope, "reply_id": reply_id, "version": "0", **fields}
    return reply_id, who.post("/saved-replies", sent)


def client_of(stores, case_manager, language: str = "en", first: str = "Rosa") -> Client:
    return stores.clients.add(
        Client(
            secrets.token_hex(10),
            case_manager.department_id,
            case_manager.user_id,
            first,
            "Díaz",
            fresh_phone(),
            language=language,
        )
    )


def picker(who: WebVisitor, client: Client) -> str:
    answer = who.get(f"/clients/{client.client_id}/saved-replies", headers=BACKGROUND)
    assert answer.status_code == 200, answer.body[:300]
    return page_text(answer)


def test_a_case_manager_saves_edits_and_deletes_her_own_reply_each_with_an_audit_row(
    http, stack, stores
):
    me = new_staff(stack, stores)
    browser = visitor(http, me)
    reply_id, saved = new_reply(browser, title="Running late", english="Running late? Text me.")
    assert saved.status_code == 303 and "done=saved" in saved.headers["Location"]
    listed = page_text(browser.get("/saved-replies"))
    assert "Running late" in listed and "Text me." in listed
    edit = browser.get(f"/saved-replies/mine/{reply_id}")
    assert 'name="version" value="1"' in edit.body.decode()
    changed = browser.post(
        "/saved-replies",
        {"scope": "mine", "reply_id": reply_id, "version": "1", "english": "Call me."},
    )
    assert changed.status_code == 303
    assert "Call me." in page_text(browser.get("/saved-replies"))
    gone = browser.post(f"/saved-replies/mine/{reply_id}/delete", {"version": "2"})
    assert gone.status_code == 303 and "done=deleted" in gone.headers["Location"]
    assert "Call me." not in page_text(browser.get("/saved-replies"))
    trail = [
        e
        for e in stores.audit.trail(f"department#{me.department_id}", limit=500)
        if e.details.get("reply") == reply_id
    ]
    assert sorted(e.action for e in trail) == ["saved_reply", "saved_reply", "saved_reply_deleted"]
    assert {e.actor for e in trail} == {me.user_id}


def test_a_stale_edit_is_refused_with_409_keeping_what_was_typed_beside_what_is_saved(
    http, stack, stores
):
    me = new_staff(stack, stores)
    first, second = visitor(http, me), visitor(http, me)
    reply_id, _ = new_reply(first, english="Version one")
    first.get(f"/saved-replies/mine/{reply_id}")
    second.get(f"/saved-replies/mine/{reply_id}")
    assert (
        first.post(
            "/saved-replies",
            {"scope": "mine", "reply_id": reply_id, "version": "1", "english": "From tab one"},
        ).status_code
        == 303
    )
    late = second.post(
        "/saved-replies",
        {"scope": "mine", "reply_id": reply_id, "version": "1", "english": "From tab two"},
    )
    assert late.status_code == 409
    shown = page_text(late)
    assert "From tab two" in shown  # the form as typed
    assert "From tab one" in shown  # what is saved now, beside it
    assert 'name="version" value="2"' in late.body.decode()  # saving again is deliberate
    stored = stores.saved_replies.get(me.department_id, _mine(), me.user_id, reply_id)
    assert stored.english == "From tab one" and stored.version == 2


def test_a_refused_save_names_every_problem_and_keeps_the_form(http, stack, stores):
    me = new_staff(stack, stores)
    browser = visitor(http, me)
    with writes() as written:
        _, refused = new_reply(browser, english="Hi {date}", spanish="Hola {first_name")
    assert refused.status_code == 400
    assert written == []
    shown = page_text(refused)
    assert "{date} is not a placeholder" in shown and "has no partner" in shown
    assert "Hola {first_name" in shown


def test_the_same_add_form_sent_twice_saves_one_reply(http, stack, stores):
    me = new_staff(stack, stores)
    browser = visitor(http, me)
    reply_id, first = new_reply(browser, english="Once")
    again = browser.post(
        "/saved-replies", {"scope": "mine", "reply_id": reply_id, "version": "0", "english": "Once"}
    )
    assert (first.status_code, again.status_code) == (303, 303)
    mine = stores.saved_replies.listed(me.department_id, _mine(), me.user_id)
    assert [r.reply_id for r in mine] == [reply_id]


def test_personal_replies_are_their_owners_and_department_replies_their_departments(
    http, stack, stores
):
    owner = new_staff(stack, stores)
    colleague = new_staff(stack, stores)
    supervisor = new_staff(stack, stores, Role.SUPERVISOR)
    elsewhere = new_staff(stack, stores, Role.SUPERVISOR, department="pretrial")
    mark = secrets.token_hex(4)
    new_reply(visitor(http, owner), english=f"Personal {mark}")
    boss = visitor(http, supervisor)
    _, saved = new_reply(boss, "department", english=f"Department {mark}")
    assert saved.status_code == 303
    assert f"Personal {mark}" not in page_text(boss.get("/saved-replies"))
    other = page_text(visitor(http, colleague).get("/saved-replies"))
    assert f"Department {mark}" in other and f"Personal {mark}" not in other
    assert mark not in page_text(visitor(http, elsewhere).get("/saved-replies"))
    # the compose box of the owner's client offers both; her colleague can't open it
    client = client_of(stores, owner)
    offered = picker(visitor(http, owner), client)
    assert f"Personal {mark}" in offered and f"Department {mark}" in offered
    refused = visitor(http, colleague).get(
        f"/clients/{client.client_id}/saved-replies", headers=BACKGROUND
    )
    assert refused.status_code in (403, 404) and mark not in page_text(refused)


def test_a_case_manager_cannot_add_or_change_department_replies(http, stack, stores):
    supervisor = new_staff(stack, stores, Role.SUPERVISOR)
    reply_id, _ = new_reply(visitor(http, supervisor), "department", english="Shared")
    me = visitor(http, new_staff(stack, stores))
    assert me.get("/saved-replies/new?scope=department").status_code == 403
    assert me.get(f"/saved-replies/department/{reply_id}").status_code == 403
    listed = me.get("/saved-replies").body.decode()
    assert f"/saved-replies/department/{reply_id}" not in listed  # no edit or delete offered
    token = csrf_in(listed)
    with writes() as written:
        edit = me.post(
            "/saved-replies",
            {"scope": "department", "reply_id": reply_id, "version": "1", "english": "Mine now"},
            token,
        )
        delete = me.post(f"/saved-replies/department/{reply_id}/delete", {"version": "1"}, token)
    assert (edit.status_code, delete.status_code) == (403, 403)
    assert written == []


def test_a_spanish_speaking_client_gets_the_spanish_wording_filled_in(http, stack, stores):
    me = new_staff(stack, stores)
    browser = visitor(http, me)
    new_reply(
        browser,
        title="Office closed",
        english="Hi {first_name}, the office is closed Monday. {case_manager}",
        spanish="Hola {first_name}, la oficina cierra el lunes. {case_manager}",
    )
    new_reply(browser, title="English only", english="See you, {first_name} {last_name}.")
    spanish = picker(browser, client_of(stores, me, "es", "Lucía"))
    assert f"Hola Lucía, la oficina cierra el lunes. {me.display_name}" in spanish
    assert "See you, Lucía Díaz." in spanish  # no Spanish wording: the English one
    assert "the office is closed" not in spanish
    english = picker(browser, client_of(stores, me, "en", "Sam"))
    assert f"Hi Sam, the office is closed Monday. {me.display_name}" in english


def test_markup_in_a_reply_or_a_name_is_shown_as_text(http, stack, stores):
    me = new_staff(stack, stores)
    browser = visitor(http, me)
    new_reply(browser, title="<i>t</i>", english="<b>Hi</b> {first_name}")
    answer = browser.get(
        f"/clients/{client_of(stores, me, first='<img src=x>').client_id}/saved-replies",
        headers=BACKGROUND,
    ).body.decode()
    assert "<b>" not in answer and "<img" not in answer and "<i>" not in answer
    assert "&lt;b&gt;Hi&lt;/b&gt; &lt;img src=x&gt;" in answer
    assert "<b>" not in browser.get("/saved-replies").body.decode()


def test_deleting_from_a_page_shown_before_an_edit_is_refused_with_409(http, stack, stores):
    me = new_staff(stack, stores)
    first, second = visitor(http, me), visitor(http, me)
    reply_id, _ = new_reply(first, english="Before")
    second.get("/saved-replies")  # the delete button carries version 1
    token = csrf_in(second.last_page)
    first.get(f"/saved-replies/mine/{reply_id}")
    first.post(
        "/saved-replies",
        {"scope": "mine", "reply_id": reply_id, "version": "1", "english": "After"},
    )
    late = second.post(f"/saved-replies/mine/{reply_id}/delete", {"version": "1"}, token)
    assert late.status_code == 409
    assert "was not deleted" in page_text(late) and "After" in page_text(late)
    assert stores.saved_replies.get(me.department_id, _mine(), me.user_id, reply_id) is not None


def test_the_picker_costs_the_session_batch_and_two_queries(http, stack, stores):
    """Asked only when the picker opens; the client page itself keeps its round trips."""
    me = new_staff(stack, stores)
    browser = visitor(http, me)
    new_reply(browser, english="Counted")
    client = client_of(stores, me)
    picker(browser, client)
    with counting() as calls:
        picker(browser, client)
    assert calls["Query"] == 2, calls
    assert total(calls) == 3, calls


def _mine():
    from chalicelib.domain.saved_replies import Scope

    return Scope.MINE
