"""On the local stack (moto, the fake Twilio), a batch holding two departments' texts has
both in flight at once: the sender sends a batch's texts concurrently."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from tests.clock import real_now
from tests.integration.test_scheduled_sending import MINUTE, new_client, plan, sweep, texts_to
from tests.integration.test_send_batch_item_failures import batch_for

pytestmark = pytest.mark.any_hour  # sends what is due relative to now


def test_a_batch_with_two_numbers_has_both_texts_in_flight_at_once(stores, queue, sender, twilio):
    from chalicelib.services.send_batches import send_batch

    probation, pretrial = new_client(stores), new_client(stores, department="pretrial")
    plan(stores, probation, real_now() - MINUTE, body="Office closed Monday")
    plan(stores, pretrial, real_now() - MINUTE, body="Court tomorrow at 9")
    sweep(stores, queue, real_now())
    records = batch_for(queue, [probation, pretrial])
    together = threading.Barrier(2, timeout=30)  # sent one after the other, it breaks
    gateway = sender.gateway

    class BothAtOnce:
        def send(self, **kwargs):
            together.wait()
            return gateway.send(**kwargs)

    result = send_batch(records, replace(sender, gateway=BothAtOnce()), lambda: 600_000, 15_000)

    assert result.failed == []
    assert result.outcomes == {"sent": 2}
    assert texts_to(twilio, probation.phone) == ["Office closed Monday"]
    assert texts_to(twilio, pretrial.phone) == ["Court tomorrow at 9"]
