"""A person's own settings: e-mail notifications."""

from __future__ import annotations

from chalice import Blueprint, Response

from .. import bootstrap
from .errors import friendly_errors
from .visit import signed_in

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)


@bp.route("/settings", methods=["GET"])
@guarded
def settings_page() -> Response:
    visit = signed_in(bp.current_request)
    me = bootstrap.stores(visit.settings).users.get(visit.user.user_id)
    return visit.page("settings.html", me=me, saved=visit.query("saved"))


@bp.route("/settings", methods=["POST"], content_types=FORM)
@guarded
def save_settings() -> Response:
    visit = signed_in(bp.current_request, form=True)
    wanted = visit.form.get("email_notifications") == "on"
    bootstrap.stores(visit.settings).users.set_email_notifications(visit.user.user_id, wanted)
    return visit.redirect("/settings?saved=1")
