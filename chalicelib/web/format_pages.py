"""Import formats: a supervisor sets up in the app how a court's calendar export reads.

A sample file (uploaded here, or carried from the import page when a file matched no
format: its header and first rows travel in the form, nothing is kept) shows its columns;
each field is chosen by column number on the form both kinds of format share
(web/format_forms.py). Supervisors and admins only, always their own department.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from ..config import get_jurisdiction
from ..domain.errors import ValidationFailed
from ..lazy import lazy_module
from .errors import friendly_errors
from .format_forms import FORM, FormatKind, carried, edit_page, form_page, save_from_form
from .import_pages import UPLOAD, read_upload
from .visit import Visit, check_csrf, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..domain import court_import
    from ..domain import import_formats as formats_domain
    from ..services import import_formats
else:  # loaded by the first format page, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    court_import = lazy_module("chalicelib.domain.court_import")
    formats_domain = lazy_module("chalicelib.domain.import_formats")
    import_formats = lazy_module("chalicelib.services.import_formats")

bp = Blueprint(__name__)
guarded = friendly_errors(bp)
SAMPLE_FILE = "sample_file"


def _court_details() -> dict[str, Any]:
    return {
        "fields": formats_domain.FIELDS,
        "required": court_import.REQUIRED_COLUMNS,
        "date_formats": list(formats_domain.DATE_FORMATS),
        "time_formats": list(formats_domain.TIME_FORMATS),
        "together": formats_domain.TOGETHER,
    }


COURT = FormatKind(
    "court",
    "/imports/formats",
    (SAMPLE_FILE, "Upload a sample file from the court to start."),
    _court_details,
    save=lambda visit, header: import_formats.save_format(
        visit.staff, _store(visit), visit.form, header
    ),
    reopen=lambda visit, format_id: import_formats.open_format(
        visit.staff, _store(visit), get_jurisdiction(), format_id
    ),
    form_of=lambda chosen: formats_domain.form_of(chosen),
)


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
            header, rows, _ = carried(sent.fields.get("sample", ""), COURT)
    except ValidationFailed as exc:
        found = import_formats.formats_for(visit.staff, _store(visit), get_jurisdiction())
        errors = {SAMPLE_FILE: " ".join(exc.field_errors.values())}
        return visit.page("import_formats.html", 400, formats=found, saved=False, errors=errors)
    values = {"version": "0", "format_id": import_formats.new_format_id()}
    return form_page(visit, COURT, header, rows, values, {})


@bp.route("/imports/formats/{format_id}", methods=["GET"])
@guarded
def edit_format(format_id: str) -> Response:
    return edit_page(signed_in(bp.current_request), COURT, format_id)


@bp.route("/imports/formats/save", methods=["POST"], content_types=FORM)
@guarded
def save_format() -> Response:
    return save_from_form(signed_in(bp.current_request, form=True), COURT)
