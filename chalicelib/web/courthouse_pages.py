"""Courthouses: the department's table of codes a court file uses and the place each names.

Supervisors and admins only, always their own department. Rows are added, reworded and
removed one at a time (each against the version it was shown at), or the court's own code
table is uploaded (its columns guessed from the header, or chosen by number).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from ..config import get_jurisdiction
from ..domain.errors import NotStored, ValidationFailed
from ..lazy import lazy_module
from .errors import friendly_errors
from .import_pages import UPLOAD, read_upload
from .visit import Visit, check_csrf, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import courthouses
else:  # loaded by the first courthouse page, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    courthouses = lazy_module("chalicelib.services.courthouses")

bp = Blueprint(__name__)
guarded = friendly_errors(bp)
FORM = ["application/x-www-form-urlencoded"]
NOT_SAVED = "ClientComm could not save that just now, so nothing changed. Please try again."


def _store(visit: Visit) -> Any:
    return bootstrap.stores(visit.settings).department_settings


@bp.route("/courthouses", methods=["GET"])
@guarded
def courthouses_page() -> Response:
    visit = signed_in(bp.current_request)
    done = visit.query("done") or ""
    return _page(visit, {}, done=done if done in ("saved", "removed", "uploaded") else "")


@bp.route("/courthouses", methods=["POST"], content_types=FORM)
@guarded
def save_or_remove() -> Response:
    """One row added, reworded (its version as shown) or removed."""
    visit = signed_in(bp.current_request, form=True)
    form = visit.form
    version_text = (form.get("version") or "0").strip()
    version = int(version_text) if version_text.isdigit() else -1
    try:
        if form.get("action") == "remove":
            courthouses.remove_courthouse(
                visit.staff, _store(visit), get_jurisdiction(), form.get("code", ""), version
            )
            return visit.redirect("/courthouses?done=removed")
        courthouses.save_courthouse(
            visit.staff,
            _store(visit),
            get_jurisdiction(),
            form.get("code", ""),
            form.get("description", ""),
            version,
        )
    except ValidationFailed as exc:
        status = 409 if "version" in exc.field_errors else 400
        return _page(visit, exc.field_errors, status, typed=form)
    except NotStored:
        return _page(visit, {"form": NOT_SAVED}, 503, typed=form)
    return visit.redirect("/courthouses?done=saved")


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
        courthouses.upload_table(
            visit.staff, _store(visit), get_jurisdiction(), data, columns[0], columns[1]
        )
    except ValidationFailed as exc:
        return _page(visit, {"file": " ".join(exc.field_errors.values())}, 400)
    except NotStored:
        return _page(visit, {"file": NOT_SAVED}, 503)
    return visit.redirect("/courthouses?done=uploaded")


def _page(
    visit: Visit,
    errors: dict[str, str],
    status: int = 200,
    *,
    typed: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    rows = courthouses.courthouses_for(visit.staff, _store(visit), get_jurisdiction())
    return visit.page(
        "courthouses.html", status, courthouses=rows, errors=errors, typed=typed or {}, done=done
    )
