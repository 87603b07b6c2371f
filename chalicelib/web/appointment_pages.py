"""Appointments on a client's page: add, change, cancel, and record what happened.

A refusal shows the form again with what was typed and the reason beside its field, so a
court date is never typed twice. A form someone else's change made stale is refused with
409 and the appointment is shown as it is now: saving again is then a deliberate choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from ..config import get_jurisdiction, reminder_minutes_per_day
from ..domain.clients import LANGUAGES, Client
from ..domain.errors import NotFound, NotStored, ValidationFailed
from ..lazy import lazy_module
from .conversation_pages import conversation_page, day_bounds
from .errors import friendly_errors
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..domain import appointments as rules
    from ..domain.appointments import Appointment
    from ..domain.scheduling import ScheduledText
    from ..services import appointment_corrections as corrections
    from ..services import appointments, caseload
else:  # loaded by the first page that needs them, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    rules = lazy_module("chalicelib.domain.appointments")  # zoneinfo: only pages that need it
    appointments = lazy_module("chalicelib.services.appointments")
    corrections = lazy_module("chalicelib.services.appointment_corrections")
    caseload = lazy_module("chalicelib.services.caseload")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)
NOT_SAVED = "ClientComm could not save that just now, so nothing changed. Please try again."
STALE = (
    "Someone changed this appointment after you opened the page, so nothing was changed. "
    "It is shown below as it is now; try again if you still need to."
)
FIELDS = ("kind", "date", "time", "place", "notes", "version")
RECENT_CLOSED = 10  # "Past and cancelled" lists this many, newest first
REMINDER_STATES = {  # a reminder's state, said plainly
    "scheduled": "scheduled",
    "queued": "sending now",
    "sending": "sending now",
    "sent": "sent",
    "failed": "failed, not sent",
    "cancelled": "cancelled",
    "expired": "expired, not sent",
}


@dataclass(frozen=True)
class AppointmentForm:
    """The add form shown again after a refusal, or ``notice``: a refusal about an
    appointment already listed (a stale or too-late cancel or outcome)."""

    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    notice: str = ""


@dataclass(frozen=True)
class Listed:
    """An open appointment as the client page shows it."""

    appointment: Appointment
    reminders: list[ScheduledText]
    awaiting_outcome: bool

    @property
    def reminder_text(self) -> tuple[str, int] | None:
        """The exact text the next reminder sends, and its SMS segments."""
        from ..domain.segments import count_segments

        waiting = [r for r in self.reminders if r.state.editable] or self.reminders
        if not waiting:
            return None
        return waiting[0].body, count_segments(waiting[0].body)


@bp.route("/clients/{client_id}/appointments", methods=["POST"], content_types=FORM)
@guarded
def add(client_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    try:
        appointments.add_appointment(
            visit.staff,
            stores.clients,
            stores.appointments,
            _texts(visit),
            client_id,
            visit.form,
            datetime.now(UTC),
        )
    except ValidationFailed as exc:
        refused = AppointmentForm(visit.form, exc.field_errors)
        return conversation_page(visit, client_id, status=400, appointment=refused)
    except NotStored:
        refused = AppointmentForm(visit.form, {"form": NOT_SAVED})
        return conversation_page(visit, client_id, status=503, appointment=refused)
    return visit.redirect(f"/clients/{client_id}?appointment=added#appointments")


@bp.route("/clients/{client_id}/appointments/{appointment_id}/edit", methods=["GET"])
@guarded
def edit_page(client_id: str, appointment_id: str) -> Response:
    visit = signed_in(bp.current_request)
    client, appt = _find(visit, client_id, appointment_id)
    audit = bootstrap.stores(visit.settings).audit
    caseload.record_view(visit.staff, audit, client.client_id, appointment=appt.appointment_id)
    return _edit_page(visit, client, appt, form_values(appt), {})


@bp.route(
    "/clients/{client_id}/appointments/{appointment_id}", methods=["POST"], content_types=FORM
)
@guarded
def edit(client_id: str, appointment_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    try:
        appointments.edit_appointment(
            visit.staff,
            stores.clients,
            stores.appointments,
            _texts(visit),
            client_id,
            appointment_id,
            visit.form,
            datetime.now(UTC),
        )
    except ValidationFailed as exc:
        status = 409 if "version" in exc.field_errors else 400
        return _refused_edit(visit, client_id, appointment_id, exc.field_errors, status)
    except appointments.AppointmentClosed as exc:
        return _refused_edit(visit, client_id, appointment_id, {"form": str(exc)}, 409)
    except NotStored:
        return _refused_edit(visit, client_id, appointment_id, {"form": NOT_SAVED}, 503)
    return visit.redirect(f"/clients/{client_id}?appointment=changed#appointments")


@bp.route(
    "/clients/{client_id}/appointments/{appointment_id}/cancel",
    methods=["POST"],
    content_types=FORM,
)
@guarded
def cancel(client_id: str, appointment_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    try:
        appointments.cancel_appointment(
            visit.staff,
            stores.clients,
            stores.appointments,
            _texts(visit),
            client_id,
            appointment_id,
            visit.form,
            datetime.now(UTC),
        )
    except (ValidationFailed, appointments.AppointmentClosed, NotStored) as exc:
        return _refused_on_page(visit, client_id, exc)
    return visit.redirect(f"/clients/{client_id}?appointment=cancelled#appointments")


@bp.route(
    "/clients/{client_id}/appointments/{appointment_id}/outcome",
    methods=["POST"],
    content_types=FORM,
)
@guarded
def outcome(client_id: str, appointment_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    try:
        appointments.record_outcome(
            visit.staff,
            stores.clients,
            stores.appointments,
            client_id,
            appointment_id,
            visit.form,
            datetime.now(UTC),
        )
    except (ValidationFailed, appointments.AppointmentClosed, NotStored) as exc:
        return _refused_on_page(visit, client_id, exc)
    return visit.redirect(f"/clients/{client_id}?appointment=outcome#appointments")


@bp.route(
    "/clients/{client_id}/appointments/{appointment_id}/correct",
    methods=["POST"],
    content_types=FORM,
)
@guarded
def correct(client_id: str, appointment_id: str) -> Response:
    """A recorded outcome or a confirmation corrected (audited)."""
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    try:
        corrections.correct_appointment(
            visit.staff,
            stores.clients,
            stores.appointments,
            _texts(visit),
            client_id,
            appointment_id,
            visit.form,
            datetime.now(UTC),
        )
    except (ValidationFailed, NotStored) as exc:
        return _refused_on_page(visit, client_id, exc)
    return visit.redirect(f"/clients/{client_id}?appointment=corrected#appointments")


@bp.route("/clients/{client_id}/appointments/live", methods=["GET"])
@guarded
def live_list(client_id: str) -> Response:
    """The appointment list alone, for the client page's live refresh: after a pushed
    change of the client's appointments (a client's answer) and on every catch-up."""
    visit = signed_in(bp.current_request, background=True, client_id=client_id)
    stores = bootstrap.stores(visit.settings)
    client = caseload.open_client(visit.staff, visit.clients(stores.clients), client_id)
    return visit.page("_appointment_list.html", client=client, **section(visit, client, None))


def section(visit: Visit, client: Client, form: AppointmentForm | None) -> dict[str, Any]:
    """The client page's Appointments section: open ones soonest first with their
    reminders (one Query for all of them), recently closed ones, the add form."""
    stores = bootstrap.stores(visit.settings)
    now = datetime.now(UTC)
    found = appointments.appointments_with_reminders(
        visit.staff, visit.clients(stores.clients), stores.appointments, client.client_id
    )
    listed = [Listed(a, reminders, a.awaiting_outcome(now)) for a, reminders in found if a.open]
    closed = sorted((a for a, _ in found if not a.open), key=lambda a: a.starts_at, reverse=True)
    return {
        "appointments": listed,
        "appointments_digest": rules.summary_digest(client.appointments or {}),
        "closed_appointments": closed[:RECENT_CLOSED],
        "appointment_form": form or AppointmentForm(),
        "appointment_done": visit.query("appointment"),
        "appointment_kinds": [(k.value, k.label) for k in rules.Kind],
        "reminder_plan": reminder_plan(),
        "reminder_states": REMINDER_STATES,
        "outcome_choices": [(o.value, o.label) for o in rules.Outcome],
        "confirmation_choices": [
            (c.value, c.label)
            for c in (
                rules.Confirmation.NONE,
                rules.Confirmation.CONFIRMED,
                rules.Confirmation.RESCHEDULE_ASKED,
            )
        ],
        "client_language": LANGUAGES.get(client.language, "English"),
        "place_limit": rules.MAX_PLACE,
        "notes_limit": rules.MAX_NOTES,
    }


def reminder_plan() -> str:
    """When reminders go, in words: "7, 3 and 1 days before, at 9:00"."""
    offsets = get_jurisdiction().reminder_offsets_days
    minutes = reminder_minutes_per_day()
    days = sorted({d for d in offsets if d > 0}, reverse=True)
    parts = []
    if days:
        count = str(days[0])
        if len(days) > 1:
            count = ", ".join(map(str, days[:-1])) + f" and {days[-1]}"
        unit = "day" if days == [1] else "days"
        if minutes:
            parts.append(f"{count} “{unit}” before (a day is {minutes} minutes here)")
        else:
            parts.append(f"{count} {unit} before, at {rules.REMINDER_HOUR:%-H:%M}")
    if 0 in offsets and not minutes:
        hours = int(rules.SAME_DAY_LEAD.total_seconds() // 3600)
        parts.append(f"{hours} hours before on the day")
    return " and ".join(parts) or "no reminders (none are set for this jurisdiction)"


def form_values(appt: Appointment) -> dict[str, str]:
    """A stored appointment as the edit form shows it: the jurisdiction's date and time."""
    local = appt.starts_at.astimezone(get_jurisdiction().zone)
    return {
        "kind": appt.kind.value,
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "place": appt.place,
        "notes": appt.notes,
        "version": str(appt.version),
    }


