"""The department's unclaimed texts: see them, attach them to a client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from ..domain.errors import ValidationFailed
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


@bp.route("/unclaimed", methods=["GET"])
@guarded
def queue() -> Response:
    visit = signed_in(bp.current_request)
    numbers = unclaimed.queue(visit.staff, bootstrap.stores(visit.settings).unclaimed)
    return visit.page("unclaimed.html", numbers=numbers)


@bp.route("/unclaimed/{digits}", methods=["GET"])
@guarded
def waiting_number(digits: str) -> Response:
    visit = signed_in(bp.current_request)
    return _number_page(visit, digits, {})


@bp.route("/unclaimed/{digits}/attach", methods=["POST"], content_types=FORM)
@guarded
def attach(digits: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    try:
        client = unclaimed.attach_to_client(
            visit.staff, stores.clients, stores.unclaimed, digits, visit.form.get("client_id", "")
        )
    except ValidationFailed as exc:
        return _number_page(visit, digits, exc.field_errors, status=400)
    return visit.redirect(f"/clients/{client.client_id}?saved=updated")


def _number_page(visit: Visit, digits: str, errors: dict, status: int = 200) -> Response:
    stores = bootstrap.stores(visit.settings)
    found, texts = unclaimed.waiting(visit.staff, stores.unclaimed, digits)
    listed = caseload.view_caseload(
        visit.staff, stores.clients, None, whole_department=visit.staff.oversees_department
    )
    return visit.page(
        "unclaimed_number.html",
        status,
        found=found,
        texts=texts,
        clients=listed.clients,
        errors=errors,
        digits=digits,
    )
