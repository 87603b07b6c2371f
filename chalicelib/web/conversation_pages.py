"""A client's conversation: read it, send a text, keep it fresh, export and print it."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, NotFoundError, Response

from ..config import get_jurisdiction
from ..domain.device_keeping import may_keep_conversation
from ..domain.errors import ValidationFailed
from ..domain.retirement import REACTIVATE_LABELS, RETIRE_LABELS
from ..domain.segments import MAX_BODY
from ..domain.send_block import why_sending_is_off
from ..domain.users import User
from ..lazy import lazy_module
from ..observability import count
from . import downloads
from .errors import friendly_errors
from .keeping import keepable
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..domain import scheduling as rules
    from ..domain.scheduling import ScheduledText
    from ..services import attachments, caseload, conversation, live, scheduling, texting
    from ..services import unread as unread_state
    from . import appointment_pages, send_answers
else:  # loaded by the first page that needs them, not by every cold start
    appointment_pages = lazy_module("chalicelib.web.appointment_pages")
    attachments = lazy_module("chalicelib.services.attachments")
    bootstrap = lazy_module("chalicelib.bootstrap")
    caseload = lazy_module("chalicelib.services.caseload")
    conversation = lazy_module("chalicelib.services.conversation")
    live = lazy_module("chalicelib.services.live")
    rules = lazy_module("chalicelib.domain.scheduling")  # zoneinfo: only pages that need it
    scheduling = lazy_module("chalicelib.services.scheduling")
    send_answers = lazy_module("chalicelib.web.send_answers")
    texting = lazy_module("chalicelib.services.texting")
    unread_state = lazy_module("chalicelib.services.unread")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)


@dataclass(frozen=True)
class ScheduleForm:
    """The schedule form shown again after a refusal: what was typed, and why it was refused.

    ``notice`` is a refusal about a text already listed (a cancel that came too late)."""

    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    notice: str = ""


@bp.route("/clients/{client_id}", methods=["GET"])
@guarded
def client_page(client_id: str) -> Response:
    visit = signed_in(bp.current_request, client_id=client_id)
    return conversation_page(visit, client_id, body="", error="", first_view=True)


@bp.route("/clients/{client_id}/live", methods=["GET"])
@guarded
def live_conversation(client_id: str) -> Response:
    """The conversation list alone, for the page's live refresh (not a new audited view).
    With ``?before=`` it is the page of older texts "Load older" adds above those shown;
    that page leaves out the scheduled texts, which the page already lists."""
    visit = signed_in(bp.current_request, background=True, client_id=client_id)
    stores = bootstrap.stores(visit.settings)
    before = visit.query("before") or None
    view = conversation.view_conversation(
        visit.staff,
        visit.clients(stores.clients),
        stores.conversations,
        stores.inbound,
        client_id,
        before=before,
        record_view=False,
    )
    pending = (
        []
        if before
        else scheduling.pending_for_client(
            visit.staff, visit.clients(stores.clients), stores.scheduled, client_id
        )
    )
    return visit.page(
        "_conversation.html",
        view=view,
        client=view.client,
        pending=pending,
        authors=_author_names(visit, pending, None),
        older_page=before is not None,
    )


@bp.route("/clients/{client_id}/messages", methods=["POST"], content_types=FORM)
@guarded
def send_message(client_id: str) -> Response:
    """The send form: a page again (or the conversation) without JavaScript; JSON for the
    page's script when it asks (``Accept: application/json``)."""
    visit = signed_in(bp.current_request, form=True, client_id=client_id)
    as_json = send_answers.wants_json(visit.request.headers.get("accept"))
    stores = bootstrap.stores(visit.settings)
    body = visit.form.get("body", "")
    attached = attachments.attachment_of(
        visit.form.get("attachment_key", ""), visit.form.get("attachment_name", "")
    )
    try:
        entry = texting.send_text(
            visit.staff,
            visit.clients(stores.clients),
            stores.outbound,
            bootstrap.twilio(visit.settings),
            get_jurisdiction(),
            client_id,
            body,
            visit.form.get("draft_id", ""),
            visit.public_url + "/webhooks/twilio/status",
            attached,
            bootstrap.media_bucket(visit.settings) if attached else None,
            to_phone=visit.form.get("to_phone", ""),
        )
    except send_answers.FAILURES as exc:
        failure = send_answers.failure_of(exc)
        if failure.outcome == "refused":
            count("MessagesFailed")
        if as_json:
            return visit.attach(send_answers.json_failure(failure))
        kept = body if failure.offer_again else ""
        return conversation_page(visit, client_id, kept, failure.reason, status=failure.status)
    count("MessagesSent")
    if as_json:
        return visit.attach(send_answers.json_sent(entry))
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
    now = live.activity(visit.staff, bootstrap.stores(visit.settings).unread)
    return visit.attach(
        Response(
            body={"seq": now.marker, "unread": now.unread},
            status_code=200,
            headers={"Cache-Control": "no-store"},
        )
    )


