"""The compose box's attachments: an upload form for one file, asked for by the page's
script just before it posts the file straight to the private media bucket.

The answer is JSON the script reads (the form's URL and signed fields, and the key the
send form then names). Nothing is stored here: an upload nobody sends is only an object
the bucket's lifecycle removes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from ..domain.errors import ValidationFailed
from ..lazy import lazy_module
from .errors import friendly_errors
from .visit import signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import attachments
else:  # loaded by the first request that needs them, not by every cold start
    attachments = lazy_module("chalicelib.services.attachments")
    bootstrap = lazy_module("chalicelib.bootstrap")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)


@bp.route("/clients/{client_id}/uploads", methods=["POST"], content_types=FORM)
@guarded
def upload_form(client_id: str) -> Response:
    """``content_type`` and ``size`` of the picked file → ``{url, fields, key}``; a type or
    size that cannot be sent → 400 ``{error}``; a client outside the caller's caseload → 403."""
    visit = signed_in(bp.current_request, form=True, client_id=client_id)
    try:
        size = int(visit.form.get("size", "") or "0")
    except ValueError:
        size = 0
    try:
        ticket = attachments.upload_ticket(
            visit.staff,
            visit.clients(bootstrap.stores(visit.settings).clients),
            bootstrap.media_bucket(visit.settings),
            client_id,
            visit.form.get("content_type", ""),
            size,
        )
    except ValidationFailed as exc:
        refusal = {"error": " ".join(exc.field_errors.values())}
        return visit.attach(
            Response(body=refusal, status_code=400, headers={"Cache-Control": "no-store"})
        )
    answer = {"url": ticket.form.url, "fields": ticket.form.fields, "key": ticket.key}
    return visit.attach(
        Response(body=answer, status_code=200, headers={"Cache-Control": "no-store"})
    )
