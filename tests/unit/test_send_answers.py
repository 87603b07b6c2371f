"""The send form's outcomes, as the page's script reads them."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import NotStored, ValidationFailed
from chalicelib.services.texting import SendPending, SendRefused
from chalicelib.web.send_answers import failure_of


@pytest.mark.parametrize(
    ("error", "outcome", "status", "offer_again"),
    [
        (ValidationFailed({"body": "Type a text."}), "invalid", 400, True),
        (SendRefused("Maria texted STOP."), "refused", 409, True),
        (SendPending("Still being sent."), "pending", 202, False),
        (NotStored("write failed"), "not_stored", 503, True),
    ],
)
def test_each_refusal_has_an_outcome_a_script_can_act_on(error, outcome, status, offer_again):
    failure = failure_of(error)

    assert (failure.outcome, failure.status, failure.offer_again) == (outcome, status, offer_again)
    assert failure.reason


def test_a_text_not_stored_says_nothing_was_sent():
    assert "not sent" in failure_of(NotStored("x")).reason
