"""Use cases wired to the in-memory fakes: no local stack, no network."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest

from chalicelib.domain.clients import Client
from chalicelib.domain.jurisdiction import Jurisdiction
from chalicelib.domain.users import Role, User
from tests.fakes import (
    FakeClientStore,
    FakeInboundStore,
    FakeOutboundStore,
    FakeTwilioGateway,
    FakeUnclaimedStore,
)

from .county import county_settings


@pytest.fixture()
def jurisdiction() -> Jurisdiction:
    return county_settings()


@pytest.fixture()
def clients() -> FakeClientStore:
    return FakeClientStore()


@pytest.fixture()
def inbound(clients: FakeClientStore) -> FakeInboundStore:
    return FakeInboundStore(clients)


@pytest.fixture()
def unclaimed() -> FakeUnclaimedStore:
    return FakeUnclaimedStore()


@pytest.fixture()
def outbound(clients: FakeClientStore) -> FakeOutboundStore:
    return FakeOutboundStore(clients)


@pytest.fixture()
def gateway() -> FakeTwilioGateway:
    return FakeTwilioGateway()


@pytest.fixture()
def kristina() -> User:
    return User(
        "kristina", "Kristina Case", "kristina@county.invalid", Role.CASE_MANAGER, "probation"
    )


@pytest.fixture()
def new_client(clients: FakeClientStore) -> Callable[..., Client]:
    """Add a client to kristina's probation caseload; any field may be given."""

    def add(phone: str = "+13035550101", **fields: object) -> Client:
        values: dict[str, object] = {
            "client_id": secrets.token_hex(10),
            "department_id": "probation",
            "case_manager_id": "kristina",
            "first_name": "Maria",
            "last_name": "Lopez",
            "phone": phone,
            **fields,
        }
        return clients.seed(Client(**values))

    return add
