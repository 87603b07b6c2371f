"""Staff accounts (admins only): the list with an invitation form, and one person's page
to change their role and department, deactivate them (their clients moved first) or let
them back in. Every rule is in ``services/staff_admin.py``; these views shape pages."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from ..config import get_jurisdiction
from ..domain.errors import Conflict, StaleRecord, ValidationFailed
from ..domain.users import Role, User
from ..lazy import lazy_module
from .errors import friendly_errors
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import push, staff_admin
else:  # loaded by the first staff page, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    push = lazy_module("chalicelib.services.push")
    staff_admin = lazy_module("chalicelib.services.staff_admin")

log = logging.getLogger(__name__)
bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)
DONE = {
    "invited": "Invitation sent: Cognito has e-mailed them their username and a temporary "
    "password, which they replace at their first sign-in.",
    "already": "They were already invited with these details; nothing changed.",
    "placed": "Role and department saved. Their open pages were closed; they see the new "
    "role at their next page.",
    "deactivated": "Deactivated: they are signed out everywhere and cannot sign in.",
    "reactivated": "Reactivated: they can sign in again with their own password.",
}


@bp.route("/staff", methods=["GET"])
@guarded
def staff_page() -> Response:
    visit = signed_in(bp.current_request)
    return _list(visit, done=DONE.get(visit.query("done"), ""))


@bp.route("/staff", methods=["POST"], content_types=FORM)
@guarded
def invite() -> Response:
    visit = signed_in(bp.current_request, form=True)
    try:
        person, made = staff_admin.invite(
            visit.staff, _parts(visit), get_jurisdiction(), visit.form
        )
    except ValidationFailed as exc:
        return _list(visit, 400, errors=exc.field_errors, values=visit.form)
    except Conflict as exc:
        return _list(visit, 503, errors={"form": str(exc)}, values=visit.form)
    return visit.redirect(f"/staff/{person.user_id}?done={'invited' if made else 'already'}")


@bp.route("/staff/{user_id}", methods=["GET"])
@guarded
def person_page(user_id: str) -> Response:
    visit = signed_in(bp.current_request)
    person = staff_admin.open_person(visit.staff, _stores(visit).users, user_id)
    return _person(visit, person, done=DONE.get(visit.query("done"), ""))


@bp.route("/staff/{user_id}/place", methods=["POST"], content_types=FORM)
@guarded
def place(user_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    return _change(
        visit,
        user_id,
        "placed",
        partial(staff_admin.place_person, visit.staff, _parts(visit), get_jurisdiction()),
    )


@bp.route("/staff/{user_id}/deactivate", methods=["POST"], content_types=FORM)
@guarded
def deactivate(user_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    return _change(
        visit, user_id, "deactivated", partial(staff_admin.deactivate, visit.staff, _parts(visit))
    )


@bp.route("/staff/{user_id}/reactivate", methods=["POST"], content_types=FORM)
@guarded
def reactivate(user_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    return _change(
        visit, user_id, "reactivated", partial(staff_admin.reactivate, visit.staff, _parts(visit))
    )


def _change(visit: Visit, user_id: str, done: str, change: Any) -> Response:
    """Run one change; a refused form comes back on the person's page, as it is now."""
    try:
        change(user_id, visit.form)
    except ValidationFailed as exc:
        person = staff_admin.open_person(visit.staff, _stores(visit).users, user_id)
        return _person(visit, person, 400, errors=exc.field_errors)
    except StaleRecord as exc:
        person = staff_admin.open_person(visit.staff, _stores(visit).users, user_id)
        return _person(visit, person, 409, errors={"form": str(exc)})
    return visit.redirect(f"/staff/{user_id}?done={done}")


def _stores(visit: Visit) -> Any:
    return bootstrap.stores(visit.settings)


def _parts(visit: Visit) -> staff_admin.StaffParts:
    stores = _stores(visit)
    return staff_admin.StaffParts(
        users=stores.users,
        changes=bootstrap.staff_changes(visit.settings),
        clients=stores.clients,
        accounts=partial(bootstrap.cognito_accounts, visit.settings),
        close_pages=partial(_close_pages, visit),
        tell_admins=partial(_tell_admins, visit),
    )


def _close_pages(visit: Visit, user_id: str) -> int:
    """Their open pages hear "signed out" and close now (no WebSocket API locally in some
    test set-ups: then there are no pages to close)."""
    if not visit.settings.websocket_push_url:
        return 0
    try:
        return push.pages_of_person_ended(
            user_id,
            "expired",
            connections=bootstrap.connections(visit.settings),
            gateway=bootstrap.push_gateway(visit.settings),
        )
    except Exception:  # their record already refuses them; socket-upkeep closes the rest
        log.warning("closing a person's open pages failed", exc_info=True)
        return 0


def _tell_admins(visit: Visit) -> int:
    """Every admin's open staff pages refetch their lists (and so does this admin's other
    tab). Best effort: a page that misses it catches up when it is looked at again."""
    if not visit.settings.websocket_push_url:
        return 0
    try:
        return push.tell_admins(
            [d.department_id for d in get_jurisdiction().departments],
            {"type": "settings", "what": "staff"},
            connections=bootstrap.connections(visit.settings),
            gateway=bootstrap.push_gateway(visit.settings),
        )
    except Exception:  # the change itself is stored: only the news is lost
        log.warning("telling the admins' pages failed", exc_info=True)
        return 0


def _list(
    visit: Visit,
    status: int = 200,
    *,
    done: str = "",
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
) -> Response:
    place = get_jurisdiction()
    departments = staff_admin.staff_by_department(visit.staff, _stores(visit).users, place)
    return visit.page(
        "staff.html",
        status,
        departments=departments,
        jurisdiction_name=place.display_name,
        roles=list(Role),
        done=done,
        errors=dict(errors or {}),
        values=dict(values or {}),
    )


def _person(
    visit: Visit,
    person: User,
    status: int = 200,
    *,
    done: str = "",
    errors: Mapping[str, str] | None = None,
) -> Response:
    stores = _stores(visit)
    held = staff_admin.clients_held(stores.clients, person)
    return visit.page(
        "staff_person.html",
        status,
        person=person,
        held=held,
        colleagues=staff_admin.colleagues(stores.users, person),
        departments=get_jurisdiction().departments,
        roles=list(Role),
        done=done,
        errors=dict(errors or {}),
    )
