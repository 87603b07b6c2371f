"""Retiring and reactivating clients, and the list of retired clients."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from chalice import Blueprint, Response

from ..lazy import lazy_module
from . import list_cursors
from .errors import friendly_errors
from .visit import signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import caseload_lists, retirement
else:  # loaded by the first page that needs them, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    caseload_lists = lazy_module("chalicelib.services.caseload_lists")
    retirement = lazy_module("chalicelib.services.retirement")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)


@bp.route("/caseload/retired", methods=["GET"])
@guarded
def retired_list() -> Response:
    visit = signed_in(bp.current_request)
    user = visit.staff
    stores = bootstrap.stores(visit.settings)
    whole = user.oversees_department and visit.query("scope", "department") == "department"
    asked = {"scope": "department" if whole else "mine"}
    listed = list_cursors.list_id("retired", user.user_id, asked["scope"])
    after, shown_before = list_cursors.decode(
        visit.secret, listed, list_cursors.asked_after(visit.request)
    )
    view = caseload_lists.retired_page(
        user,
        stores.client_lists,
        stores.users if user.oversees_department else None,
        whole_department=whole,
        after=after,
    )
    next_query = ""
    if view.after is not None:
        cursor = list_cursors.encode(
            visit.secret, listed, view.after, shown_before + len(view.clients)
        )
        next_query = urlencode({**asked, "after": cursor})
    return visit.page(
        "retired.html",
        view=view,
        whole_department=whole,
        first_query=urlencode(asked),
        next_query=next_query,
        shown_before=shown_before,
    )


@bp.route("/clients/{client_id}/retire", methods=["POST"], content_types=FORM)
@guarded
def retire(client_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    retirement.retire_client(visit.staff, stores.clients, stores.scheduled, client_id, visit.form)
    return visit.redirect(f"/clients/{client_id}?saved=retired")


@bp.route("/clients/{client_id}/reactivate", methods=["POST"], content_types=FORM)
@guarded
def reactivate(client_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    retirement.reactivate_client(visit.staff, stores.clients, stores.users, client_id, visit.form)
    return visit.redirect(f"/clients/{client_id}?saved=reactivated")
