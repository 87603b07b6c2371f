"""A client's conversation: read it, send a text, keep it fresh, export and print it."""

from __future__ import annotations

import secrets

from chalice import Blueprint, NotFoundError, Response

from .. import bootstrap
from ..config import get_jurisdiction
from ..domain.errors import ValidationFailed
from ..domain.segments import MAX_BODY
from ..observability import count
from ..services import caseload, conversation, texting
from ..store.activity import department_scope, user_scope
from .errors import friendly_errors
from .visit import Visit, signed_in

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
    visit = signed_in(bp.current_request)
    stores = bootstrap.stores(visit.settings)
    view = conversation.view_conversation(
        visit.user,
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
            visit.user,
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
        visit.user,
        stores.clients,
        stores.conversations,
        stores.activity,
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
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.route("/clients/{client_id}/print", methods=["GET"])
@guarded
def print_view(client_id: str) -> Response:
    visit = signed_in(bp.current_request)
    stores = bootstrap.stores(visit.settings)
    client = caseload.open_client(visit.user, stores.clients, client_id)
    entries = stores.conversations.everything(client.client_id)
    stores.activity.record(
        f"client#{client.client_id}", visit.user.user_id, "print", entries=len(entries)
    )
    return visit.page("print.html", client=client, entries=entries)


@bp.route("/api/activity", methods=["GET"])
@guarded
def activity() -> Response:
    """The live-update poll: one GetItem. The page refetches only when ``seq`` moved."""
    visit = signed_in(bp.current_request)
    user = visit.user
    scope = (
        department_scope(user.department_id)
        if user.oversees_department
        else user_scope(user.user_id)
    )
    seq, unread = bootstrap.stores(visit.settings).activity.current(scope)
    return visit.attach(
        Response(
            body={"seq": seq, "unread": unread},
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
        visit.user,
        stores.clients,
        stores.conversations,
        stores.inbound,
        client_id,
        before=before,
        record_view=not error,
    )
    managers = (
        caseload.case_managers_of(visit.user, stores.users)
        if visit.user.oversees_department
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
