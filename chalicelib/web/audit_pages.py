"""The Audit page: supervisors and admins search their department's trail (by client,
member of staff and dates), a page at a time, and download a disclosure export. Viewing and
exporting are themselves written to the trail (services/audit_trail.py, audit_export.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from ..config import get_jurisdiction
from ..domain.errors import ValidationFailed
from ..lazy import lazy_module
from . import list_cursors
from .downloads import attachment
from .errors import friendly_errors
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import audit_export, audit_trail
else:  # loaded by the first audit page, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    audit_trail = lazy_module("chalicelib.services.audit_trail")
    audit_export = lazy_module("chalicelib.services.audit_export")

bp = Blueprint(__name__)
guarded = friendly_errors(bp)
FORM = ["application/x-www-form-urlencoded"]
FIELDS = ("client", "staff", "from", "to")


def _deps(visit: Visit) -> Any:
    stores = bootstrap.stores(visit.settings)
    return audit_trail.TrailDeps(
        stores.audit_pages, stores.audit, stores.users, stores.clients, get_jurisdiction().zone
    )


def _today() -> Any:
    return datetime.now(UTC).astimezone(get_jurisdiction().zone).date()


@bp.route("/audit", methods=["GET"])
@guarded
def audit_page() -> Response:
    visit = signed_in(bp.current_request)
    audit_trail.may_read_trail(visit.staff)
    asked = {name: visit.query(name) for name in FIELDS}
    deps = _deps(visit)
    staff = audit_trail.department_staff(visit.staff, deps)
    try:
        search = audit_trail.search_from(visit.staff, deps, asked, _today())
        listed = list_cursors.list_id(visit.staff.user_id, "audit", *search.described().values())
        after, shown = list_cursors.decode(
            visit.secret, listed, list_cursors.asked_after(bp.current_request)
        )
    except ValidationFailed as exc:
        return visit.page(
            "audit.html", 400, errors=exc.field_errors, asked=asked, staff=staff, rows=[]
        )
    found = audit_trail.read(visit.staff, deps, search, after)
    more = (
        list_cursors.encode(visit.secret, listed, found.after, shown + len(found.entries))
        if found.after
        else ""
    )
    return visit.page(
        "audit.html",
        errors={},
        asked={**asked, **search.described()},
        search=search,
        staff=staff,
        rows=audit_trail.shown(found.entries, deps, staff),
        more=more,
        shown=shown,
    )


@bp.route("/audit/export", methods=["POST"], content_types=FORM)
@guarded
def export() -> Response:
    """One client's (or one staff member's) whole record between two dates, as one file."""
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    search = audit_trail.search_from(visit.staff, _deps(visit), visit.form, _today())
    made = audit_export.export(
        visit.staff, audit_export.ExportDeps(_deps(visit), stores.conversations), search
    )
    response = Response(
        body=made.text,
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": attachment(made.filename),
            "Cache-Control": "no-store",
        },
    )
    return visit.attach(response)
