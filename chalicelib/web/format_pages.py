"""Import formats: a supervisor sets up in the app how a court's calendar export reads.

A sample file (uploaded here, or carried from the import page when a file matched no
format: its header and first rows travel in the form, nothing is kept) shows its columns;
each field is chosen by column number, so a column headed ``(expression)`` or nothing at
all is as usable as any. Supervisors and admins only, always their own department.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
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
    from ..domain import import_formats as formats_domain
    from ..services import import_formats
else:  # loaded by the first format page, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    formats_domain = lazy_module("chalicelib.domain.import_formats")
    import_formats = lazy_module("chalicelib.services.import_formats")

bp = Blueprint(__name__)
guarded = friendly_errors(bp)
FORM = ["application/x-www-form-urlencoded"]
SAMPLE_FILE = "sample_file"
NOT_SAVED = "ClientComm could not save the format just now, so nothing changed. Please try again."


def _store(visit: Visit) -> Any:
    return bootstrap.stores(visit.settings).department_settings


@bp.route("/imports/formats", methods=["GET"])
@guarded
def formats_page() -> Response:
    visit = signed_in(bp.current_request)
    found = import_formats.formats_for(visit.staff, _store(visit), get_jurisdiction())
    return visit.page(
        "import_formats.html", formats=found, saved=visit.query("saved") == "1", errors={}
    )


@bp.route("/imports/formats/new", methods=["POST"], content_types=UPLOAD)
@guarded
def new_format() -> Response:
    """A sample file's columns, to map: from an uploaded file or the import page's form."""
    visit = signed_in(bp.current_request)
    import_formats.check_can_set_up(visit.staff)
    sent = read_upload(bp.current_request)
    visit.form = sent.fields
    check_csrf(visit)
    try:
        if SAMPLE_FILE in sent.files:
            sample = import_formats.sample_file(visit.staff, sent.files[SAMPLE_FILE][1])
            header, rows = sample.header, sample.rows
        else:
            header, rows = _carried(sent.fields.get("sample", ""))
    except ValidationFailed as exc:
        found = import_formats.formats_for(visit.staff, _store(visit), get_jurisdiction())
        errors = {SAMPLE_FILE: " ".join(exc.field_errors.values())}
        return visit.page("import_formats.html", 400, formats=found, saved=False, errors=errors)
    values = {"version": "0", "format_id": import_formats.new_format_id()}
    return _form(visit, header, rows, values, {})


@bp.route("/imports/formats/{format_id}", methods=["GET"])
@guarded
def edit_format(format_id: str) -> Response:
    visit = signed_in(bp.current_request)
    chosen = import_formats.open_format(visit.staff, _store(visit), get_jurisdiction(), format_id)
    values = formats_domain.form_of(chosen)
    values["format_id"] = chosen.format_id
    return _form(visit, list(chosen.header), [], values, {})


@bp.route("/imports/formats/save", methods=["POST"], content_types=FORM)
@guarded
def save_format() -> Response:
    visit = signed_in(bp.current_request, form=True)
    header, rows = _carried(visit.form.get("sample", ""))
    try:
        import_formats.save_format(visit.staff, _store(visit), visit.form, header)
    except ValidationFailed as exc:
        status = 409 if "version" in exc.field_errors else 400
        return _form(visit, header, rows, dict(visit.form), exc.field_errors, status)
    except NotStored:
        return _form(visit, header, rows, dict(visit.form), {"form": NOT_SAVED}, 503)
    return visit.redirect("/imports/formats?saved=1")


def _carried(text: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows a form carries (JSON), checked to be lists of text."""
    try:
        raw = json.loads(text) if text else {}
    except ValueError:
        raw = {}
    header = raw.get("header") if isinstance(raw, dict) else None
    rows = raw.get("rows") if isinstance(raw, dict) else None
    if not isinstance(header, list) or not all(isinstance(c, str) for c in header):
        raise ValidationFailed({SAMPLE_FILE: "Upload a sample file from the court to start."})
    if not isinstance(rows, list):
        rows = []
    cells = [[str(c)[:60] for c in row] for row in rows[:5] if isinstance(row, list)]
    return [c[:200] for c in header[: formats_domain.MAX_COLUMNS]], cells


def _form(
    visit: Visit,
    header: list[str],
    rows: list[list[str]],
    values: Mapping[str, str],
    errors: Mapping[str, str],
    status: int = 200,
) -> Response:
    usable = formats_domain.usable_names(header)
    return visit.page(
        "import_format_form.html",
        status,
        header=header,
        rows=rows,
        usable=usable,
        values=values,
        errors=errors,
        fields=formats_domain.FIELDS,
        date_formats=list(formats_domain.DATE_FORMATS),
        time_formats=list(formats_domain.TIME_FORMATS),
        together=formats_domain.TOGETHER,
        sample=json.dumps({"header": header, "rows": rows}),
    )
