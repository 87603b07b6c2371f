"""Groups: the list and a group's page; clients go in from the caseload's ticked rows and
from the client page, and come out from the group's page."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from chalice import Blueprint, Response
from chalice.app import Request

from ..domain.errors import ValidationFailed
from ..lazy import lazy_module
from .errors import friendly_errors
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import groups
else:  # loaded by the first page that needs them, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    groups = lazy_module("chalicelib.services.groups")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)


def every_value(request: Request, name: str) -> list[str]:
    """All values of a repeated field (ticked rows); ``read_form`` keeps only the first.
    The body's size was checked by ``signed_in(form=True)``."""
    raw = request.raw_body or b""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    return [v[:64] for v in parse_qs(text).get(name, []) if v][:2000]


@bp.route("/groups", methods=["GET"])
@guarded
def group_list() -> Response:
    return _list(signed_in(bp.current_request))


def _list(visit: Visit, status: int = 200, errors: dict[str, str] | None = None) -> Response:
    stores = bootstrap.stores(visit.settings)
    found = groups.usable_groups(visit.staff, stores.groups)
    return visit.page("groups.html", status, groups=found, errors=errors or {}, typed=visit.form)


@bp.route("/groups", methods=["POST"], content_types=FORM)
@guarded
def create() -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    try:
        group = groups.create_group(visit.staff, stores.groups, visit.form)
    except ValidationFailed as exc:
        return _list(visit, 400, exc.field_errors)
    return visit.redirect(f"/groups/{group.group_id}?done=created")


@bp.route("/groups/{group_id}", methods=["GET"])
@guarded
def group_page(group_id: str) -> Response:
    visit = signed_in(bp.current_request)
    stores = bootstrap.stores(visit.settings)
    group = groups.open_group(visit.staff, stores.groups, group_id)
    listed = groups.members_of(group, stores.clients)
    return visit.page("group.html", group=group, members=listed, done=visit.query("done"))


@bp.route("/groups/{group_id}/add", methods=["POST"], content_types=FORM)
@guarded
def add(group_id: str) -> Response:
    """From the client page (one client) or the caseload's ticked rows."""
    visit = signed_in(bp.current_request, form=True)
    return _add(visit, group_id)


def _add(visit: Visit, group_id: str) -> Response:
    stores = bootstrap.stores(visit.settings)
    ids = every_value(visit.request, "client")
    try:
        group = groups.add_clients(visit.staff, stores.groups, stores.clients, group_id, ids)
    except ValidationFailed as exc:
        return visit.page(
            "problem.html", 400, title="Not added", message=" ".join(exc.field_errors.values())
        )
    return visit.redirect(f"/groups/{group.group_id}?done=added")  # shows who is in it now


@bp.route("/caseload/picked", methods=["POST"], content_types=FORM)
@guarded
def picked() -> Response:
    """The caseload's action bar: choose the group for the ticked rows (then ``add``)."""
    visit = signed_in(bp.current_request, form=True)
    ids = every_value(visit.request, "client")
    if visit.form.get("group"):
        return _add(visit, visit.form["group"])
    return _choose(visit, ids, "/caseload")


@bp.route("/groups/pick", methods=["GET"])
@guarded
def pick_for_client() -> Response:
    """From a client's page: which group to add them to."""
    visit = signed_in(bp.current_request)
    client_id = visit.query("client")
    return _choose(visit, [client_id] if client_id else [], f"/clients/{client_id}")


def _choose(visit: Visit, ids: list[str], back: str) -> Response:
    if not ids:
        return visit.page(
            "problem.html",
            400,
            title="Tick some clients",
            message="Tick the clients to put in a group first, then press the button again.",
        )
    stores = bootstrap.stores(visit.settings)
    ids = groups.checked_ticked(visit.staff, stores.clients, ids)
    found = groups.usable_groups(visit.staff, stores.groups)
    return visit.page("pick_group.html", groups=found, client_ids=ids, back=back)


@bp.route("/groups/{group_id}/remove", methods=["POST"], content_types=FORM)
@guarded
def remove(group_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    ids = every_value(visit.request, "client")
    groups.remove_clients(visit.staff, stores.groups, group_id, ids)
    return visit.redirect(f"/groups/{group_id}?done=removed")


@bp.route("/groups/{group_id}/delete", methods=["POST"], content_types=FORM)
@guarded
def delete(group_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    groups.delete_group(visit.staff, stores.groups, group_id)
    return visit.redirect("/groups?done=deleted")