def conversation_page(
    visit: Visit,
    client_id: str,
    body: str = "",
    error: str = "",
    status: int = 200,
    schedule: ScheduleForm | None = None,
    appointment: appointment_pages.AppointmentForm | None = None,
    first_view: bool = False,
) -> Response:
    """The conversation page; also shown again, with its refusal, by the send, schedule
    and appointment forms (a page shown again for a refusal is not a new audited view).
    ``first_view``: the page as a GET opens it, which the viewer's device may keep when
    the client is on their own caseload (domain/device_keeping)."""
    stores = bootstrap.stores(visit.settings)
    before = visit.query("before") or None
    view = conversation.view_conversation(
        visit.staff,
        visit.clients(stores.clients),
        stores.conversations,
        stores.inbound,
        client_id,
        before=before,
        record_view=not error and schedule is None and appointment is None,
    )
    managers = (
        caseload.case_managers_of(visit.staff, stores.users)
        if visit.staff.oversees_department
        else []
    )
    mine = unread_state.unread_here(
        visit.staff, stores.unread, view.client.client_id, visit.unread_here
    )
    page = visit.page(
        "client.html",
        status,
        my_unread=mine,
        seen_up_to=_newest_inbound(view),
        view=view,
        client=view.client,
        older_page=before is not None,
        managers=managers,
        saved=visit.query("saved"),
        sent=visit.query("sent"),
        scheduled=visit.query("scheduled"),
        body=body,
        error=error,
        sending_off=why_sending_is_off(view.client),
        draft_id=secrets.token_hex(16),
        max_body=MAX_BODY,
        retire_reasons=RETIRE_LABELS,
        reactivate_reasons=REACTIVATE_LABELS,
        **_schedule_context(visit, client_id, managers or None, schedule or ScheduleForm()),
        **appointment_pages.section(visit, view.client, appointment),
    )
    asked = bool(visit.request.query_params)
    if first_view and may_keep_conversation(visit.staff, view.client, has_query=asked):
        return keepable(page, visit.staff)
    return page


def _schedule_context(
    visit: Visit, client_id: str, managers: list[User] | None, form: ScheduleForm
) -> dict[str, Any]:
    """The pending texts and the schedule form: quick picks and the dates it accepts, in
    the jurisdiction's clock."""
    stores = bootstrap.stores(visit.settings)
    pending = scheduling.pending_for_client(
        visit.staff, visit.clients(stores.clients), stores.scheduled, client_id
    )
    now = datetime.now(UTC)
    return {
        "pending": pending,
        "authors": _author_names(visit, pending, managers),
        "picks": scheduling.picks(get_jurisdiction(), now),
        "schedule": form,
        **day_bounds(now),
    }


def day_bounds(now: datetime) -> dict[str, str]:
    """The first and last day a text may be scheduled for, for the date picker (the
    service still decides)."""
    today = now.astimezone(get_jurisdiction().zone).date()
    last = today + rules.MAX_AHEAD - timedelta(days=1)
    return {"earliest_day": today.isoformat(), "latest_day": last.isoformat()}


def _author_names(
    visit: Visit, pending: list[ScheduledText], managers: list[User] | None
) -> dict[str, str]:
    """Who scheduled each text. Staff names cost a Query, so only when someone else did."""
    me = visit.staff
    names = {me.user_id: me.display_name}
    if any(text.author_id not in names for text in pending):
        if managers is None:
            managers = caseload.case_managers_of(me, bootstrap.stores(visit.settings).users)
        names.update({u.user_id: u.display_name for u in managers})
    return names


def _newest_inbound(view: Any) -> str:
    """When the newest text from the client on this page arrived ("" if none): what the
    page reports as seen once it has been on screen in a focused tab."""
    times = [
        e.at for e in view.entries if e.direction is not None and e.direction.value == "inbound"
    ]
    return max(times).isoformat() if times else ""


@bp.route("/clients/{client_id}/read", methods=["POST"], content_types=FORM)
@guarded
def mark_read(client_id: str) -> Response:
    """The page saw the conversation up to ``seen_up_to`` in a focused tab (or the person
    pressed "Mark read"). Only this person's state changes."""
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    try:
        seen = datetime.fromisoformat(visit.form.get("seen_up_to", ""))
    except ValueError:
        raise ValidationFailed({"seen_up_to": "Which text was seen is missing."}) from None
    if seen.tzinfo is None:
        seen = seen.replace(tzinfo=UTC)
    done = unread_state.mark_read(
        visit.staff, stores.clients, stores.unread, stores.inbound, client_id, seen
    )
    if "application/json" in (visit.request.headers.get("accept") or ""):
        total = unread_state.unread_total(visit.staff, stores.unread)
        body = {"read": done, "unread": total}
        return visit.attach(
            Response(body=body, status_code=200, headers={"Cache-Control": "no-store"})
        )
    return visit.redirect(f"/clients/{client_id}?read=1")


@bp.route("/clients/{client_id}/unread", methods=["POST"], content_types=FORM)
@guarded
def mark_unread(client_id: str) -> Response:
    """ "Mark unread": back to the caseload, where it shows as unread again (for this person)."""
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    unread_state.mark_unread(visit.staff, stores.clients, stores.unread, client_id)
    return visit.redirect("/caseload?marked=unread")
