"""Courthouses: the department's table of codes a court file uses and the place each names.

Supervisors and admins only, always their own department. Rows are added, reworded and
removed one at a time (each against the version it was shown at), or the court's own code
table is uploaded (its columns guessed from the header, or chosen by number). A new wording
that would change waiting reminders is shown first and saved only when confirmed
(services/courthouse_wording.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from ..config import get_jurisdiction, reminder_minutes_per_day
from ..domain.errors import NotStored, ValidationFailed
from ..lazy import lazy_module
from .errors import friendly_errors
from .import_pages import UPLOAD, read_upload
from .visit import Visit, check_csrf, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..domain.courthouses import Courthouse
    from ..services import courthouse_wording as wording
    from ..services import courthouses
else:  # loaded by the first courthouse page, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    courthouses = lazy_module("chalicelib.services.courthouses")
    wording = lazy_module("chalicelib.services.courthouse_wording")

bp = Blueprint(__name__)
guarded = friendly_errors(bp)
FORM = ["application/x-www-form-urlencoded"]
COUNTS = ("reworded", "skipped")
NOT_SAVED = "ClientComm could not save that just now, so nothing changed. Please try again."


def _store(visit: Visit) -> Any:
    return bootstrap.stores(visit.settings).department_settings


def _deps(visit: Visit) -> Any:
    stores = bootstrap.stores(visit.settings)
    return wording.WordingDeps(
        stores.department_settings,
        stores.clients,
        stores.appointments,
        stores.department_texts,
        get_jurisdiction(),
        reminder_minutes_per_day(),
    )


def _version(text: str | None) -> int:
    text = (text or "0").strip()
    return int(text) if text.isdigit() else -1


def _done(visit: Visit, outcome: Any, done: str) -> Response:
    """The confirmation page while dates wait; else back to the list, saying what happened."""
    if isinstance(outcome, wording.Pending):
        return visit.page("courthouse_wording.html", pending=outcome, continuing=None, rows=[])
    if outcome.remaining:
        return visit.page(
            "courthouse_wording.html", pending=None, continuing=outcome, rows=_rows(visit.form)
        )
    return visit.redirect(
        f"/courthouses?done={done}&reworded={outcome.reworded}&skipped={outcome.skipped}"
    )


def _rows(form: dict[str, str]) -> list[Courthouse]:
    """The rows a confirmation page carries: code_N, description_N, version_N."""
    from ..domain.courthouses import Courthouse  # court-file rules: not on a webhook's start

    count = _version(form.get("rows"))
    return [
        Courthouse(
            form.get(f"code_{i}", ""),
            form.get(f"description_{i}", ""),
            _version(form.get(f"version_{i}")),
        )
        for i in range(min(max(count, 0), 600))
    ]


@bp.route("/courthouses", methods=["GET"])
@guarded
def courthouses_page() -> Response:
    visit = signed_in(bp.current_request)
    done = visit.query("done") or ""
    reworded, skipped = (int(v) if (v := visit.query(n)).isdigit() else 0 for n in COUNTS)
    return _page(
        visit,
        {},
        done=done if done in ("saved", "removed", "uploaded") else "",
        reworded=reworded,
        skipped=skipped,
    )


@bp.route("/courthouses", methods=["POST"], content_types=FORM)
@guarded
def save_or_remove() -> Response:
    """One row added, reworded (its version as shown) or removed."""
    visit = signed_in(bp.current_request, form=True)
    form = visit.form
    version = _version(form.get("version"))
    now = datetime.now(UTC)
    try:
        if form.get("action") == "remove":
            wording.remove(visit.staff, _deps(visit), form.get("code", ""), version, now)
            return visit.redirect("/courthouses?done=removed")
        outcome = wording.edit(
            visit.staff,
            _deps(visit),
            form.get("code", ""),
            form.get("description", ""),
            version,
            now,
        )
    except ValidationFailed as exc:
        status = 409 if "version" in exc.field_errors else 400
        return _page(visit, exc.field_errors, status, typed=form)
    except NotStored:
        return _page(visit, {"form": NOT_SAVED}, 503, typed=form)
    return _done(visit, outcome, "saved")


@bp.route("/courthouses/confirm", methods=["POST"], content_types=FORM)
@guarded
def confirm_wording() -> Response:
    """The wording a confirmation page showed: saved, and its dates reworded (repeatable:
    a retry or a "Continue" finds done what was done)."""
    visit = signed_in(bp.current_request, form=True)
    try:
        outcome = wording.confirm(visit.staff, _deps(visit), _rows(visit.form), datetime.now(UTC))
    except ValidationFailed as exc:
        status = 409 if "version" in exc.field_errors else 400
        return _page(visit, exc.field_errors, status)
    except NotStored:
        return _page(visit, {"form": NOT_SAVED}, 503)
    return _done(visit, outcome, "saved")


@bp.route("/courthouses/upload", methods=["POST"], content_types=UPLOAD)
@guarded
def upload_table() -> Response:
    visit = signed_in(bp.current_request)
    courthouses.check_can_edit(visit.staff)
    sent = read_upload(bp.current_request)
    visit.form = sent.fields
    check_csrf(visit)
    _, data = sent.files.get("file", ("", b""))
    columns = [
        int(text) if (text := sent.fields.get(name, "").strip()).isdigit() else None
        for name in ("code_column", "description_column")
    ]
    try:
        outcome = wording.upload(
            visit.staff, _deps(visit), data, columns[0], columns[1], datetime.now(UTC)
        )
    except ValidationFailed as exc:
        status = 409 if "version" in exc.field_errors else 400
        return _page(visit, {"file": " ".join(exc.field_errors.values())}, status)
    except NotStored:
        return _page(visit, {"file": NOT_SAVED}, 503)
    return _done(visit, outcome, "uploaded")


def _page(
    visit: Visit,
    errors: dict[str, str],
    status: int = 200,
    *,
    typed: dict[str, str] | None = None,
    done: str = "",
    reworded: int = 0,
    skipped: int = 0,
) -> Response:
    rows = courthouses.courthouses_for(visit.staff, _store(visit), get_jurisdiction())
    return visit.page(
        "courthouses.html",
        status,
        courthouses=rows,
        errors=errors,
        typed=typed or {},
        done=done,
        reworded=reworded,
        skipped=skipped,
    )
