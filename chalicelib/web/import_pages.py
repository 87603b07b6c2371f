"""Court-date imports: a supervisor uploads the court's export, sees a verdict for every row,
then applies it a chunk per request (the page's script keeps asking; without it, a
Continue button does the same). Supervisors and admins only, always their own department.

The upload is a multipart form. API Gateway hands it over as binary (app.py lists
multipart/form-data among the binary types), and it is read here with the standard
library's MIME parser, which keeps the file's bytes exactly as sent: the encoding is
decided later, by the domain, from the bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from chalice import Blueprint, Response
from chalice.app import Request

from ..config import get_jurisdiction, reminder_minutes_per_day
from ..domain.errors import NotStored, ValidationFailed
from ..lazy import lazy_module
from .errors import friendly_errors
from .visit import Visit, check_csrf, read_form, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import court_imports, import_formats
else:  # loaded by the first import page, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    court_imports = lazy_module("chalicelib.services.court_imports")
    import_formats = lazy_module("chalicelib.services.import_formats")

bp = Blueprint(__name__)
guarded = friendly_errors(bp)
FORM = ["application/x-www-form-urlencoded"]
# A form posted without a file (an old browser, a script) is answered, not refused with 415.
UPLOAD = ["multipart/form-data", *FORM]
MAX_UPLOAD_BYTES = 4 * 1024 * 1024 + 64 * 1024  # both files at their 2 MB limit, and the form
COURT_FILE = "court_file"
NOT_SAVED = "ClientComm could not keep the file just now, so nothing changed. Please try again."
# Verdicts as people read them (keyed by the verdicts' values: no domain import at cold start).
LABELS = {
    "new": "New",
    "changed": "Changed",
    "unchanged": "Unchanged",
    "unknown id": "Unknown id number",
    "unknown courthouse": "Unknown courthouse code",
    "bad date": "Date or time not in the format",
    "no such day": "No such day",
    "bad time": "Bad time",
    "in the past": "In the past",
    "duplicate row": "Duplicate row",
    "bad row": "Bad row",
}
GONE_LABEL = "No longer in the court's calendar"
# Tallies of rows left alone, in the preview's order ("changed meanwhile": edited or closed
# by someone between the plan and the write).
SKIPPED = (
    "unchanged",
    "unknown id",
    "unknown courthouse",
    "no such day",
    "bad time",
    "bad date",
    "in the past",
    "duplicate row",
    "bad row",
    "changed meanwhile",
)


@dataclass(frozen=True)
class Upload:
    fields: dict[str, str]
    files: dict[str, tuple[str, bytes]]  # field name → (file name, bytes as sent)


def read_upload(request: Request) -> Upload:
    """A multipart body as its text fields and files (the first of each name); a plain
    url-encoded form as fields only. Oversized bodies are refused before parsing."""
    raw = request.raw_body or b""
    body = raw.encode() if isinstance(raw, str) else raw
    if len(body) > MAX_UPLOAD_BYTES:
        size = len(body) / 1024 / 1024
        raise court_imports.FileTooLarge(
            {COURT_FILE: f"The upload is {size:.1f} MB; each file may be at most 2 MB."}
        )
    content_type = " ".join((request.headers.get("content-type") or "").split())
    if not content_type.lower().startswith("multipart/form-data"):
        return Upload(read_form(request), {})
    from email.parser import BytesParser  # only an upload needs the MIME parser
    from email.policy import HTTP

    head = f"Content-Type: {content_type}\r\n\r\n".encode("ascii", errors="replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ValidationFailed({COURT_FILE: "The upload could not be read; try again."})
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = cast(bytes, part.get_payload(decode=True) or b"")
        file_name = part.get_filename()
        if file_name is None:
            fields.setdefault(name, payload.decode("utf-8", errors="replace"))
        else:
            files.setdefault(name, (file_name, payload))
    return Upload(fields, files)


def _deps(visit: Visit) -> court_imports.ImportDeps:
    stores = bootstrap.stores(visit.settings)
    return court_imports.collaborators(
        stores.clients,
        stores.appointments,
        stores.department_texts,
        stores.court_imports,
        get_jurisdiction(),
        reminder_minutes_per_day(),
        stores.department_settings,
    )


@bp.route("/imports", methods=["GET"])
@guarded
def imports_page() -> Response:
    visit = signed_in(bp.current_request)
    return _upload_page(visit, _deps(visit), {})


@bp.route("/imports", methods=["POST"], content_types=UPLOAD)
@guarded
def upload() -> Response:
    """Keep the file and show its preview. The role is checked before the body is read,
    and the CSRF token (a field of the multipart form) before anything is kept."""
    visit = signed_in(bp.current_request)
    deps = _deps(visit)
    court_imports.check_can_import(visit.staff)
    try:
        sent = read_upload(bp.current_request)
    except court_imports.FileTooLarge as exc:
        return _upload_page(visit, deps, exc.field_errors, 413)
    visit.form = sent.fields
    check_csrf(visit)
    file_name, data = sent.files.get(COURT_FILE, ("", b""))
    try:
        record = court_imports.upload(visit.staff, deps, file_name, data, datetime.now(UTC))
    except court_imports.FileTooLarge as exc:
        return _upload_page(visit, deps, exc.field_errors, 413)
    except import_formats.UnknownFormat as exc:
        return _upload_page(visit, deps, exc.field_errors, 400, unknown=exc.sample)
    except ValidationFailed as exc:
        return _upload_page(visit, deps, exc.field_errors, 400)
    except NotStored:
        return _upload_page(visit, deps, {"form": NOT_SAVED}, 503)
    return visit.redirect(f"/imports/{record.import_id}")


@bp.route("/imports/{import_id}", methods=["GET"])
@guarded
def preview_page(import_id: str) -> Response:
    """Before applying: every row's verdict. While applying: the progress. After: what
    was done. Nothing is written."""
    visit = signed_in(bp.current_request)
    params: Mapping[str, str] = bp.current_request.query_params or {}
    whole = params.get("whole") == "yes"
    shown = court_imports.preview(visit.staff, _deps(visit), import_id, datetime.now(UTC), whole)
    return visit.page(
        "import_preview.html",
        preview=shown,
        labels=LABELS,
        gone_label=GONE_LABEL,
        attention=court_imports.ATTENTION,
        skipped=skipped_labels(shown.record.skipped),
        chunk_rows=court_imports.CHUNK_ROWS,
    )


@bp.route("/imports/{import_id}/again", methods=["POST"], content_types=FORM)
@guarded
def check_again(import_id: str) -> Response:
    """The kept file planned afresh (a courthouse, a client or a format added since): a
    new import of the same bytes, so the preview's kept plan is never silently redone."""
    visit = signed_in(bp.current_request, form=True)
    deps = _deps(visit)
    try:
        record = court_imports.check_again(visit.staff, deps, import_id, datetime.now(UTC))
    except ValidationFailed as exc:
        return _upload_page(visit, deps, exc.field_errors, 400)
    except NotStored:
        return _upload_page(visit, deps, {"form": NOT_SAVED}, 503)
    return visit.redirect(f"/imports/{record.import_id}")


