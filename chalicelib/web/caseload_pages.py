"""Caseload and client pages. Each view: gate the visit, call one use case, render."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from chalice import Blueprint, Response

from ..domain.clients import LANGUAGES, CaseloadOrder, Client
from ..domain.errors import StaleRecord, ValidationFailed
from ..lazy import lazy_module
from .errors import friendly_errors
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import caseload, unclaimed
else:  # loaded by the first page that needs them, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    caseload = lazy_module("chalicelib.services.caseload")
    unclaimed = lazy_module("chalicelib.services.unclaimed")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)
ORDERS: dict[str, str] = {
    CaseloadOrder.NAME: "Name (A–Z)",
    CaseloadOrder.UNREAD: "Unread first",
    CaseloadOrder.RECENT: "Most recent contact",
    "appointment": "Next appointment",  # services.caseload.BY_APPOINTMENT
}


@bp.route("/", methods=["GET"])
@guarded
def home() -> Response:
    return signed_in(bp.current_request).redirect("/caseload")


@bp.route("/caseload", methods=["GET"])
@guarded
def caseload_page() -> Response:
    return _caseload(signed_in(bp.current_request), "caseload.html")


@bp.route("/caseload/live", methods=["GET"])
@guarded
def caseload_live() -> Response:
    """The list alone, for the page's live refresh."""
    return _caseload(signed_in(bp.current_request, background=True), "_caseload_list.html")


def _caseload(visit: Visit, template: str) -> Response:
    user = visit.staff
    stores = bootstrap.stores(visit.settings)
    whole = user.oversees_department and visit.query("scope", "department") == "department"
    view = caseload.view_caseload(
        user,
        stores.clients,
        stores.users if user.oversees_department else None,
        order=visit.query("order"),
        query=visit.query("q"),
        whole_department=whole,
        appointments=visit.query("appointments"),
    )
    live = {"q": view.query, "order": view.order, "scope": "department" if whole else "mine"}
    if view.soon_only:
        live["appointments"] = caseload.SOON
    live_query = urlencode(live)
    return visit.page(
        template, view=view, orders=ORDERS, whole_department=whole, live_query=live_query
    )


@bp.route("/clients/new", methods=["GET"])
@guarded
def new_client_page() -> Response:
    visit = signed_in(bp.current_request)
    prefill = {"language": "en", "phone": visit.query("phone")}
    return _client_form(visit, None, prefill, {})


@bp.route("/clients", methods=["POST"], content_types=FORM)
@guarded
def add_client() -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    try:
        client = caseload.add_client(visit.staff, stores.clients, stores.users, visit.form)
    except ValidationFailed as exc:
        return _client_form(visit, None, visit.form, exc.field_errors, status=400)
    unclaimed.claim_for_new_client(visit.staff, stores.unclaimed, client)
    return visit.redirect(f"/clients/{client.client_id}?saved=added")


@bp.route("/clients/{client_id}/edit", methods=["GET"])
@guarded
def edit_client_page(client_id: str) -> Response:
    visit = signed_in(bp.current_request)
    client = caseload.open_client(visit.staff, bootstrap.stores(visit.settings).clients, client_id)
    return _client_form(visit, client, stored_values(client), {})


@bp.route("/clients/{client_id}", methods=["POST"], content_types=FORM)
@guarded
def edit_client(client_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    client = caseload.open_client(visit.staff, stores.clients, client_id)
    try:
        caseload.edit_client(visit.staff, stores.clients, stores.users, client_id, visit.form)
    except ValidationFailed as exc:
        return _client_form(visit, client, visit.form, exc.field_errors, status=400)
    except StaleRecord:
        return _edit_conflict(visit, client_id)
    return visit.redirect(f"/clients/{client_id}?saved=updated")


def stored_values(client: Client) -> dict[str, str]:
    """The edit form's fields as the client is stored now."""
    return {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "phone": client.phone,
        "notes": client.notes,
        "language": client.language,
        "id_number": client.id_number,
        "version": str(client.version),
    }


CONFLICT_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "phone": "Mobile number",
    "language": "Preferred language",
    "id_number": "Id number",
    "notes": "Notes",
}


def _edit_conflict(visit: Visit, client_id: str) -> Response:
    """Someone saved the client after this form was opened: the form again with what was
    typed, their version beside it, and their version number, so that saving again is a
    deliberate choice to put these values over theirs."""
    current = caseload.open_client(visit.staff, bootstrap.stores(visit.settings).clients, client_id)
    theirs = stored_values(current)
    typed = {name: visit.form.get(name, "") for name in theirs}
    differences = [
        (label, _shown(name, theirs[name]), _shown(name, typed[name]))
        for name, label in CONFLICT_LABELS.items()
        if theirs[name].strip() != typed[name].strip()
    ]
    values = {**typed, "version": theirs["version"]}
    return _client_form(visit, current, values, {}, status=409, conflict=differences)


def _shown(name: str, value: str) -> str:
    return LANGUAGES.get(value, value) if name == "language" else value


@bp.route("/clients/{client_id}/reassign", methods=["POST"], content_types=FORM)
@guarded
def reassign_client(client_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    caseload.reassign_client(visit.staff, stores.clients, stores.users, client_id, visit.form)
    return visit.redirect(f"/clients/{client_id}?saved=moved")


def _client_form(
    visit: Visit,
    client: Client | None,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    status: int = 200,
    conflict: list[tuple[str, str, str]] | None = None,
) -> Response:
    stores = bootstrap.stores(visit.settings)
    managers = (
        caseload.case_managers_of(visit.staff, stores.users)
        if client is None and visit.staff.oversees_department
        else []
    )
    return visit.page(
        "client_form.html",
        status,
        client=client,
        values=values,
        errors=errors,
        languages=LANGUAGES,
        managers=managers,
        conflict=conflict,
    )
