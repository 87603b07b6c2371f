"""Clients, groups and mass texts for the tests of issue 20's groups and mass texts."""

from __future__ import annotations

import secrets
import time

from tests.helpers import fresh_phone

WAIT_SECONDS = 60  # the local stream reader runs the fan-out; a busy machine is slow


def client_of(stores, manager, first: str = "Mass", department: str = "probation", **changes):
    """A client on ``manager``'s caseload; ``changes`` set on its stored row (opted_out,
    delivery_problem) as the inbound and status paths would."""
    from chalicelib.domain.clients import Client
    from chalicelib.store.models import ClientModel

    client = stores.clients.add(
        Client(
            secrets.token_hex(10),
            department,
            manager.user_id,
            first,
            f"Texted{secrets.token_hex(2)}",
            fresh_phone(),
        )
    )
    if changes:
        ClientModel(client.client_id).update(
            actions=[getattr(ClientModel, name).set(value) for name, value in changes.items()]
        )
        client = stores.clients.get(client.client_id)
    return client


def group_with(web, name: str, clients) -> str:
    made = web.post("/groups", {"name": name})
    assert made.status_code == 303, made.body[:300]
    group_id = made.headers["Location"].split("/")[2].split("?")[0]
    added = post_many(web, f"/groups/{group_id}/add", {"client": [c.client_id for c in clients]})
    assert added.status_code == 303, added.body[:300]
    return group_id


def post_many(web, path: str, fields: dict):
    """Post a form whose fields may repeat (ticked rows): lists become repeated fields."""
    from urllib.parse import urlencode

    from tests.helpers import FORM, csrf_in

    data = {"csrf_token": csrf_in(web.last_page or web.get("/signin").body.decode()), **fields}
    body = urlencode(data, doseq=True)
    return web._remember(web.http.post(path, headers=web._headers(FORM), body=body))


def written(stores, mass_id: str):
    """The mass text once its fan-out has written every recipient's text."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        mass = stores.mass_texts.get(mass_id)
        if mass is not None and mass.written_at is not None:
            return mass
        time.sleep(0.1)
    raise AssertionError(f"mass text {mass_id} was not fanned out in {WAIT_SECONDS} s")


def texts_of(stores, mass, client_id: str):
    """Every scheduled text of the client that this mass text made (by its derived id)."""
    from chalicelib.domain.mass_texts import scheduled_id_for
    from chalicelib.store.models import ScheduledTextModel

    wanted = scheduled_id_for(mass.mass_id, client_id)
    return [r for r in ScheduledTextModel.query(client_id) if r.scheduled_id == wanted]


def count_of(response, key: str) -> int:
    """A count of the progress view (``queued``, ``sent``, ``skipped``...)."""
    import re

    found = re.search(rf'data-count="{key}"><dt>[^<]*</dt><dd>(\d+)</dd>', response.body.decode())
    assert found, f"no {key} count on the page"
    return int(found.group(1))
