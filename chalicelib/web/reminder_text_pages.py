"""The reminder-text editor: a supervisor changes the wording of the department's reminders
and replies, and sees each filled in for an example client before saving.

There is no department in the URL: the page is always the signed-in supervisor's own
department, so no supervisor can reach another's. "Preview" shows what was typed without
saving; a refusal shows the form again with every box as typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from ..config import get_jurisdiction
from ..domain.errors import NotStored, ValidationFailed
from ..domain.reminder_texts import MAX_TEMPLATE, PLACEHOLDERS
from ..lazy import lazy_module
from .errors import friendly_errors
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import reminder_texts
else:  # loaded by the first page that needs them, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    reminder_texts = lazy_module("chalicelib.services.reminder_texts")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)
NOT_SAVED = "ClientComm could not save that just now, so nothing changed. Please try again."


@bp.route("/reminder-texts", methods=["GET"])
@guarded
def editor() -> Response:
    """Supervisors only: a case manager gets the Forbidden page from the use case."""
    visit = signed_in(bp.current_request)
    store = bootstrap.stores(visit.settings).department_texts
    editing = reminder_texts.texts_for_editing(visit.staff, store, visit.staff.department_id)
    return _page(visit, editing, saved=visit.query("saved") == "1")


@bp.route("/reminder-texts", methods=["POST"], content_types=FORM)
@guarded
def save_or_preview() -> Response:
    """Saves only when the Save button was pressed; anything else previews."""
    visit = signed_in(bp.current_request, form=True)
    store = bootstrap.stores(visit.settings).department_texts
    if visit.form.get("action") != "save":
        current = reminder_texts.texts_for_editing(visit.staff, store, visit.staff.department_id)
        return _page(visit, current.typed(visit.form), previewing=True)
    try:
        reminder_texts.save_texts(visit.staff, store, visit.form)
    except ValidationFailed as exc:
        status = 409 if "version" in exc.field_errors else 400
        return _refused(visit, exc.field_errors, status)
    except NotStored:
        return _refused(visit, {"form": NOT_SAVED}, 503)
    return visit.redirect("/reminder-texts?saved=1")


def _refused(visit: Visit, errors: Mapping[str, str], status: int) -> Response:
    """The editor again as typed, at the version saved now; after someone else's save it
    shows their wording too, so saving over it is a deliberate choice."""
    store = bootstrap.stores(visit.settings).department_texts
    current = reminder_texts.texts_for_editing(visit.staff, store, visit.staff.department_id)
    saved_now = {}
    if "version" in errors:
        saved_now = {f.name: f.template for f in current.fields}
    return _page(visit, current.typed(visit.form), status, errors=errors, saved_now=saved_now)


def _page(
    visit: Visit,
    editing: reminder_texts.Editing,
    status: int = 200,
    *,
    errors: Mapping[str, str] | None = None,
    saved_now: Mapping[str, str] | None = None,
    saved: bool = False,
    previewing: bool = False,
) -> Response:
    jurisdiction = get_jurisdiction()
    now = datetime.now(UTC)
    previews = reminder_texts.preview_all(editing, jurisdiction, now)
    problems = {name: p.error for name, p in previews.items() if p.error}
    problems.update(errors or {})
    return visit.page(
        "reminder_texts.html",
        status,
        editing=editing,
        previews=previews,
        errors=problems,
        saved_now=saved_now or {},
        saved=saved,
        previewing=previewing,
        placeholders=PLACEHOLDERS,
        max_template=MAX_TEMPLATE,
        sample=reminder_texts.sample_values(jurisdiction, now),
        jurisdiction=jurisdiction,
    )
