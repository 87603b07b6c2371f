"""The department's unclaimed texts: see them, answer them, attach them to a client, or
dismiss them."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from ..config import get_jurisdiction
from ..domain.errors import NotStored, ValidationFailed
from ..lazy import lazy_module
from .errors import friendly_errors
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import texting, unclaimed, unclaimed_replies
else:  # loaded by the first page that needs them, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    texting = lazy_module("chalicelib.services.texting")
    unclaimed = lazy_module("chalicelib.services.unclaimed")
    unclaimed_replies = lazy_module("chalicelib.services.unclaimed_replies")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)


@bp.route("/unclaimed", methods=["GET"])
@guarded
def queue() -> Response:
    visit = signed_in(bp.current_request)
    numbers = unclaimed.queue(visit.staff, bootstrap.stores(visit.settings).unclaimed)
    return visit.page("unclaimed.html", numbers=numbers, dismissed=visit.query("dismissed"))


@bp.route("/unclaimed/live", methods=["GET"])
@guarded
def queue_live() -> Response:
    """The list alone, for the open page's refresh (a background request: not activity)."""
    visit = signed_in(bp.current_request, background=True)
    numbers = unclaimed.queue(visit.staff, bootstrap.stores(visit.settings).unclaimed)
    return visit.page("_unclaimed_list.html", numbers=numbers)


@bp.route("/api/unclaimed-count", methods=["GET"])
@guarded
def waiting_count() -> Response:
    """The navigation's count, for an open page catching up on what it may have missed (a
    background request: not activity)."""
    from .sockets import unclaimed_payload

    visit = signed_in(bp.current_request, background=True)
    body = unclaimed_payload(visit.unclaimed_waiting())
    return visit.attach(Response(body=body, status_code=200, headers={"Cache-Control": "no-store"}))


@bp.route("/unclaimed/{digits}", methods=["GET"])
@guarded
def waiting_number(digits: str) -> Response:
    visit = signed_in(bp.current_request)
    return _number_page(visit, digits, replied=visit.query("replied") == "1")


@bp.route("/unclaimed/{digits}/live", methods=["GET"])
@guarded
def waiting_number_live(digits: str) -> Response:
    """The number's texts alone, for the open page's refresh (not activity)."""
    visit = signed_in(bp.current_request, background=True)
    found, texts = unclaimed.waiting(
        visit.staff, bootstrap.stores(visit.settings).unclaimed, digits
    )
    return visit.page("_unclaimed_thread.html", found=found, texts=texts, digits=digits)


@bp.route("/unclaimed/{digits}/attach", methods=["POST"], content_types=FORM)
@guarded
def attach(digits: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    try:
        client = unclaimed.attach_to_client(
            visit.staff, stores.clients, stores.unclaimed, get_jurisdiction(), digits, visit.form
        )
    except ValidationFailed as exc:
        return _number_page(visit, digits, attach_errors=exc.field_errors, status=400)
    return visit.redirect(f"/clients/{client.client_id}?saved=updated")


@bp.route("/unclaimed/{digits}/reply", methods=["POST"], content_types=FORM)
@guarded
def reply(digits: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    body = visit.form.get("body", "")
    try:
        unclaimed_replies.reply(
            visit.staff,
            stores.unclaimed,
            stores.outbound,
            bootstrap.twilio(visit.settings),
            get_jurisdiction(),
            digits,
            body,
            visit.form.get("draft_id", ""),
            visit.public_url + "/webhooks/twilio/status",
        )
    except ValidationFailed as exc:
        return _number_page(visit, digits, body, " ".join(exc.field_errors.values()), status=400)
    except texting.SendRefused as exc:
        return _number_page(visit, digits, body, str(exc), status=409)
    except texting.SendPending as exc:  # may be on its way: don't offer the body again
        return _number_page(visit, digits, "", str(exc), status=202)
    except NotStored:
        message = "ClientComm could not save the text just now, so it was not sent. Try again."
        return _number_page(visit, digits, body, message, status=503)
    return visit.redirect(f"/unclaimed/{digits}?replied=1#reply")


@bp.route("/unclaimed/{digits}/dismiss", methods=["POST"], content_types=FORM)
@guarded
def dismiss(digits: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    try:
        unclaimed.dismiss(visit.staff, stores.unclaimed, digits, visit.form)
    except ValidationFailed as exc:
        return _number_page(visit, digits, dismiss_errors=exc.field_errors, status=400)
    return visit.redirect("/unclaimed?dismissed=1")


def _number_page(
    visit: Visit,
    digits: str,
    body: str = "",
    reply_error: str = "",
    attach_errors: Mapping[str, str] | None = None,
    dismiss_errors: Mapping[str, str] | None = None,
    replied: bool = False,
    status: int = 200,
) -> Response:
    stores = bootstrap.stores(visit.settings)
    found, texts = unclaimed.waiting(visit.staff, stores.unclaimed, digits)
    query = visit.query("q")
    return visit.page(
        "unclaimed_number.html",
        status,
        found=found,
        texts=texts,
        query=query,
        clients=unclaimed.attach_candidates(visit.staff, stores.unclaimed, query),
        values=visit.form if visit.form else {},
        body=body,
        reply_error=reply_error,
        attach_errors=attach_errors or {},
        dismiss_errors=dismiss_errors or {},
        reasons=unclaimed.DISMISS_REASONS,
        replied=replied,
        draft_id=secrets.token_hex(16),
        digits=digits,
    )
