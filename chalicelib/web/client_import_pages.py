"""Client imports: upload a spreadsheet of clients, see every row's verdict, apply it a
chunk per request (the page's script keeps asking; without it, a Continue button does).
Case managers import into their own caseload, supervisors and admins into their
department's (domain/client_import.py); an import is seen by whoever uploaded it and by
the department's supervisors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from ..config import get_jurisdiction
from ..domain.errors import NotStored, ValidationFailed
from ..lazy import lazy_module
from . import format_forms
from .errors import friendly_errors
from .import_pages import FORM, UPLOAD, read_upload
from .visit import Visit, check_csrf, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import client_import_push, client_imports, court_imports
else:  # loaded by the first import page, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    client_imports = lazy_module("chalicelib.services.client_imports")
    client_import_push = lazy_module("chalicelib.services.client_import_push")
    court_imports = lazy_module("chalicelib.services.court_imports")  # an oversized upload

bp = Blueprint(__name__)
guarded = friendly_errors(bp)
CLIENT_FILE = "client_file"
NOT_SAVED = "ClientComm could not keep the file just now, so nothing changed. Please try again."
# Verdicts and outcomes as people read them (keyed by value: no domain import at cold start).
LABELS = {
    "new": "New client",
    "already here": "Already here",
    "bad phone": "Bad phone number",
    "number taken": "Number held by another client",
    "unknown case manager": "Unknown or inactive case manager",
    "another caseload": "Another caseload",
    "duplicate row": "Duplicate row",
    "bad row": "Bad row",
    "unknown language": "Language neither English nor Spanish",
    "retired client": "Retired client: reactivate them instead",
    "added": "Added",
    "changed meanwhile": "Changed by someone meanwhile",
}
ATTENTION = (
    "bad phone",
    "bad row",
    "unknown language",
    "retired client",
    "unknown case manager",
    "another caseload",
    "number taken",
)


def _deps(visit: Visit) -> client_imports.ClientImportDeps:
    stores = bootstrap.stores(visit.settings)
    return client_imports.ClientImportDeps(
        stores.clients,
        stores.users,
        stores.client_imports,
        stores.audit,
        get_jurisdiction(),
        stores.client_formats,
    )


@bp.route("/client-imports", methods=["GET"])
@guarded
def client_imports_page() -> Response:
    visit = signed_in(bp.current_request)
    client_imports.check_can_import(visit.staff)
    return _upload_page(visit, {})


@bp.route("/client-imports", methods=["POST"], content_types=UPLOAD)
@guarded
def upload() -> Response:
    """Plan the file and keep the plan; the preview follows. CSRF is a field of the form."""
    visit = signed_in(bp.current_request)
    client_imports.check_can_import(visit.staff)
    try:
        sent = read_upload(bp.current_request)
    except court_imports.FileTooLarge as exc:
        return _upload_page(visit, {CLIENT_FILE: " ".join(exc.field_errors.values())}, 413)
    except ValidationFailed as exc:
        return _upload_page(visit, {CLIENT_FILE: " ".join(exc.field_errors.values())}, 400)
    visit.form = sent.fields
    check_csrf(visit)
    file_name, data = sent.files.get(CLIENT_FILE, ("", b""))
    try:
        record = client_imports.upload(
            visit.staff, _deps(visit), file_name, data, datetime.now(UTC)
        )
    except client_imports.UnrecognisedColumns as exc:
        carried = format_forms.sample_json(exc.header, exc.rows, exc.found)
        return _upload_page(visit, exc.field_errors, 400, carried)
    except ValidationFailed as exc:
        return _upload_page(visit, exc.field_errors, 400)
    except NotStored:
        return _upload_page(visit, {"form": NOT_SAVED}, 503)
    return visit.redirect(f"/client-imports/{record.import_id}")


@bp.route("/client-imports/{import_id}", methods=["GET"])
@guarded
def preview_page(import_id: str) -> Response:
    """Before applying: every row's verdict. While applying: the progress. After: what
    was done, and any row refused while applying. Nothing is written."""
    visit = signed_in(bp.current_request)
    shown = client_imports.preview(visit.staff, _deps(visit), import_id, datetime.now(UTC))
    return _shown(visit, "client_import_preview.html", shown)


@bp.route("/client-imports/{import_id}/live", methods=["GET"])
@guarded
def live_state(import_id: str) -> Response:
    """The page's region alone, for an open page's refetch when a push says the import
    moved (a background request: not activity)."""
    visit = signed_in(bp.current_request, background=True)
    shown = client_imports.state_of(visit.staff, _deps(visit), import_id, datetime.now(UTC))
    return _shown(visit, "_client_import_state.html", shown)


def _shown(visit: Visit, template: str, shown: client_imports.Preview) -> Response:
    return visit.page(
        template,
        preview=shown,
        labels=LABELS,
        attention=ATTENTION,
        tally=tally_labels(shown.record.tally),
        chunk_rows=client_imports.CHUNK_STEPS,
    )


@bp.route("/client-imports/{import_id}/apply", methods=["POST"], content_types=FORM)
@guarded
def apply(import_id: str) -> Response:
    """One chunk. The page's script asks for JSON and goes on by itself; a plain form
    post comes back to the page, whose Continue button asks for the next chunk."""
    visit = signed_in(bp.current_request, form=True)
    record = client_imports.apply_next(
        visit.staff, _deps(visit), import_id, datetime.now(UTC), announce=_announcer(visit)
    )
    accept = bp.current_request.headers.get("accept") or ""
    if "application/json" in accept:
        return visit.attach(
            Response(body=progress(record), status_code=200, headers={"Cache-Control": "no-store"})
        )
    return visit.redirect(f"/client-imports/{record.import_id}#apply")


def _announcer(visit: Visit) -> Callable[[client_imports.ClientImport], None]:
    """Tells the import's other open pages it moved (nothing on a stage without pushes)."""
    settings = visit.settings
    if not settings.websocket_push_url:
        return lambda record: None

    def announce(record: client_imports.ClientImport) -> None:
        client_import_push.announce_quietly(
            record,
            connections=bootstrap.connections(settings),
            gateway=bootstrap.push_gateway(settings),
            users=bootstrap.stores(settings).users,
        )

    return announce


def progress(record: client_imports.ClientImport) -> dict[str, Any]:
    """What the page's script needs after each chunk."""
    added = record.tally.get("added", 0)
    return {
        "next_row": record.next_row,
        "rows_total": record.rows_total,
        "done": record.done,
        "summary": f"Went through {record.next_row:,} of {record.rows_total:,} rows: "
        f"{added:,} client{'s' if added != 1 else ''} added so far.",
        "tally": dict(record.tally),
    }


def tally_labels(tally: Mapping[str, int]) -> list[tuple[str, int]]:
    """What applying did per outcome, labelled, added first; zeros left out."""
    order = ["added", *[key for key in LABELS if key not in ("added", "new")]]
    return [(LABELS[key], tally[key]) for key in order if tally.get(key)]


def _upload_page(
    visit: Visit, errors: dict[str, str], status: int = 200, unknown: str = ""
) -> Response:
    """``unknown``: a file's columns (JSON) to carry to the format set-up."""
    return visit.page("client_imports.html", status, errors=errors, unknown=unknown)
