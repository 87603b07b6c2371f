"""Settings, "Authenticator app": turn sign-in codes on or off for oneself where the
jurisdiction sets ``mfa: OPTIONAL`` (``services/mfa_settings.py`` says how)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from chalice import Blueprint, Response

from ..config import get_jurisdiction
from ..domain.errors import Forbidden
from ..domain.sign_in import RefusalReason
from ..lazy import lazy_module
from .errors import friendly_errors
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import mfa_settings
else:  # loaded by the first visit of the page, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    mfa_settings = lazy_module("chalicelib.services.mfa_settings")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)
PROBLEMS = {
    RefusalReason.WRONG_CODE: "That code is not right. Enter the code the app shows now.",
    RefusalReason.BAD_CREDENTIALS: "That password and code do not match your account.",
    RefusalReason.CHALLENGE_EXPIRED: "That took too long. Please start again.",
    RefusalReason.TOO_MANY: "Too many attempts. Wait a few minutes and try again.",
}
DONE = {
    "on": "Done: from your next sign-in, ClientComm asks for a code from the app.",
    "off": "Done: sign-in no longer asks for a code from an app.",
}


@bp.route("/settings/mfa", methods=["GET"])
@guarded
def mfa_page() -> Response:
    visit = signed_in(bp.current_request)
    return _page(visit, done=DONE.get(visit.query("done"), ""))


@bp.route("/settings/mfa/start", methods=["POST"], content_types=FORM)
@guarded
def start() -> Response:
    visit = signed_in(bp.current_request, form=True)
    _offered()
    try:
        enrolment = mfa_settings.start(visit.staff, _parts(visit), visit.session_id or "")
    except mfa_settings.MfaRefused as exc:
        return _page(visit, 400, problem=_problem(exc.reason))
    return _page(visit, enrolment=enrolment)


@bp.route("/settings/mfa/verify", methods=["POST"], content_types=FORM)
@guarded
def verify() -> Response:
    visit = signed_in(bp.current_request, form=True)
    _offered()
    parts = _parts(visit)
    pending_id = visit.form.get("pending", "")
    try:
        mfa_settings.finish(
            visit.staff, parts, visit.session_id or "", pending_id, visit.form.get("code", "")
        )
    except mfa_settings.MfaRefused as exc:
        enrolment = mfa_settings.waiting(visit.staff, parts, pending_id)
        return _page(visit, 400, enrolment=enrolment, problem=_problem(exc.reason))
    return visit.redirect("/settings/mfa?done=on")


@bp.route("/settings/mfa/off", methods=["POST"], content_types=FORM)
@guarded
def turn_off() -> Response:
    visit = signed_in(bp.current_request, form=True)
    _offered()
    try:
        mfa_settings.turn_off(
            visit.staff, _parts(visit), visit.form.get("password", ""), visit.form.get("code", "")
        )
    except mfa_settings.MfaRefused as exc:
        return _page(visit, 400, problem=_problem(exc.reason))
    return visit.redirect("/settings/mfa?done=off")


def _offered() -> None:
    if not mfa_settings.offered(get_jurisdiction()):
        raise Forbidden("Your jurisdiction does not let people choose sign-in codes.")


def _parts(visit: Visit) -> mfa_settings.MfaParts:
    return mfa_settings.MfaParts(
        cognito=bootstrap.cognito_mfa(visit.settings),
        sessions=bootstrap.session_store(visit.settings),
        pending=bootstrap.challenge_store(visit.settings),
        changes=bootstrap.staff_changes(visit.settings),
    )


def _problem(reason: RefusalReason) -> str:
    return PROBLEMS.get(reason, "That did not work just now. Please try again.")


def _page(
    visit: Visit,
    status: int = 200,
    *,
    enrolment: Any = None,
    problem: str = "",
    done: str = "",
) -> Response:
    place = get_jurisdiction()
    policy = str(place.raw.get("mfa") or "OFF")
    using = None
    if policy == "OPTIONAL" and enrolment is None:
        try:
            using = mfa_settings.uses_an_app(_parts(visit), visit.session_id or "")
        except mfa_settings.MfaRefused:
            using = None  # unknown: both forms are offered
    secret = enrolment.secret if enrolment else ""
    issuer = quote(place.display_name)
    return visit.page(
        "mfa_settings.html",
        status,
        policy=policy,
        using=using,
        pending=enrolment.pending_id if enrolment else "",
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        otpauth=(
            f"otpauth://totp/{issuer}:{quote(visit.staff.user_id)}?secret={secret}&issuer={issuer}"
            if secret
            else ""
        ),
        problem=problem,
        done=done,
    )
