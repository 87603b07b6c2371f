"""A text goes only to the number it was written for (a number may change hands)."""

from __future__ import annotations

import pytest

from chalicelib.domain.clients import Client
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.send_block import why_not_to_this_number


def client(phone: str = "+13035550101") -> Client:
    return Client("c1", "probation", "kristina", "Maria", "Lopez", phone)


def test_the_number_it_was_written_for_is_still_the_clients_number():
    assert why_not_to_this_number(client(), "+13035550101") == ""


def test_a_form_that_does_not_say_is_not_checked():
    assert why_not_to_this_number(client(), "") == ""


def test_a_new_number_since_it_was_written_refuses_it_and_says_nothing_was_sent():
    reason = why_not_to_this_number(client("+13035550199"), "+13035550101")

    assert reason.startswith("Maria Lopez has a new number since this was written; nothing")


def test_a_number_not_written_as_stored_is_an_out_of_date_form():
    with pytest.raises(ValidationFailed, match="reload the page"):
        why_not_to_this_number(client(), "(303) 555-0101")
