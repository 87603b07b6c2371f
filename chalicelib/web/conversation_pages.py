"""A client's conversation: read it, send a text, keep it fresh, export and print it."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from chalice import Blueprint, NotFoundError, Response

from ..config import get_jurisdiction
from ..domain.errors import NotStored, ValidationFailed
from ..domain.segments import MAX_BODY
from ..lazy import lazy_module
from ..observability import count
from . import downloads
from .errors import friendly_errors
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import caseload, conversation, live, texting
else:  # loaded by the first page that needs them, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    caseload = lazy_module("chalicelib.services.caseload")
    conversation = lazy_module("chalicelib.services.conversation")
    live = lazy_module("chalicelib.services.live")
    texting = lazy_module("chalicelib.services.texting")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)


@bp.route("/clients/{client_id}", methods=["GET"])
@guarded
def client_page(client_id: str) -> Response:
    visit = signed_in(bp.current_request)
    return _conversation_page(visit, client_id, body="", error="")


@bp.route("/clients/{client_id}/live", methods=["GET"])
@guarded
def live_conversation(client_id: str) -> Response:
    """The conversation list alone, for the page's live refresh (not a new audited view)."""
    visit = signed_in(bp.current_request, background=True)
    stores = bootstrap.stores(visit.settings)
    view = conversation.view_conversation(
        visit.staff,
        stores.clients,
        stores.conversations,
        stores.inbound,
        client_id,
        record_view=False,
    )
    return visit.page("_conversation.html", view=view, client=view.client)


@bp.route("/clients/{client_id}/messages", methods=["POST"], content_types=FORM)
@guarded
def send_message(client_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    body = visit.form.get("body", "")
    try:
        texting.send_text(
            visit.staff,
            stores.clients,
            stores.outbound,
            bootstrap.twilio(visit.settings),
            get_jurisdiction(),
            client_id,
            body,
            visit.form.get("draft_id", ""),
            visit.public_url + "/webhooks/twilio/status",
        )
    except ValidationFailed as exc:
        return _conversation_page(
            visit, client_id, body, " ".join(exc.field_errors.values()), status=400
        )
    except texting.SendRefused as exc:
        count("MessagesFailed")
        return _conversation_page(visit, client_id, body, str(exc), status=409)
    except texting.SendPending as exc:  # may be on its way: don't offer the body again
        return _conversation_page(visit, client_id, "", str(exc), status=202)
    except NotStored:
        return _conversation_page(
            visit,
            client_id,
            body,
            "ClientComm could not save the text just now, so it was not sent. Try again.",
            status=503,
        )
    count("MessagesSent")
    return visit.redirect(f"/clients/{client_id}?sent=1#newest")


@bp.route("/clients/{client_id}/export/{fmt}", methods=["GET"])
@guarded
def export(client_id: str, fmt: str) -> Response:
    visit = signed_in(bp.current_request)
    if fmt not in conversation.EXPORT_TYPES:
        raise NotFoundError(fmt)
    stores = bootstrap.stores(visit.settings)
    name, content_type, body = conversation.export_conversation(
        visit.staff,
        stores.clients,
        stores.conversations,
        stores.audit,
        client_id,
        fmt,
        get_jurisdiction().zone,
    )
    return Response(
        body=body,
        status_code=200,
        headers={
            "Content-Type": content_type,
            "Cache-Control": "no-store",
            "Content-Disposition": downloads.attachment(name),
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.route("/clients/{client_id}/print", methods=["GET"])
@guarded
def print_view(client_id: str) -> Response:
    visit = signed_in(bp.current_request)
    stores = bootstrap.stores(visit.settings)
    client, entries = conversation.print_conversation(
        visit.staff, stores.clients, stores.conversations, stores.audit, client_id
    )
    return visit.page("print.html", client=client, entries=entries)


@bp.route("/api/activity", methods=["GET"])
@guarded
def activity() -> Response:
    """The live-update poll: one Query of the slim caseload index. The page refetches its
    list only when ``seq`` (a fingerprint of what it shows) changed. A poll is not activity:
    it never extends the session."""
    visit = signed_in(bp.current_request, background=True)
    now = live.activity(visit.staff, bootstrap.stores(visit.settings).clients)
    return visit.attach(
        Response(
            body={"seq": now.marker, "unread": now.unread},
            status_code=200,
            headers={"Cache-Control": "no-store"},
        )
    )


def _conversation_page(
    visit: Visit, client_id: str, body: str, error: str, status: int = 200
) -> Response:
    stores = bootstrap.stores(visit.settings)
    before = visit.query("before") or None
    view = conversation.view_conversation(
        visit.staff,
        stores.clients,
        stores.conversations,
        stores.inbound,
        client_id,
        before=before,
        record_view=not error,
    )
    managers = (
        caseload.case_managers_of(visit.staff, stores.users)
        if visit.staff.oversees_department
        else []
    )
    return visit.page(
        "client.html",
        status,
        view=view,
        client=view.client,
        managers=managers,
        saved=visit.query("saved"),
        sent=visit.query("sent"),
        body=body,
        error=error,
        draft_id=secrets.token_hex(16),
        max_body=MAX_BODY,
    )
