"""Issue 23's page budgets, in compressed bytes including every CSS and JS file the first
view loads: the conversation under 100 KB, the caseload of 110 clients under 60 KB. Byte
counts do not depend on the machine's speed; bench/page_weight.py prints the same figures."""

from __future__ import annotations

import pytest

from tests import page_weights
from tests.helpers import WebVisitor, fresh_phone
from tests.integration.session_tools import PASSWORD, new_staff


@pytest.mark.any_hour  # dates days away: the hour changes a few characters at most
def test_a_busy_conversation_loads_in_under_100_kb_compressed(stack, stores, http, now):
    owner = new_staff(stack, stores)
    client_id = page_weights.conversation_client(stores, owner.user_id, fresh_phone(), now)
    visitor = WebVisitor(http).sign_in(owner.user_id, PASSWORD)

    weight = page_weights.weigh(visitor, f"/clients/{client_id}")

    assert weight.downloads[0].raw > 20_000  # the 30 texts and the rest are on it
    assert weight.of_kind(".css") and len(weight.of_kind(".js")) > 5  # imports followed
    assert weight.compressed < page_weights.CONVERSATION_BUDGET, page_weights.report(
        weight, page_weights.CONVERSATION_BUDGET
    )


@pytest.mark.any_hour
def test_a_caseload_of_110_loads_in_under_60_kb_compressed(stack, stores, http, now):
    owner = new_staff(stack, stores)
    page_weights.caseload_of(stores, owner.user_id, iter(fresh_phone, None), now)
    visitor = WebVisitor(http).sign_in(owner.user_id, PASSWORD)

    weight = page_weights.weigh(visitor, "/caseload")

    assert weight.downloads[0].raw > 10_000
    assert weight.compressed < page_weights.CASELOAD_BUDGET, page_weights.report(
        weight, page_weights.CASELOAD_BUDGET
    )
