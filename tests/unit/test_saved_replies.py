"""Saved replies without AWS: which wording a client gets, how it is filled, what a save
refuses, and who may keep which replies (the service on an in-memory store)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.clients import Client
from chalicelib.domain.errors import Forbidden, NotFound, ValidationFailed
from chalicelib.domain.saved_replies import (
    MAX_TITLE,
    MAX_WORDING,
    SavedReply,
    Scope,
    checked_reply,
    filled,
    primary_language,
    title_from,
)
from chalicelib.domain.users import Role, User
from chalicelib.services import saved_replies
from chalicelib.store.saved_replies import SavedReplyStore, StaleReply
from tests.fakes import FakeClientStore, FakeUserStore

KRISTINA = User("kristina", "Kristina Alvarez", "k@example.org", Role.CASE_MANAGER, "probation")
MARCUS = User("marcus", "Marcus Lee", "m@example.org", Role.CASE_MANAGER, "probation")
DANA = User("dana", "Dana Whitfield", "d@example.org", Role.SUPERVISOR, "probation")
PRIYA = User("priya", "Priya Raman", "p@example.org", Role.SUPERVISOR, "pretrial")
VALUES = {"first_name": "Rosa", "last_name": "Díaz", "case_manager": "Kristina Alvarez"}


class FakeSavedReplyStore(SavedReplyStore):
    """Keeps the real store's promises: versioned saves, deletes at a version, lists by
    department and owner."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, Scope, str, str], SavedReply] = {}
        self.writes = 0

    def listed(self, department_id: str, scope: Scope, owner_id: str = "") -> list[SavedReply]:
        owner = "" if scope is Scope.DEPARTMENT else owner_id
        found = [
            r for (d, s, o, _), r in self.rows.items() if (d, s, o) == (department_id, scope, owner)
        ]
        return sorted(found, key=lambda r: (r.title.casefold(), r.reply_id))

    def get(self, department_id, scope, owner_id, reply_id):  # type: ignore[no-untyped-def]
        owner = "" if scope is Scope.DEPARTMENT else owner_id
        return self.rows.get((department_id, scope, owner, reply_id))

    def save(self, department_id: str, reply: SavedReply, actor: str) -> SavedReply:
        self.writes += 1
        key = (department_id, reply.scope, reply.owner_id, reply.reply_id)
        now = self.rows.get(key)
        if (now.version if now else 0) != reply.version:
            raise StaleReply("saved reply")
        stored = replace(reply, version=reply.version + 1)
        self.rows[key] = stored
        return stored

    def delete(self, department_id: str, reply: SavedReply, actor: str) -> None:
        self.writes += 1
        key = (department_id, reply.scope, reply.owner_id, reply.reply_id)
        now = self.rows.get(key)
        if now is None or now.version != reply.version:
            raise StaleReply("saved reply deleted")
        del self.rows[key]


def form(**fields: str) -> dict[str, str]:
    base = {"scope": "mine", "reply_id": "a1" * 8, "version": "0", "english": "See you soon."}
    return {**base, **fields}


# --- the wording a client gets -------------------------------------------------------


def test_a_spanish_speaking_client_gets_the_spanish_wording():
    reply = SavedReply("a1" * 8, Scope.MINE, "kristina", "Late", "Running late?", "¿Va tarde?")
    assert reply.wording("es") == ("es", "¿Va tarde?")
    assert reply.wording("es-MX") == ("es", "¿Va tarde?")


def test_a_reply_without_spanish_falls_back_to_english_for_a_spanish_speaking_client():
    reply = SavedReply("a1" * 8, Scope.MINE, "kristina", "Late", "Running late?", "  ")
    assert reply.wording("es") == ("en", "Running late?")


def test_an_english_speaking_or_unknown_language_client_gets_english():
    reply = SavedReply("a1" * 8, Scope.MINE, "kristina", "Late", "Running late?", "¿Va tarde?")
    assert reply.wording("en") == ("en", "Running late?")
    assert reply.wording("vi") == ("en", "Running late?")
    assert reply.wording("") == ("en", "Running late?")


