"""Unread-text mail: one mail per person who asked for it, counts and a link only."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.clients import Client
from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
from chalicelib.domain.users import Role, User
from chalicelib.services.notifications import send_unread_notifications
from chalicelib.store.clients import MAX_CASELOAD, UnmailedTexts
from chalicelib.store.inbound import InboundChange
from tests.clock import real_now
from tests.fakes import (
    FakeClientStore,
    FakeEmailGateway,
    FakeInboundStore,
    FakeUserStore,
    new_sid,
)

APP_URL = "https://clientcomm.example.gov/"
TEXT = "my ride fell through, can we move it"


def staff(user_id: str, wants_mail: bool = True, active: bool = True) -> User:
    email = f"{user_id}@county.invalid"
    return User(user_id, user_id.title(), email, Role.CASE_MANAGER, "probation", active, wants_mail)


@pytest.fixture()
def mail() -> FakeEmailGateway:
    return FakeEmailGateway()


def texts_arrive(inbound: FakeInboundStore, client: Client, count: int = 1) -> None:
    for _ in range(count):
        sid = new_sid()
        entry = ConversationEntry(
            client.client_id,
            sid,
            real_now(),
            EntryKind.TEXT,
            TEXT,
            Direction.INBOUND,
            client.phone,
            "received",
            sid=sid,
        )
        assert inbound.store_inbound(client, entry, InboundChange()).stored


def test_one_mail_per_opted_in_person_sums_their_clients_unread(new_client, clients, inbound, mail):
    first, second = new_client(), new_client(phone="+13035550102")
    texts_arrive(inbound, first, 2)
    texts_arrive(inbound, second, 1)

    sent = send_unread_notifications(clients, FakeUserStore(staff("kristina")), mail, APP_URL)

    assert sent == 1
    [only] = mail.sent
    assert only.to == "kristina@county.invalid"
    assert only.subject == "ClientComm: 3 unread texts"
    assert "3 unread texts from 2 clients" in only.text


def test_each_person_gets_their_own_mail(new_client, clients, inbound, mail):
    texts_arrive(inbound, new_client(case_manager_id="kristina"))
    texts_arrive(inbound, new_client(phone="+13035550102", case_manager_id="ana"), 2)
    users = FakeUserStore(staff("kristina"), staff("ana"))

    assert send_unread_notifications(clients, users, mail, APP_URL) == 2

    subjects = {m.to: m.subject for m in mail.sent}
    assert subjects == {
        "kristina@county.invalid": "ClientComm: 1 unread text",
        "ana@county.invalid": "ClientComm: 2 unread texts",
    }


@pytest.mark.parametrize(
    "people",
    [
        [staff("kristina", wants_mail=False)],
        [staff("kristina", active=False)],
        [],  # the case manager's record is gone
    ],
)
def test_nobody_is_mailed_who_did_not_opt_in_or_cannot_sign_in(
    new_client, clients, inbound, mail, people
):
    texts_arrive(inbound, new_client())

    sent = send_unread_notifications(clients, FakeUserStore(*people), mail, APP_URL)

    assert sent == 0 and mail.sent == []
    assert clients.with_unmailed_texts() == []


def test_every_client_is_taken_off_the_index_and_nobody_is_mailed_twice(
    new_client, clients, inbound, mail
):
    for n in range(3):
        texts_arrive(inbound, new_client(phone=f"+1303555010{n}"))
    users = FakeUserStore(staff("kristina"))

    send_unread_notifications(clients, users, mail, APP_URL)
    again = send_unread_notifications(clients, users, mail, APP_URL)

    assert clients.with_unmailed_texts() == []
    assert again == 0 and len(mail.sent) == 1


def test_a_client_whose_texts_were_read_leaves_the_index_without_a_mail(
    new_client, clients, inbound, mail
):
    client = new_client()
    texts_arrive(inbound, client)
    inbound.mark_read(clients.get(client.client_id), "kristina")

    sent = send_unread_notifications(clients, FakeUserStore(staff("kristina")), mail, APP_URL)

    assert sent == 0
    assert clients.with_unmailed_texts() == []


def test_a_text_that_arrives_while_mailing_keeps_its_client_on_the_index(mail):
    class TextArrivesMeanwhile(FakeClientStore):
        def with_unmailed_texts(self, limit: int = MAX_CASELOAD) -> list[UnmailedTexts]:
            due = super().with_unmailed_texts(limit)
            texts_arrive(inbound, self.clients[client.client_id])
            return due

    clients = TextArrivesMeanwhile()
    inbound = FakeInboundStore(clients)
    client = clients.add(Client("c1", "probation", "kristina", "Maria", "Lopez", "+13035550101"))
    texts_arrive(inbound, client)

    send_unread_notifications(clients, FakeUserStore(staff("kristina")), mail, APP_URL)

    assert [m.subject for m in mail.sent] == ["ClientComm: 1 unread text"]
    assert [(d.client_id, d.unread) for d in clients.with_unmailed_texts()] == [("c1", 2)]


def test_a_quiet_minute_asks_nobody_anything(clients, mail):
    users = FakeUserStore(staff("kristina"))

    assert send_unread_notifications(clients, users, mail, APP_URL) == 0
    assert users.asked == [] and mail.sent == []


def test_the_mail_carries_counts_and_a_link_but_no_names_or_texts(
    new_client, clients, inbound, mail
):
    client = new_client()
    texts_arrive(inbound, client)

    send_unread_notifications(clients, FakeUserStore(staff("kristina")), mail, APP_URL)

    [only] = mail.sent
    assert "https://clientcomm.example.gov/caseload?order=unread" in only.text
    for private in (client.first_name, client.last_name, client.phone, TEXT):
        assert private not in only.text and private not in only.subject


def test_staff_are_read_in_one_call_for_everyone_due(new_client, clients, inbound, mail):
    for n, person in enumerate(("kristina", "ana", "kristina")):
        texts_arrive(inbound, new_client(phone=f"+1303555010{n}", case_manager_id=person))
    users = FakeUserStore(staff("kristina"), replace(staff("ana"), email_notifications=False))

    send_unread_notifications(clients, users, mail, APP_URL)

    assert [sorted(ids) for ids in users.asked] == [["ana", "kristina"]]
