"""The format set-up form, one for both kinds of format: a court's calendar export
(``/imports/formats``, web/format_pages.py) and a client spreadsheet
(``/client-imports/formats``, web/client_format_pages.py).

A sample's header and first rows travel in the form (JSON, nothing kept); each field is
chosen by column number, so a column headed ``(expression)`` or nothing at all is as
usable as any. What differs between the kinds (the fields, the formats page, the wording
of templates/import_format_form.html) is a ``FormatKind``; the rest is written here once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalice import Response

from ..domain.errors import NotStored, ValidationFailed
from ..lazy import lazy_module
from .visit import Visit

if TYPE_CHECKING:
    from ..domain import import_formats as formats_domain
else:  # loaded by the first format page, not by every cold start
    formats_domain = lazy_module("chalicelib.domain.import_formats")

FORM = ["application/x-www-form-urlencoded"]
NOT_SAVED = "ClientComm could not save the format just now, so nothing changed. Please try again."
MAX_CELL = 60  # a sample cell as shown
MAX_HEADER_CELL = 200
SAMPLE_ROWS = 5


@dataclass(frozen=True)
class FormatKind:
    """One kind of format, as its set-up form needs it."""

    name: str  # "court" or "client": the form's wording
    home: str  # its formats page; the form saves to ``home + "/save"``
    no_sample: tuple[str, str]  # the field and message when a form carries no header
    details: Callable[[], Mapping[str, Any]]  # fields, required, ...: read on first use
    save: Callable[[Visit, list[str]], object]  # the posted form, for the sample's header
    reopen: Callable[[Visit, str], Any]  # a format of the visitor's department, by id
    form_of: Callable[[Any], dict[str, str]]  # a format as the form's values


def carried(text: str, kind: FormatKind) -> tuple[list[str], list[list[str]], dict[str, int]]:
    """The header, first rows and already recognised fields a form carries (JSON),
    checked to be text and cut to size; ValidationFailed when there is no header."""
    try:
        raw = json.loads(text) if text else {}
    except ValueError:
        raw = {}
    if not isinstance(raw, dict):
        raw = {}
    header = raw.get("header")
    if not isinstance(header, list) or not header or not all(isinstance(c, str) for c in header):
        raise ValidationFailed(dict([kind.no_sample]))
    rows = raw.get("rows")
    rows = rows if isinstance(rows, list) else []
    rows = [row for row in rows[:SAMPLE_ROWS] if isinstance(row, list)]
    cells = [[str(c)[:MAX_CELL] for c in row] for row in rows]
    width = min(len(header), formats_domain.MAX_COLUMNS)
    found_raw = raw.get("found")
    found_raw = found_raw if isinstance(found_raw, dict) else {}
    fields = kind.details()["fields"]
    found = {
        key: index
        for key, index in found_raw.items()
        if key in fields and isinstance(index, int) and 0 <= index < width
    }
    return [c[:MAX_HEADER_CELL] for c in header[:width]], cells, found


def sample_json(header: list[str], rows: list[list[str]], found: Mapping[str, int]) -> str:
    """What a form carries to the set-up form (an upload page's, and the form's own)."""
    return json.dumps({"header": header, "rows": rows, "found": dict(found)})


def form_page(
    visit: Visit,
    kind: FormatKind,
    header: list[str],
    rows: list[list[str]],
    values: Mapping[str, str],
    errors: Mapping[str, str],
    status: int = 200,
) -> Response:
    """The set-up form for ``header``, filled with ``values``, its mistakes on their fields."""
    context: dict[str, Any] = {"date_formats": [], "time_formats": [], "together": ""}
    context.update(kind.details())
    return visit.page(
        "import_format_form.html",
        status,
        kind=kind.name,
        home=kind.home,
        header=header,
        rows=rows,
        usable=formats_domain.usable_names(header),
        values=values,
        errors=errors,
        sample=sample_json(header, rows, {}),
        **context,
    )


def edit_page(visit: Visit, kind: FormatKind, format_id: str) -> Response:
    """A saved format's form, to change it (its sample rows are not kept)."""
    chosen = kind.reopen(visit, format_id[:40])
    values = {**kind.form_of(chosen), "format_id": chosen.format_id}
    return form_page(visit, kind, list(chosen.header), [], values, {})


def save_from_form(visit: Visit, kind: FormatKind) -> Response:
    """Save the posted form. Refused as stale (409), the form shows the format as it is
    now, at its version, for the change to be made again; its other mistakes (400) and a
    failed write (503) show what was sent."""
    header, rows, _ = carried(visit.form.get("sample", ""), kind)
    sent = dict(visit.form)
    try:
        kind.save(visit, header)
    except ValidationFailed as exc:
        if "version" not in exc.field_errors:
            return form_page(visit, kind, header, rows, sent, exc.field_errors, 400)
        now = kind.reopen(visit, sent.get("format_id", ""))
        current = {**kind.form_of(now), "format_id": now.format_id}
        shown = list(now.header) or header
        return form_page(visit, kind, shown, rows, current, exc.field_errors, 409)
    except NotStored:
        return form_page(visit, kind, header, rows, sent, {"form": NOT_SAVED}, 503)
    return visit.redirect(f"{kind.home}?saved=1")
