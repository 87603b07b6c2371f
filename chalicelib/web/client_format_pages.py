"""Client-import formats: say which column of a county's client export holds which
field, once per header, for the whole department.

A file whose header the documented names miss is not imported; the upload page carries
its header and first rows (JSON in the form, nothing kept) here, where each field is
chosen by column number, prefilled with what the names did recognise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from ..domain.errors import NotStored, ValidationFailed
from ..lazy import lazy_module
from .errors import friendly_errors
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..domain import client_import_formats as formats_domain
    from ..domain import import_formats as court_formats
    from ..services import client_import_formats
else:  # loaded by the first format page, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    formats_domain = lazy_module("chalicelib.domain.client_import_formats")
    court_formats = lazy_module("chalicelib.domain.import_formats")
    client_import_formats = lazy_module("chalicelib.services.client_import_formats")

bp = Blueprint(__name__)
guarded = friendly_errors(bp)
FORM = ["application/x-www-form-urlencoded"]
NOT_SAVED = "ClientComm could not save the format just now, so nothing changed. Please try again."
START = "Upload the file on Import clients: a file whose columns are not recognised comes here."


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
    header, rows, found = carried(visit.form.get("sample", ""))
    values = {
        "version": "0",
        "format_id": client_import_formats.new_format_id(),
        **{f"column_{k}": str(i + 1) for k, i in found.items()},
    }
    return _form(visit, header, rows, values, {})


@bp.route("/client-imports/formats/save", methods=["POST"], content_types=FORM)
@guarded
def save_format() -> Response:
    visit = signed_in(bp.current_request, form=True)
    header, rows, _ = carried(visit.form.get("sample", ""))
    store = _store(visit)
    try:
        client_import_formats.save_format(visit.staff, store, visit.form, header)
    except ValidationFailed as exc:
        if "version" not in exc.field_errors:
            return _form(visit, header, rows, dict(visit.form), exc.field_errors, 400)
        now = client_import_formats.open_format(visit.staff, store, visit.form.get("format_id", ""))
        current = formats_domain.form_of(now)
        return _form(visit, list(now.header), rows, current, exc.field_errors, 409)
    except NotStored:
        return _form(visit, header, rows, dict(visit.form), {"form": NOT_SAVED}, 503)
    return visit.redirect("/client-imports/formats?saved=1")


@bp.route("/client-imports/formats/{format_id}", methods=["GET"])
@guarded
def edit_format(format_id: str) -> Response:
    visit = signed_in(bp.current_request)
    chosen = client_import_formats.open_format(visit.staff, _store(visit), format_id[:40])
    return _form(visit, list(chosen.header), [], formats_domain.form_of(chosen), {})


def carried(text: str) -> tuple[list[str], list[list[str]], dict[str, int]]:
    """The header, first rows and recognised fields a form carries (JSON), checked."""
    try:
        raw = json.loads(text) if text else {}
    except ValueError:
        raw = {}
    if not isinstance(raw, dict):
        raw = {}
    header = raw.get("header")
    if not isinstance(header, list) or not header or not all(isinstance(c, str) for c in header):
        raise ValidationFailed({"sample": START})
    rows = raw.get("rows")
    rows = rows if isinstance(rows, list) else []
    cells = [[str(c)[:60] for c in row] for row in rows[:5] if isinstance(row, list)]
    width = min(len(header), court_formats.MAX_COLUMNS)
    found_raw = raw.get("found")
    found_raw = found_raw if isinstance(found_raw, dict) else {}
    found = {
        key: index
        for key, index in found_raw.items()
        if key in formats_domain.FIELDS and isinstance(index, int) and 0 <= index < width
    }
    return [c[:200] for c in header[:width]], cells, found


def sample_json(header: list[str], rows: list[list[str]], found: Mapping[str, int]) -> str:
    """What a form carries to the set-up page (the upload page's, and the form's own)."""
    return json.dumps({"header": header, "rows": rows, "found": dict(found)})


def _form(
    visit: Visit,
    header: list[str],
    rows: list[list[str]],
    values: Mapping[str, str],
    errors: Mapping[str, str],
    status: int = 200,
) -> Response:
    return visit.page(
        "client_import_format_form.html",
        status,
        header=header,
        rows=rows,
        usable=court_formats.usable_names(header),
        values=values,
        errors=errors,
        fields=formats_domain.FIELDS,
        required=formats_domain.REQUIRED,
        sample=sample_json(header, rows, {}),
    )
