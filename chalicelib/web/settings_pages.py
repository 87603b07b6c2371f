"""A person's own settings: e-mail notifications; for supervisors and admins, the release."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from .. import version
from ..lazy import lazy_module
from .errors import friendly_errors
from .visit import signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import dashboard, preferences
else:  # loaded by the first page that needs them, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    preferences = lazy_module("chalicelib.services.preferences")
    dashboard = lazy_module("chalicelib.services.dashboard")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)


@bp.route("/settings", methods=["GET"])
@guarded
def settings_page() -> Response:
    visit = signed_in(bp.current_request)
    me = preferences.my_settings(visit.staff, bootstrap.stores(visit.settings).users)
    release = version.running() if visit.staff.oversees_department else None
    weekly = dashboard.wants_weekly(visit.staff, bootstrap.stores(visit.settings).dashboard_counts)
    return visit.page(
        "settings.html", me=me, saved=visit.query("saved"), release=release, weekly=weekly
    )


@bp.route("/settings", methods=["POST"], content_types=FORM)
@guarded
def save_settings() -> Response:
    visit = signed_in(bp.current_request, form=True)
    wanted = visit.form.get("email_notifications") == "on"
    preferences.set_email_notifications(visit.staff, bootstrap.stores(visit.settings).users, wanted)
    return visit.redirect("/settings?saved=1")
