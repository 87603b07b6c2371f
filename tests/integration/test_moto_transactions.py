"""The local moto's faster transactions still roll back everything a cancelled one wrote."""

from __future__ import annotations

import secrets

import pytest

from tests.clock import real_now


def test_a_cancelled_transaction_leaves_every_item_as_it_was(stores):
    from pynamodb.exceptions import TransactWriteError
    from pynamodb.transactions import TransactWrite

    from chalicelib.domain.clients import Client
    from chalicelib.store.models import ClientModel, TwilioMessageModel
    from chalicelib.store.transactions import transactions
    from tests.helpers import fresh_phone

    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", "Roll", "Back", fresh_phone())
    )
    taken = TwilioMessageModel("SM" + secrets.token_hex(16), created_at=client_time())
    taken.save()
    new_sid = "SM" + secrets.token_hex(16)
    with pytest.raises(TransactWriteError), TransactWrite(connection=transactions()) as tx:
        tx.save(TwilioMessageModel(new_sid, created_at=client_time()))  # would be new
        tx.update(ClientModel(client.client_id), actions=[ClientModel.unread_count.add(5)])
        tx.save(  # fails: already there
            TwilioMessageModel(taken.sid, created_at=client_time()),
            condition=TwilioMessageModel.sid.does_not_exist(),
        )
    assert stores.clients.get(client.client_id).unread_count == 0
    assert stores.outbound.find_sid(new_sid) is None


def client_time():
    return real_now()
