"""A text's photo or file: the only way to it is this route, which checks the viewer,
writes the view to the audit trail and answers with a redirect to a URL that works for a
minute (services/media_views.py). ``?size=thumb`` asks for the small copy a page shows
inline.

Loading a thumbnail is not activity (a page that a pushed photo re-renders must not keep
an idle session alive), so it is checked as a background request; opening the full photo
is someone tapping it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from ..lazy import lazy_module
from .errors import friendly_errors
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import media_views
else:  # loaded by the first media view, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    media_views = lazy_module("chalicelib.services.media_views")

bp = Blueprint(__name__)
guarded = friendly_errors(bp)


def _asked(entry_ref: str, index: str) -> media_views.MediaRequest:
    return media_views.MediaRequest(entry_ref, index, thumb=_is_thumb())


def _redirect(visit: Visit, url: str) -> Response:
    """A 302 to the signed URL, kept by no cache: the next view is checked again."""
    headers: dict[str, str | list[str]] = {"Location": url, "Cache-Control": "no-store"}
    return visit.attach(Response(body="", status_code=302, headers=headers))


def _is_thumb() -> bool:
    params: Mapping[str, str] = bp.current_request.query_params or {}
    return params.get("size") == "thumb"


@bp.route("/clients/{client_id}/media/{entry_ref}/{index}", methods=["GET"])
@guarded
def client_media(client_id: str, entry_ref: str, index: str) -> Response:
    visit = signed_in(bp.current_request, background=_is_thumb(), client_id=client_id)
    stores = bootstrap.stores(visit.settings)
    url = media_views.view_client_media(
        visit.staff,
        visit.clients(stores.clients),
        stores.conversations,
        stores.audit,
        bootstrap.media_bucket(visit.settings),
        client_id,
        _asked(entry_ref, index),
    )
    return _redirect(visit, url)


@bp.route("/unclaimed/{digits}/media/{entry_ref}/{index}", methods=["GET"])
@guarded
def waiting_media(digits: str, entry_ref: str, index: str) -> Response:
    visit = signed_in(bp.current_request, background=_is_thumb())
    stores = bootstrap.stores(visit.settings)
    url = media_views.view_waiting_media(
        visit.staff,
        stores.unclaimed,
        stores.conversations,
        stores.audit,
        bootstrap.media_bucket(visit.settings),
        digits,
        _asked(entry_ref, index),
    )
    return _redirect(visit, url)
