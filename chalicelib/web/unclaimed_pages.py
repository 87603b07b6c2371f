"""The department's unclaimed texts: see them, attach them to a client."""

from __future__ import annotations

from chalice import Blueprint, Response

from .. import bootstrap
from ..domain.errors import ValidationFailed
from ..services import caseload, unclaimed
from .errors import friendly_errors
from .visit import Visit, signed_in

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)


@bp.route("/unclaimed", methods=["GET"])
@guarded
def queue() -> Response:
    visit = signed_in(bp.current_request)
    numbers = bootstrap.stores(visit.settings).unclaimed.in_department(visit.user.department_id)
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
            visit.user, stores.clients, stores.unclaimed, digits, visit.form.get("client_id", "")
        )
    except ValidationFailed as exc:
        return _number_page(visit, digits, exc.field_errors, status=400)
    return visit.redirect(f"/clients/{client.client_id}?saved=updated")


def _number_page(visit: Visit, digits: str, errors: dict, status: int = 200) -> Response:
    stores = bootstrap.stores(visit.settings)
    found, texts = unclaimed.waiting(visit.user, stores.unclaimed, digits)
    listed = caseload.view_caseload(
        visit.user, stores.clients, None, whole_department=visit.user.oversees_department
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
