"""Caseload and client pages. Each view: gate the visit, call one use case, render."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from chalice import Blueprint, Response

from ..config import get_jurisdiction
from ..domain.clients import LANGUAGES, CaseloadOrder, Client
from ..domain.device_keeping import may_keep_caseload
from ..domain.errors import StaleRecord, ValidationFailed
from ..domain.phones import as_typed
from ..lazy import lazy_module
from . import caseload_order, list_cursors
from .errors import friendly_errors
from .keeping import keepable
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import caseload, caseload_lists, unclaimed
    from ..services import unread as unread_state
else:  # loaded by the first page that needs them, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    caseload = lazy_module("chalicelib.services.caseload")
    caseload_lists = lazy_module("chalicelib.services.caseload_lists")
    unclaimed = lazy_module("chalicelib.services.unclaimed")
    unread_state = lazy_module("chalicelib.services.unread")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)
ORDERS: dict[str, str] = {
    CaseloadOrder.NAME: "Name (A–Z)",
    CaseloadOrder.INBOX: "Unread first, then most recent",
    CaseloadOrder.UNREAD: "Unread first",
    CaseloadOrder.RECENT: "Most recent contact",
    "appointment": "Next appointment (within the page)",  # caseload_lists.BY_APPOINTMENT
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
    opening = caseload_order.opening_order(visit.cookies, user.user_id)
    asked = {
        "q": visit.query("q").strip(),
        "order": visit.query("order") or opening,
        "scope": "department" if whole else "mine",
    }
    if template == "caseload.html":
        remember_order(visit, visit.query("order"))
    if visit.query("appointments") == caseload_lists.SOON:
        asked["appointments"] = caseload_lists.SOON
    listed = list_cursors.list_id(
        "caseload", user.user_id, *(f"{k}={v}" for k, v in sorted(asked.items()))
    )
    after, shown_before = list_cursors.decode(
        visit.secret, listed, list_cursors.asked_after(visit.request)
    )
    unread = unread_state.unread_of_later(user, stores.unread)  # read beside the page
    view = caseload_lists.caseload_page(
        user,
        stores.client_lists,
        stores.users if user.oversees_department else None,
        unread_step=caseload_lists.unread_of_person(user, unread, stores.clients),
        unread=unread,
        order=asked["order"],
        query=asked["q"],
        whole_department=whole,
        appointments=asked.get("appointments", ""),
        after=after,
    )
    next_query = ""
    if view.after is not None:
        cursor = list_cursors.encode(
            visit.secret, listed, view.after, shown_before + len(view.clients)
        )
        next_query = urlencode({**asked, "after": cursor})
    live_query = urlencode(
        {**asked, **({"after": list_cursors.asked_after(visit.request)} if after else {})}
    )
    page = visit.page(
        template,
        view=view,
        orders=ORDERS,
        whole_department=whole,
        live_query=live_query,
        first_query=urlencode(asked),
        next_query=next_query,
        shown_before=shown_before,
        opening_order=opening,
    )
    asked_nothing = not visit.request.query_params
    if template == "caseload.html" and may_keep_caseload(
        whole_department=whole, has_query=not asked_nothing
    ):
        return keepable(page, user)
    return page


def remember_order(visit: Visit, order: str) -> None:
    """The reader picked an order on the caseload page: it opens in it next time."""
    user_id = visit.staff.user_id
    kept = caseload_order.remembered(visit.cookies.get(caseload_order.ORDER_COOKIE), user_id)
    if order in caseload_order.KNOWN and order != kept:
        visit.set_cookie(
            caseload_order.ORDER_COOKIE,
            caseload_order.to_remember(order, user_id),
            max_age=caseload_order.REMEMBER_SECONDS,
        )


@bp.route("/clients/new", methods=["GET"])
@guarded
def new_client_page() -> Response:
    visit = signed_in(bp.current_request)
    prefill = {"language": "en", "phone": as_typed(visit.query("phone"))}
    return _client_form(visit, None, prefill, {})


@bp.route("/clients", methods=["POST"], content_types=FORM)
@guarded
def add_client() -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    try:
        client = caseload.add_client(
            visit.staff, stores.clients, stores.users, get_jurisdiction(), visit.form
        )
    except ValidationFailed as exc:
        return _refused_form(visit, None, exc)
    unclaimed.claim_for_new_client(visit.staff, stores.unclaimed, client)
    return visit.redirect(f"/clients/{client.client_id}?saved=added")


@bp.route("/clients/{client_id}/edit", methods=["GET"])
@guarded
def edit_client_page(client_id: str) -> Response:
    visit = signed_in(bp.current_request)
    stores = bootstrap.stores(visit.settings)
    client = caseload.open_client_details(visit.staff, stores.clients, stores.audit, client_id)
    return _client_form(visit, client, stored_values(client), {})


@bp.route("/clients/{client_id}", methods=["POST"], content_types=FORM)
@guarded
def edit_client(client_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    client = caseload.open_client(visit.staff, stores.clients, client_id)
    try:
        caseload.edit_client(
            visit.staff, stores.clients, stores.users, get_jurisdiction(), client_id, visit.form
        )
    except ValidationFailed as exc:
        return _refused_form(visit, client, exc)
    except StaleRecord:
        return _edit_conflict(visit, client_id)
    return visit.redirect(f"/clients/{client_id}?saved=updated")


def stored_values(client: Client) -> dict[str, str]:
    """The edit form's fields as the client is stored now."""
    return {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "phone": client.phone,
        "phone_note": client.phone_note,
        "notes": client.notes,
        "language": client.language,
        "id_number": client.id_number,
        "version": str(client.version),
    }


CONFLICT_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "phone": "Mobile number",
    "phone_note": "Extension or note",
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


def _refused_form(visit: Visit, client: Client | None, exc: ValidationFailed) -> Response:
    """The form again, with everything typed, each refusal next to its field, and a link
    to the client who already has the number when the visitor may open them."""
    holder = exc.holder if isinstance(exc, caseload.NumberTaken) else None
    return _client_form(visit, client, visit.form, exc.field_errors, status=400, holder=holder)


def _client_form(
    visit: Visit,
    client: Client | None,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    status: int = 200,
    holder: Client | None = None,
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
        holder=holder,
        conflict=conflict,
    )