@bp.route("/imports/{import_id}/apply", methods=["POST"], content_types=FORM)
@guarded
def apply(import_id: str) -> Response:
    """One chunk. The page's script asks for JSON and goes on by itself; a plain form
    post comes back to the page, whose Continue button asks for the next chunk."""
    visit = signed_in(bp.current_request, form=True)
    choice = court_imports.GoneChoice(
        cancel=visit.form.get("whole") == "yes" and visit.form.get("gone") == "cancel",
        notify=visit.form.get("notify") == "yes",
    )
    record = court_imports.apply_next(
        visit.staff, _deps(visit), import_id, datetime.now(UTC), choice=choice
    )
    accept = bp.current_request.headers.get("accept") or ""
    if "application/json" in accept:
        body = progress(record)
        return visit.attach(
            Response(body=body, status_code=200, headers={"Cache-Control": "no-store"})
        )
    return visit.redirect(f"/imports/{record.import_id}#apply")


def progress(record: court_imports.CourtImport) -> dict[str, Any]:
    """What the page's script needs after each chunk."""
    rows = min(record.next_row, record.rows_total)
    status = f"Applied {rows:,} of {record.rows_total:,} rows."
    if record.cancel_gone and record.gone_total:
        gone = max(0, record.next_row - record.rows_total)
        status += f" Went through {gone:,} of {record.gone_total:,} dates to cancel."
    return {
        "next_row": record.next_row,
        "rows_total": record.steps_total,  # the progress bar's end: rows, then cancellations
        "done": record.done,
        "applied": {"added": record.added, "moved": record.moved},
        "cancelled": record.cancelled,
        "skipped": dict(record.skipped),
        "status": status,
    }


def skipped_labels(skipped: Mapping[str, int]) -> list[tuple[str, int]]:
    """The tallies of rows left alone, labelled, in the preview's order; zeros left out."""
    names = {**LABELS, "changed meanwhile": "Changed by someone meanwhile"}
    return [(names[key], skipped[key]) for key in SKIPPED if skipped.get(key)]


def _upload_page(
    visit: Visit,
    deps: court_imports.ImportDeps,
    errors: dict[str, str],
    status: int = 200,
    unknown: Any = None,
) -> Response:
    formats = []
    if deps.settings is not None:
        formats = import_formats.formats_for(visit.staff, deps.settings, deps.jurisdiction)
    return visit.page(
        "imports.html",
        status,
        formats=formats,
        recent=court_imports.recent_imports(visit.staff, deps, datetime.now(UTC)),
        errors=errors,
        unknown=unknown,
        unknown_json=_sample_json(unknown),
    )


def _sample_json(sample: Any) -> str:
    """A file's header and first rows, carried to the format set-up page in the form."""
    if sample is None:
        return ""
    import json

    return json.dumps({"header": sample.header, "rows": sample.rows})