def test_languages_are_read_by_their_primary_subtag():
    assert primary_language("ES_us") == "es"
    assert primary_language("") == "en"


# --- filling -------------------------------------------------------------------------


def test_placeholders_are_filled_with_the_clients_names_in_their_language():
    reply = SavedReply(
        "a1" * 8,
        Scope.DEPARTMENT,
        "",
        "Office closed",
        "Hi {first_name} {last_name}, {case_manager} here: the office is closed Monday.",
        "Hola {first_name}, soy {case_manager}: la oficina cierra el lunes.",
    )
    english = filled(reply, "en", VALUES)
    spanish = filled(reply, "es", VALUES)
    assert english.text == "Hi Rosa Díaz, Kristina Alvarez here: the office is closed Monday."
    assert spanish.text == "Hola Rosa, soy Kristina Alvarez: la oficina cierra el lunes."
    assert (spanish.language, spanish.title) == ("es", "Office closed")


def test_braces_and_markup_in_a_name_or_a_wording_stay_text():
    reply = SavedReply("a1" * 8, Scope.MINE, "k", "x", "<b>Hi</b> {first_name}")
    done = filled(reply, "en", {**VALUES, "first_name": "{last_name}<script>"})
    assert done.text == "<b>Hi</b> {last_name}<script>"


# --- checks on save ------------------------------------------------------------------


def test_a_reply_without_english_wording_is_refused_with_every_problem_at_once():
    with pytest.raises(ValidationFailed) as refused:
        checked_reply(
            {"english": " \u200b ", "spanish": "Hola {nombre}", "title": "x" * (MAX_TITLE + 1)},
            "a1" * 8,
            Scope.MINE,
            "kristina",
            0,
        )
    errors = refused.value.field_errors
    assert set(errors) == {"english", "spanish", "title"}
    assert "English" in errors["english"]
    assert "{nombre} is not a placeholder" in errors["spanish"]


def test_an_unknown_placeholder_or_a_stray_brace_is_refused_naming_the_allowed_ones():
    for wording in ("Hi {date}", "Hi {first_name", "Hi {0.__class__}"):
        with pytest.raises(ValidationFailed) as refused:
            checked_reply({"english": wording}, "a1" * 8, Scope.MINE, "k", 0)
        assert "english" in refused.value.field_errors, wording


def test_a_wording_longer_than_the_limit_is_refused_with_its_length():
    with pytest.raises(ValidationFailed) as refused:
        checked_reply({"english": "a" * (MAX_WORDING + 1)}, "a1" * 8, Scope.MINE, "k", 0)
    assert str(MAX_WORDING + 1) in refused.value.field_errors["english"]


def test_a_reply_saved_without_a_name_is_named_by_its_first_words():
    reply = checked_reply(
        {"english": "Thanks for letting me know.\r\nSee you Thursday at the office, as planned."},
        "a1" * 8,
        Scope.MINE,
        "k",
        0,
    )
    assert (
        reply.english == "Thanks for letting me know.\nSee you Thursday at the office, as planned."
    )
    assert reply.title == title_from(reply.english)
    assert reply.title.endswith("…") and len(reply.title) <= 41


# --- who keeps what (the service) ----------------------------------------------------


def test_a_case_manager_keeps_her_own_replies_and_nobody_else_sees_them():
    store = FakeSavedReplyStore()
    saved_replies.save_reply(KRISTINA, store, form(title="Mine"))
    assert [r.title for r in saved_replies.replies_of(KRISTINA, store).mine] == ["Mine"]
    assert saved_replies.replies_of(MARCUS, store).mine == []
    assert saved_replies.replies_of(DANA, store).mine == []
    with pytest.raises(NotFound):
        saved_replies.open_reply(MARCUS, store, "mine", "a1" * 8)