def _texts(visit: Visit) -> appointments.Texts:
    """The department's reminder wording. The visitor's department: a client of another
    department is refused by the use case before anything is written."""
    return appointments.department_texts(
        bootstrap.stores(visit.settings).department_texts,
        get_jurisdiction(),
        visit.staff.department_id,
        reminder_minutes_per_day(),
    )


def _find(visit: Visit, client_id: str, appointment_id: str) -> tuple[Client, Appointment]:
    """The client (permission checked) and one of its appointments, open or not."""
    stores = bootstrap.stores(visit.settings)
    client = caseload.open_client(visit.staff, stores.clients, client_id)
    found = appointments.appointments_of(
        visit.staff, stores.clients, stores.appointments, client_id
    )
    appt = next((a for a in found if a.appointment_id == appointment_id), None)
    if appt is None:
        raise NotFound("There is no such appointment.")
    return client, appt


def _refused_on_page(visit: Visit, client_id: str, exc: Exception) -> Response:
    """A cancel or an outcome refused: the client page again, the reason above the list."""
    if isinstance(exc, NotStored):
        return conversation_page(
            visit, client_id, status=503, appointment=AppointmentForm(notice=NOT_SAVED)
        )
    if isinstance(exc, ValidationFailed) and "version" not in exc.field_errors:
        notice = " ".join(exc.field_errors.values())
        return conversation_page(
            visit, client_id, status=400, appointment=AppointmentForm(notice=notice)
        )
    notice = STALE if isinstance(exc, ValidationFailed) else f"{exc} Nothing was changed."
    return conversation_page(
        visit, client_id, status=409, appointment=AppointmentForm(notice=notice)
    )


def _refused_edit(
    visit: Visit, client_id: str, appointment_id: str, errors: Mapping[str, str], status: int
) -> Response:
    """The edit form again with what was typed; after someone else's change it shows theirs
    too and takes the new version number."""
    client, current = _find(visit, client_id, appointment_id)
    values = {k: visit.form.get(k, "") for k in FIELDS}
    if "version" in errors:
        values["version"] = str(current.version)
    return _edit_page(visit, client, current, values, errors, status)


def _edit_page(
    visit: Visit,
    client: Client,
    appt: Appointment,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    status: int = 200,
) -> Response:
    return visit.page(
        "appointment_edit.html",
        status,
        client=client,
        appt=appt,
        values=values,
        errors=errors,
        appointment_kinds=[(k.value, k.label) for k in rules.Kind],
        place_limit=rules.MAX_PLACE,
        notes_limit=rules.MAX_NOTES,
        **day_bounds(datetime.now(UTC)),
    )
