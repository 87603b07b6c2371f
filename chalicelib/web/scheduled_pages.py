"""Texts scheduled for later: add, edit and cancel them from a conversation; a supervisor's
list of the department's texts still to go out.

A refusal shows the form again with what was typed and the reason next to its field, so a
case manager never has to type a reminder twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from ..config import get_jurisdiction
from ..domain.clients import Client
from ..domain.errors import NotFound, NotStored, ValidationFailed
from ..domain.segments import MAX_BODY
from ..lazy import lazy_module
from .conversation_pages import ScheduleForm, conversation_page, day_bounds
from .errors import friendly_errors
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..domain.scheduling import ScheduledText
    from ..services import caseload, scheduling
else:  # loaded by the first page that needs them, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    caseload = lazy_module("chalicelib.services.caseload")
    scheduling = lazy_module("chalicelib.services.scheduling")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)
NOT_SAVED = "ClientComm could not save that just now, so nothing changed. Please try again."
GONE = "This text is no longer waiting to be sent: it was sent or cancelled."


@bp.route("/clients/{client_id}/scheduled", methods=["POST"], content_types=FORM)
@guarded
def schedule(client_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    form = with_pick(visit.form)
    try:
        scheduling.schedule_text(
            visit.staff,
            stores.clients,
            stores.scheduled,
            get_jurisdiction(),
            client_id,
            form,
            datetime.now(UTC),
            bootstrap.media_bucket(visit.settings) if form.get("attachment_key") else None,
        )
    except ValidationFailed as exc:
        refused = ScheduleForm(form, exc.field_errors)
        return conversation_page(visit, client_id, status=400, schedule=refused)
    except NotStored:
        refused = ScheduleForm(form, {"form": NOT_SAVED})
        return conversation_page(visit, client_id, status=503, schedule=refused)
    return visit.redirect(f"/clients/{client_id}?scheduled=added#scheduled")


@bp.route("/clients/{client_id}/scheduled/{scheduled_id}/edit", methods=["GET"])
@guarded
def edit_page(client_id: str, scheduled_id: str) -> Response:
    visit = signed_in(bp.current_request)
    client, text = _find(visit, client_id, scheduled_id)
    if text is None:
        raise NotFound(GONE)
    audit = bootstrap.stores(visit.settings).audit
    caseload.record_view(visit.staff, audit, client.client_id, scheduled_text=text.scheduled_id)
    return _edit_page(visit, client, text, form_values(text), {})


@bp.route("/clients/{client_id}/scheduled/{scheduled_id}", methods=["POST"], content_types=FORM)
@guarded
def edit(client_id: str, scheduled_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    try:
        scheduling.edit_scheduled(
            visit.staff,
            stores.clients,
            stores.scheduled,
            get_jurisdiction(),
            client_id,
            scheduled_id,
            visit.form,
            datetime.now(UTC),
        )
    except ValidationFailed as exc:
        status = 409 if "version" in exc.field_errors else 400
        return _refused_edit(visit, client_id, scheduled_id, exc.field_errors, status)
    except scheduling.TooLate as exc:
        return _refused_edit(visit, client_id, scheduled_id, {"form": str(exc)}, 409)
    except NotStored:
        return _refused_edit(visit, client_id, scheduled_id, {"form": NOT_SAVED}, 503)
    return visit.redirect(f"/clients/{client_id}?scheduled=changed#scheduled")


@bp.route(
    "/clients/{client_id}/scheduled/{scheduled_id}/cancel", methods=["POST"], content_types=FORM
)
@guarded
def cancel(client_id: str, scheduled_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    try:
        scheduling.cancel_scheduled(
            visit.staff, stores.clients, stores.scheduled, client_id, scheduled_id, visit.form
        )
    except ValidationFailed as exc:
        notice = " ".join(exc.field_errors.values()) + " It is listed below as it is now."
        return conversation_page(visit, client_id, status=409, schedule=ScheduleForm(notice=notice))
    except scheduling.TooLate as exc:
        return conversation_page(
            visit, client_id, status=409, schedule=ScheduleForm(notice=str(exc))
        )
    except NotStored:
        return conversation_page(
            visit, client_id, status=503, schedule=ScheduleForm(notice=NOT_SAVED)
        )
    return visit.redirect(f"/clients/{client_id}?scheduled=cancelled#scheduled-status")


@bp.route("/scheduled", methods=["GET"])
@guarded
def department_list() -> Response:
    """Supervisors only (a case manager is refused: her clients' pages list theirs, and the
    caseload counts them). Names come from the texts' own clients, read by id."""
    return _department_list(signed_in(bp.current_request), "scheduled.html")


@bp.route("/scheduled/live", methods=["GET"])
@guarded
def department_list_live() -> Response:
    """The list alone, for the open page's refresh (a background request: not activity)."""
    return _department_list(signed_in(bp.current_request, background=True), "_scheduled_list.html")


def _department_list(visit: Visit, template: str) -> Response:
    stores = bootstrap.stores(visit.settings)
    listed = scheduling.department_schedule(
        visit.staff, stores.scheduled, stores.clients, stores.users
    )
    return visit.page(template, pending=listed.pending, clients=listed.clients, staff=listed.staff)


def with_pick(form: Mapping[str, str]) -> dict[str, str]:
    """A quick pick is a submit button whose value is "YYYY-MM-DDTHH:MM": it fills the date
    and time, so the picks work without JavaScript."""
    values = dict(form)
    pick = values.pop("pick", "")
    if pick:
        values["send_date"], _, values["send_time"] = pick.partition("T")
    return values


def form_values(text: ScheduledText) -> dict[str, str]:
    """A stored text as the edit form shows it: the jurisdiction's date and time."""
    local = text.send_at.astimezone(get_jurisdiction().zone)
    return {
        "body": text.body,
        "send_date": local.date().isoformat(),
        "send_time": local.strftime("%H:%M"),
        "version": str(text.version),
    }


def _find(visit: Visit, client_id: str, scheduled_id: str) -> tuple[Client, ScheduledText | None]:
    """The client (permission checked) and the text, if it is still waiting to go out."""
    stores = bootstrap.stores(visit.settings)
    client = caseload.open_client(visit.staff, stores.clients, client_id)
    pending = scheduling.pending_for_client(
        visit.staff, stores.clients, stores.scheduled, client_id
    )
    return client, next((t for t in pending if t.scheduled_id == scheduled_id), None)


def _refused_edit(
    visit: Visit, client_id: str, scheduled_id: str, errors: Mapping[str, str], status: int
) -> Response:
    """The edit form again with what was typed; after someone else's change it shows their
    version too and takes the new version number, so saving again is a deliberate choice."""
    client, current = _find(visit, client_id, scheduled_id)
    values = {k: visit.form.get(k, "") for k in ("body", "send_date", "send_time", "version")}
    if current is not None and "version" in errors:
        values["version"] = str(current.version)
    return _edit_page(visit, client, current, values, errors, status)


def _edit_page(
    visit: Visit,
    client: Client,
    text: ScheduledText | None,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    status: int = 200,
) -> Response:
    return visit.page(
        "scheduled_edit.html",
        status,
        client=client,
        text=text,
        # queued texts too, until a sender first tried one (then it goes as written)
        locked=text is None or not text.changeable,
        values=values,
        errors=errors,
        max_body=MAX_BODY,
        **day_bounds(datetime.now(UTC)),
    )
