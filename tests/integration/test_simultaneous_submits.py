"""Two submits at the same moment, to the running app server (several workers, as many
Lambda containers would be): the mass-text form sent twice at once starts one mass text
with one text per recipient; a client import applied from two tabs at once adds each
client once."""

from __future__ import annotations

import json
import secrets
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.error import HTTPError
from urllib.parse import urlencode

import pytest

from tests.helpers import FORM, csrf_in, fresh_phone
from tests.integration.mass_tools import client_of, group_with, texts_of, written
from tests.integration.session_tools import PASSWORD, new_staff
from tests.integration.test_client_imports import caseload, csv_of, upload
from tests.integration.test_mass_texts_once import cleanup, later_form

pytestmark = pytest.mark.any_hour  # "send later" two days ahead; imports are timeless


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    body: bytes


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 303 is the answer itself
        return None


def together(stack, web, path: str, fields: dict, copies: int = 2, json_answer=False):
    """Post the same form ``copies`` times at one moment, with ``web``'s session."""
    opener = urllib.request.build_opener(NoRedirects)
    headers = {**web._headers(FORM)}
    if json_answer:
        headers["Accept"] = "application/json"
    body = urlencode(fields, doseq=True).encode()
    barrier = threading.Barrier(copies)

    def post(_n: int) -> Answer:
        request = urllib.request.Request(  # noqa: S310 - the loopback app server
            stack.app_url + path, data=body, headers=headers, method="POST"
        )
        barrier.wait(timeout=30)
        try:
            with opener.open(request, timeout=60) as answer:
                return Answer(answer.status, answer.headers.get("Location", ""), answer.read())
        except HTTPError as error:
            return Answer(error.code, error.headers.get("Location", ""), error.read())

    with ThreadPoolExecutor(max_workers=copies) as pool:
        return list(pool.map(post, range(copies)))


def test_the_mass_text_form_sent_twice_at_one_moment_starts_one_with_one_text_each(
    web, stack, stores
):
    manager = new_staff(stack, stores)
    clients = [client_of(stores, manager, name) for name in ("Dee", "Eli", "Flo", "Gus")]
    web.sign_in(manager.user_id, PASSWORD)
    group_id = group_with(web, "At once", clients)
    token = csrf_in(web.get("/mass-texts/new").body.decode())
    form = {**later_form(group_id, form_id=secrets.token_hex(16)), "csrf_token": token}

    answers = together(stack, web, "/mass-texts", form)

    assert [a.status for a in answers] == [303, 303], [a.body[:300] for a in answers]
    assert answers[0].location == answers[1].location
    mass = written(stores, answers[0].location.split("/")[2])
    try:
        for client in clients:
            assert len(texts_of(stores, mass, client.client_id)) == 1
            assert stores.clients.get(client.client_id).scheduled_count == 1
    finally:
        cleanup(stores, clients)


def test_a_client_import_applied_from_two_tabs_at_one_moment_adds_each_client_once(
    web, stack, stores
):
    manager = new_staff(stack, stores)
    mark = secrets.token_hex(3)
    rows = [
        (f"Both{n}", "Tabs", fresh_phone(), "", f"{mark}-{n}", manager.user_id) for n in range(5)
    ]
    web.sign_in("dana")
    import_id = upload(web, csv_of(*rows))
    token = csrf_in(web.get(f"/client-imports/{import_id}").body.decode())

    done = False
    for _step in range(20):  # what both tabs' scripts do: a chunk after another, until done
        answers = together(
            stack,
            web,
            f"/client-imports/{import_id}/apply",
            {"csrf_token": token},
            json_answer=True,
        )
        assert {a.status for a in answers} <= {200, 409}, [a.body[:300] for a in answers]
        done = any(a.status == 200 and json.loads(a.body)["done"] for a in answers)
        if done:
            break
    assert done

    assert len(caseload(stores, manager.user_id)) == 5
    final = json.loads(
        together(
            stack,
            web,
            f"/client-imports/{import_id}/apply",
            {"csrf_token": token},
            copies=1,
            json_answer=True,
        )[0].body
    )
    assert final["tally"] == {"added": 5}
