"""Client-import formats: say which column of a county's client export holds which
field, once per header, for the whole department.

A file whose header the documented names miss is not imported; the upload page carries
its header and first rows (JSON in the form, nothing kept) here, where each field is
chosen by column number on the form both kinds of format share (web/format_forms.py),
prefilled with what the names did recognise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from ..lazy import lazy_module
from .errors import friendly_errors
from .format_forms import FORM, FormatKind, carried, edit_page, form_page, save_from_form
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..domain import client_import_formats as formats_domain
    from ..services import client_import_formats
else:  # loaded by the first format page, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    formats_domain = lazy_module("chalicelib.domain.client_import_formats")
    client_import_formats = lazy_module("chalicelib.services.client_import_formats")

bp = Blueprint(__name__)
guarded = friendly_errors(bp)
START = "Upload the file on Import clients: a file whose columns are not recognised comes here."
CLIENT = FormatKind(
    "client",
    "/client-imports/formats",
    ("sample", START),
    lambda: {"fields": formats_domain.FIELDS, "required": formats_domain.REQUIRED},
    save=lambda visit, header: client_import_formats.save_format(
        visit.staff, _store(visit), visit.form, header
    ),
    reopen=lambda visit, format_id: client_import_formats.open_format(
        visit.staff, _store(visit), format_id
    ),
    form_of=lambda chosen: formats_domain.form_of(chosen),
)


def _store(visit: Visit) -> Any:
    return bootstrap.stores(visit.settings).client_formats


@bp.route("/client-imports/formats", methods=["GET"])
@guarded
def formats_page() -> Response:
    visit = signed_in(bp.current_request)
    found = client_import_formats.formats_for(visit.staff, _store(visit))
    return visit.page(
        "client_import_formats.html", formats=found, saved=visit.query("saved") == "1"
    )


@bp.route("/client-imports/formats/new", methods=["POST"], content_types=FORM)
@guarded
def new_format() -> Response:
    """The columns the upload page carried, to say what each holds."""
    visit = signed_in(bp.current_request, form=True)
    client_import_formats.check_can_set_up(visit.staff)
    header, rows, found = carried(visit.form.get("sample", ""), CLIENT)
    values = {
        "version": "0",
        "format_id": client_import_formats.new_format_id(),
        **{f"column_{k}": str(i + 1) for k, i in found.items()},
    }
    return form_page(visit, CLIENT, header, rows, values, {})


@bp.route("/client-imports/formats/save", methods=["POST"], content_types=FORM)
@guarded
def save_format() -> Response:
    return save_from_form(signed_in(bp.current_request, form=True), CLIENT)


@bp.route("/client-imports/formats/{format_id}", methods=["GET"])
@guarded
def edit_format(format_id: str) -> Response:
    return edit_page(signed_in(bp.current_request), CLIENT, format_id)