def test_a_case_manager_cannot_add_change_or_delete_department_replies():
    store = FakeSavedReplyStore()
    saved_replies.save_reply(DANA, store, form(scope="department", title="Closed"))
    for attempt in (
        lambda: saved_replies.save_reply(KRISTINA, store, form(scope="department")),
        lambda: saved_replies.save_reply(
            KRISTINA, store, form(scope="department", version="1", english="Hijacked")
        ),
        lambda: saved_replies.delete_reply(
            KRISTINA, store, "department", "a1" * 8, {"version": "1"}
        ),
        lambda: saved_replies.blank_reply(KRISTINA, "department"),
    ):
        with pytest.raises(Forbidden):
            attempt()
    assert store.writes == 1
    assert [r.title for r in saved_replies.replies_of(KRISTINA, store).department] == ["Closed"]


def test_another_departments_supervisor_never_reaches_a_departments_replies():
    store = FakeSavedReplyStore()
    saved_replies.save_reply(DANA, store, form(scope="department", title="Closed"))
    assert saved_replies.replies_of(PRIYA, store).department == []
    with pytest.raises(NotFound):
        saved_replies.save_reply(PRIYA, store, form(scope="department", version="1"))
    with pytest.raises(NotFound):
        saved_replies.delete_reply(PRIYA, store, "department", "a1" * 8, {"version": "1"})
    assert store.writes == 1


def test_an_edit_from_a_stale_form_is_refused_and_the_same_form_sent_twice_saves_once():
    store = FakeSavedReplyStore()
    saved_replies.save_reply(KRISTINA, store, form(title="First"))
    again = saved_replies.save_reply(KRISTINA, store, form(title="First"))  # double submit
    assert again.version == 1 and len(store.rows) == 1
    saved_replies.save_reply(KRISTINA, store, form(version="1", title="Second"))
    with pytest.raises(ValidationFailed) as refused:
        saved_replies.save_reply(KRISTINA, store, form(version="1", title="Third"))
    assert "version" in refused.value.field_errors
    assert saved_replies.open_reply(KRISTINA, store, "mine", "a1" * 8).title == "Second"


def test_deleting_from_a_stale_page_is_refused():
    store = FakeSavedReplyStore()
    saved_replies.save_reply(KRISTINA, store, form(title="First"))
    saved_replies.save_reply(KRISTINA, store, form(version="1", title="Second"))
    with pytest.raises(ValidationFailed):
        saved_replies.delete_reply(KRISTINA, store, "mine", "a1" * 8, {"version": "1"})
    saved_replies.delete_reply(KRISTINA, store, "mine", "a1" * 8, {"version": "2"})
    assert store.rows == {}


def test_the_picker_fills_each_reply_for_the_client_in_their_language():
    store = FakeSavedReplyStore()
    clients = FakeClientStore()
    rosa = clients.seed(
        Client("c1", "probation", "kristina", "Rosa", "Díaz", "+18015550111", language="es")
    )
    users = FakeUserStore(KRISTINA, DANA)
    saved_replies.save_reply(
        KRISTINA,
        store,
        form(english="Hi {first_name}", spanish="Hola {first_name}, soy {case_manager}"),
    )
    saved_replies.save_reply(
        DANA, store, form(scope="department", reply_id="b2" * 8, english="Closed {last_name}")
    )
    mine = saved_replies.filled_for_client(KRISTINA, clients, users, store, rosa.client_id)
    assert [r.text for r in mine.mine] == ["Hola Rosa, soy Kristina Alvarez"]
    assert [(r.text, r.language) for r in mine.department] == [("Closed Díaz", "en")]
    # her supervisor sees the client's case manager named, and only her own replies
    theirs = saved_replies.filled_for_client(DANA, clients, users, store, rosa.client_id)
    assert theirs.mine == [] and len(theirs.department) == 1
    with pytest.raises((Forbidden, NotFound)):
        saved_replies.filled_for_client(MARCUS, clients, users, store, rosa.client_id)
