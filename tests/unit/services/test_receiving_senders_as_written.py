"""A sender (and a department number) Twilio wrote as numbers are stored is looked up as it
came, with no phone-number parser (phonenumbers costs a cold Lambda ~14 ms to load); any
other writing, and a sender not found as written, is parsed as before, so every number
routes exactly where the parser alone would have sent it."""

from __future__ import annotations

import pytest

from chalicelib.domain.senders import normalise_sender
from chalicelib.services import receiving
from chalicelib.services.receiving import InboundText, receive_text
from tests.fakes import FakeClientStore, new_sid

from .county import PROBATION_NUMBER


class CountedRoutes(FakeClientStore):
    """Counts route lookups, and with which numbers."""

    def __init__(self) -> None:
        super().__init__()
        self.looked_up: list[str] = []

    def route(self, department_id: str, phone: str) -> tuple[str, bool] | None:
        self.looked_up.append(phone)
        return super().route(department_id, phone)


@pytest.fixture()
def clients() -> CountedRoutes:
    return CountedRoutes()


@pytest.fixture()
def no_parser(monkeypatch):
    def refuse(raw: str, region: str = "US") -> str:
        raise AssertionError(f"the parser read {raw!r}")

    monkeypatch.setattr(receiving, "normalise_sender", refuse)


def received(jurisdiction, clients, inbound, unclaimed, sender: str, to: str = PROBATION_NUMBER):
    text = InboundText(sid=new_sid(), sender=sender, to=to, body="on my way")
    return receive_text(text, jurisdiction, clients, inbound, unclaimed)


def test_a_known_clients_e164_sender_is_found_in_one_lookup_without_the_parser(
    no_parser, jurisdiction, clients, inbound, unclaimed, new_client
):
    client = new_client(phone="+13035550101")

    found = received(jurisdiction, clients, inbound, unclaimed, "+13035550101")

    assert (found.outcome, found.client_id) == ("stored", client.client_id)
    assert clients.looked_up == ["+13035550101"]


@pytest.mark.parametrize("written", ["+1 303 555 0101", "(303) 555-0101", " +13035550101"])
def test_a_sender_written_another_way_is_parsed_and_finds_the_client(
    jurisdiction, clients, inbound, unclaimed, new_client, written
):
    client = new_client(phone="+13035550101")

    found = received(jurisdiction, clients, inbound, unclaimed, written)

    assert found.client_id == client.client_id
    assert clients.looked_up[-1] == "+13035550101"


def test_an_e164_sender_the_parser_writes_otherwise_is_looked_up_as_the_parser_writes_it(
    jurisdiction, clients, inbound, unclaimed, new_client
):
    # A British mobile written with its trunk 0 after the country code.
    client = new_client(phone="+447911123456")

    found = received(jurisdiction, clients, inbound, unclaimed, "+4407911123456")

    assert found.client_id == client.client_id
    assert clients.looked_up == ["+4407911123456", "+447911123456"]


def test_an_unknown_e164_sender_is_looked_up_once_and_waits_under_the_parsers_key(
    jurisdiction, clients, inbound, unclaimed
):
    found = received(jurisdiction, clients, inbound, unclaimed, "+13035550199")

    assert found.outcome == "unclaimed"
    assert clients.looked_up == ["+13035550199"]
    assert unclaimed.get("probation", "+13035550199").count == 1


def test_an_e164_shaped_sender_that_is_no_phone_number_waits_as_the_sender_id_it_was(
    jurisdiction, clients, inbound, unclaimed
):
    assert normalise_sender("+10000000000") == "10000000000"

    found = received(jurisdiction, clients, inbound, unclaimed, "+10000000000")

    assert found.outcome == "unclaimed"
    assert unclaimed.get("probation", "10000000000").count == 1


def test_a_department_number_written_as_stored_needs_no_parser(
    no_parser, jurisdiction, clients, inbound, unclaimed, new_client
):
    client = new_client(phone="+13035550101")

    found = received(jurisdiction, clients, inbound, unclaimed, "+13035550101", PROBATION_NUMBER)

    assert found.client_id == client.client_id


def test_a_department_number_written_another_way_still_names_the_department(
    jurisdiction, clients, inbound, unclaimed, new_client
):
    client = new_client(phone="+13035550101")
    local = PROBATION_NUMBER.removeprefix("+1")

    found = received(jurisdiction, clients, inbound, unclaimed, "+13035550101", local)

    assert found.client_id == client.client_id
