"""Attaching a waiting number to a client never strands a text that arrives meanwhile: the
queue item goes only once every text it counts has been moved (a text that lands during
the move is moved too), and an inbound text reads the number's route strongly consistent,
so once the attach has written the route, the next text finds the client."""

from __future__ import annotations

from tests.helpers import fresh_phone, new_sid
from tests.integration.test_unclaimed_queue import PROBATION, add_client, waiting_number


def bodies_of(stores, client_id: str) -> list[str]:
    return [e.body for e in stores.conversations.newest(client_id)[0]]


def test_a_text_landing_while_the_thread_moves_is_moved_too(web, stack, stores, monkeypatch):
    import chalicelib.store.unclaimed as unclaimed_store
    from chalicelib.services.receiving import InboundText, new_entry

    kristina = web.sign_in("kristina")
    client_id = add_client(kristina, "Rae", "Racing", fresh_phone())
    stranger = waiting_number(stack, stores, "it's Rae, new phone")
    real_batch = unclaimed_store.BatchWrite
    raced: list[str] = []

    class TextArrivesAfterTheCopy(real_batch):  # type: ignore[misc, valid-type]
        def __exit__(self, *exc):
            result = super().__exit__(*exc)
            if not raced:  # the copies are written; a text whose route read came before
                # the attach wrote the route is filed in the queue now
                raced.append(new_sid())
                late = new_entry(InboundText(raced[0], stranger, PROBATION, "hello??"))
                assert stores.unclaimed.record("probation", late).stored
            return result

    monkeypatch.setattr(unclaimed_store, "BatchWrite", TextArrivesAfterTheCopy)
    kristina.get(f"/unclaimed/{stranger[1:]}?q=racing")
    done = kristina.post(
        f"/unclaimed/{stranger[1:]}/attach", {"client_id": client_id, "number_becomes": "current"}
    )
    assert done.status_code == 303 and raced
    monkeypatch.undo()
    assert "it's Rae, new phone" in bodies_of(stores, client_id)
    assert "hello??" in bodies_of(stores, client_id)  # moved, not stranded
    assert stores.unclaimed.get("probation", stranger) is None
    assert stores.unclaimed.texts("probation", stranger) == []


def test_an_inbound_text_reads_the_route_strongly_consistent(stack, stores, monkeypatch):
    from chalicelib.store.models import PhoneRouteModel

    asked: list[dict] = []
    real_get = PhoneRouteModel.get

    def spy(*args, **kwargs):
        asked.append(kwargs)
        return real_get(*args, **kwargs)

    monkeypatch.setattr(PhoneRouteModel, "get", spy)
    assert stores.clients.route("probation", fresh_phone()) is None
    assert asked and all(kw.get("consistent_read") for kw in asked)
