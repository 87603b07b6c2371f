"""Mass texts: compose (recipients, wording, when), a per-recipient preview with who is
skipped and why, send, and a progress page that follows pushes, with "cancel the rest".

The compose form carries a one-time id (``form_id``): the mass text's id comes from it, so
pressing Send twice, or resubmitting, starts one mass text and shows its progress.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from ..config import get_jurisdiction
from ..domain.errors import NotStored, ValidationFailed
from ..domain.placeholders import CLIENT_PLACEHOLDERS
from ..domain.segments import MAX_BODY
from ..lazy import lazy_module
from .errors import friendly_errors
from .group_pages import every_value
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import groups, mass_texts
else:  # loaded by the first page that needs them, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    groups = lazy_module("chalicelib.services.groups")
    mass_texts = lazy_module("chalicelib.services.mass_texts")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)
PREVIEWED = 50  # recipients' texts shown in full; the rest are counted
NOT_SAVED = "ClientComm could not start that just now, so nothing was sent. Please try again."


@bp.route("/mass-texts", methods=["GET"])
@guarded
def list_page() -> Response:
    """The latest mass texts: one's own (supervisors: the department's), each linking to
    its progress."""
    visit = signed_in(bp.current_request)
    stores = bootstrap.stores(visit.settings)
    return visit.page(
        "mass_texts.html", mass_texts=mass_texts.listed(visit.staff, stores.mass_texts)
    )


@bp.route("/mass-texts/new", methods=["GET"])
@guarded
def compose_page() -> Response:
    visit = signed_in(bp.current_request)
    typed = {"pick": "group" if visit.query("group") else "all", "group": visit.query("group")}
    return _compose(visit, typed, [], {})


@bp.route("/mass-texts/new", methods=["POST"], content_types=FORM)
@guarded
def compose_again() -> Response:
    """Back from the preview to change something: the form as it was typed."""
    visit = signed_in(bp.current_request, form=True)
    return _compose(visit, visit.form, every_value(visit.request, "client"), {})


@bp.route("/mass-texts/picked", methods=["POST"], content_types=FORM)
@guarded
def compose_for_ticked() -> Response:
    """The caseload's action bar: text the ticked rows."""
    visit = signed_in(bp.current_request, form=True)
    ticked = every_value(visit.request, "client")
    return _compose(visit, {"pick": "ticked" if ticked else "all"}, ticked, {})


def _compose(
    visit: Visit,
    typed: dict[str, str],
    ticked: Sequence[str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    stores = bootstrap.stores(visit.settings)
    ticked = groups.checked_ticked(visit.staff, stores.clients, ticked) if ticked else []
    typed = dict(typed)
    typed.setdefault("form_id", secrets.token_hex(16))
    return visit.page(
        "mass_compose.html",
        status,
        typed=typed,
        ticked=list(ticked),
        groups=groups.usable_groups(visit.staff, stores.groups),
        errors=errors,
        placeholders=CLIENT_PLACEHOLDERS,
        max_body=MAX_BODY,
    )


@bp.route("/mass-texts/preview", methods=["POST"], content_types=FORM)
@guarded
def preview() -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    ticked = every_value(visit.request, "client")
    try:
        seen = mass_texts.preview(
            visit.staff,
            stores.clients,
            stores.groups,
            stores.users,
            get_jurisdiction(),
            visit.form,
            ticked,
            datetime.now(UTC),
        )
    except ValidationFailed as exc:
        return _compose(visit, visit.form, ticked, exc.field_errors, 400)
    return visit.page(
        "mass_preview.html",
        typed=visit.form,
        ticked=ticked,
        seen=seen,
        shown=seen.texted[:PREVIEWED],
        now=visit.form.get("when", "now") == "now",
    )


@bp.route("/mass-texts", methods=["POST"], content_types=FORM)
@guarded
def start() -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    ticked = every_value(visit.request, "client")
    try:
        mass = mass_texts.start_from_form(
            visit.staff,
            stores.clients,
            stores.groups,
            stores.users,
            stores.mass_texts,
            get_jurisdiction(),
            visit.form,
            ticked,
            datetime.now(UTC),
        )
    except ValidationFailed as exc:
        return _compose(visit, visit.form, ticked, exc.field_errors, 400)
    except NotStored:
        return _compose(visit, visit.form, ticked, {"form": NOT_SAVED}, 503)
    return visit.redirect(f"/mass-texts/{mass.mass_id}")


@bp.route("/mass-texts/{mass_id}", methods=["GET"])
@guarded
def progress_page(mass_id: str) -> Response:
    return _progress(signed_in(bp.current_request), mass_id, "mass_progress.html")


@bp.route("/mass-texts/{mass_id}/progress", methods=["GET"])
@guarded
def progress_live(mass_id: str) -> Response:
    """The counts alone, for the open page's refresh (a background request)."""
    visit = signed_in(bp.current_request, background=True)
    return _progress(visit, mass_id, "_mass_progress.html")


def _progress(visit: Visit, mass_id: str, template: str) -> Response:
    stores = bootstrap.stores(visit.settings)
    mass, counts = mass_texts.progress(visit.staff, stores.mass_texts, mass_id)
    skipped = (
        mass_texts.skipped_names(mass, stores.clients) if template != "_mass_progress.html" else []
    )
    return visit.page(
        template,
        mass=mass,
        counts=counts,
        skipped=skipped,
        skip_words=mass_texts.SKIP_WORDS,
        done=visit.query("done"),
    )


@bp.route("/mass-texts/{mass_id}/cancel", methods=["POST"], content_types=FORM)
@guarded
def cancel(mass_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    stores = bootstrap.stores(visit.settings)
    mass_texts.cancel_rest(visit.staff, stores.mass_texts, stores.scheduled, mass_id)
    return visit.redirect(f"/mass-texts/{mass_id}?done=cancelled")
