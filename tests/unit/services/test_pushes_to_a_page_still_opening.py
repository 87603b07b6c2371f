"""A page whose socket is still opening is not forgotten when a push finds it "gone".

API Gateway answers 410 GoneException for a connection until its ``$connect`` has returned
and the handshake is done, while the ``$connect`` handler has already stored the
connection. A change fanned out in that window (during a mass text, status changes stream
several times a second) used to remove the stored connection: the page then opened and
heard nothing more until it was reloaded. A connection younger than the opening window is
kept (the page catches up when its socket opens); an older one that answers 410 is gone."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from chalicelib.services import push
from tests.fakes import FakeUserStore
from tests.unit.services.test_pushes_follow_current_roles import (
    AT,
    KRISTINA,
    Clock,
    Connections,
    Gateway,
    listener,
    rendered,
    text_for_kristina,
)


class OpeningGateway(Gateway):
    """Every post and close answers as API Gateway does before the handshake is done."""

    def post(self, connection_id: str, message: dict[str, Any]) -> bool:
        super().post(connection_id, message)
        return False


def fan_out_at(seconds_after_connecting: float, users, connections, gateway):
    return push.fan_out(
        text_for_kristina(),
        rendered,
        connections=connections,
        gateway=gateway,
        people=push.CurrentPeople(users, clock=Clock()),
        now=AT + timedelta(seconds=seconds_after_connecting),
    )


def test_a_page_still_opening_keeps_its_connection_when_a_push_finds_it_gone():
    connections = Connections(listener(KRISTINA, "k1", "c1"))
    fan_out_at(0.2, FakeUserStore(KRISTINA), connections, OpeningGateway())
    assert list(connections.open) == ["k1"]


def test_a_page_connected_long_ago_that_answers_gone_is_forgotten():
    connections = Connections(listener(KRISTINA, "k1", "c1"))
    fan_out_at(600, FakeUserStore(KRISTINA), connections, OpeningGateway())
    assert connections.open == {}


def test_a_deactivated_persons_page_still_opening_is_kept_to_be_closed_once_open():
    connections = Connections(listener(KRISTINA, "k1", "c1"))
    deactivated = FakeUserStore(replace(KRISTINA, active=False))
    fan_out_at(0.2, deactivated, connections, OpeningGateway())
    assert list(connections.open) == ["k1"]  # the next change or the upkeep ends it
    gateway = Gateway()  # now open
    fan_out_at(5, deactivated, connections, gateway)
    assert ("k1", {"type": "signed-out", "reason": "expired"}) in gateway.posted
    assert connections.open == {}
