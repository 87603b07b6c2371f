"""Sign-in, first-login new password, MFA code, sign-out."""

from __future__ import annotations

import time
from urllib.parse import quote

from chalice import Blueprint, Response

from .. import bootstrap
from ..adapters.cognito import (
    REASON_BAD_CREDENTIALS,
    REASON_PASSWORD_POLICY,
    REASON_RESET_REQUIRED,
    REASON_SESSION_EXPIRED,
    REASON_TOO_MANY,
    AuthFailed,
    Challenge,
)
from ..config import get_jurisdiction
from ..services import auth
from .errors import friendly_errors
from .session import CHALLENGE_COOKIE, CHALLENGE_SECONDS, REFRESH_COOKIE, SESSION_COOKIE
from .signing import sign, unsign
from .visit import Visit, anonymous, signed_in

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)

REASONS = {
    "required": "Please sign in to continue.",
    "idle": "You were signed out after a period without activity. Please sign in again.",
    "expired": "Your session has ended. Please sign in again.",
    "invalid": "Your session could not be checked. Please sign in again.",
    "signed_out": "You are signed out.",
}
FAILURES = {
    REASON_BAD_CREDENTIALS: "That username and password do not match an account. Check both "
    "and try again; after several failed tries the account is locked for a while.",
    REASON_RESET_REQUIRED: "Your password has to be reset. Ask your supervisor or an admin.",
    REASON_TOO_MANY: "Too many attempts. Wait a few minutes and try again.",
    REASON_SESSION_EXPIRED: "That took too long. Please sign in again.",
}
STRENGTH_RULES = (
    "At least 12 characters, with upper- and lower-case letters, a number and a symbol."
)


def _safe_next(target: str) -> str:
    """Only our own paths: never an open redirect to another site."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/caseload"


@bp.route("/signin", methods=["GET"])
@guarded
def sign_in_page() -> Response:
    visit = anonymous(bp.current_request)
    notice = REASONS.get(visit.query("reason"), "")
    return visit.page(
        "signin.html",
        notice=notice,
        error="",
        username="",
        next=_safe_next(visit.query("next", "/caseload")),
    )


@bp.route("/signin", methods=["POST"], content_types=FORM)
@guarded
def sign_in() -> Response:
    visit = anonymous(bp.current_request, form=True)
    username = visit.form.get("username", "").strip()
    target = _safe_next(visit.form.get("next", "/caseload"))
    if not username or not visit.form.get("password"):
        return visit.page(
            "signin.html",
            400,
            notice="",
            username=username,
            next=target,
            error="Enter your username and your password.",
        )
    try:
        result = auth.sign_in(*_auth_parts(visit), username, visit.form["password"])
    except (AuthFailed, auth.NotEnrolled) as exc:
        return visit.page(
            "signin.html", 401, notice="", username=username, next=target, error=_failure_text(exc)
        )
    return _continue(visit, result, target)


@bp.route("/signin/challenge", methods=["POST"], content_types=FORM)
@guarded
def answer_challenge() -> Response:
    """The second step: a new password on first sign-in, or an MFA code."""
    visit = anonymous(bp.current_request, form=True)
    target = _safe_next(visit.form.get("next", "/caseload"))
    challenge, secret = _pending_challenge(visit)
    if challenge is None:
        return visit.page(
            "signin.html",
            400,
            notice="",
            username="",
            next=target,
            error=FAILURES[REASON_SESSION_EXPIRED],
        )
    try:
        if challenge.name == "NEW_PASSWORD_REQUIRED":
            new, again = visit.form.get("new_password", ""), visit.form.get("confirm_password", "")
            if new != again:
                return _challenge_page(
                    visit, challenge, target, secret, "The two passwords differ."
                )
            result = auth.set_new_password(*_auth_parts(visit), challenge, new)
        elif challenge.name == "MFA_SETUP":
            result = auth.finish_mfa_setup(
                *_auth_parts(visit), challenge, visit.form.get("code", "")
            )
        else:
            result = auth.answer_mfa(*_auth_parts(visit), challenge, visit.form.get("code", ""))
    except AuthFailed as exc:
        if exc.reason == REASON_PASSWORD_POLICY:
            return _challenge_page(
                visit, challenge, target, secret, "That password is too weak. " + STRENGTH_RULES
            )
        if exc.reason == REASON_BAD_CREDENTIALS and challenge.name != "NEW_PASSWORD_REQUIRED":
            return _challenge_page(visit, challenge, target, secret, "That code is not right.")
        return visit.page(
            "signin.html",
            401,
            notice="",
            username=challenge.username,
            next=target,
            error=_failure_text(exc),
        )
    except auth.NotEnrolled as exc:
        return visit.page(
            "signin.html",
            401,
            notice="",
            username=challenge.username,
            next=target,
            error=_failure_text(exc),
        )
    return _continue(visit, result, target)


@bp.route("/signout", methods=["POST"], content_types=FORM)
@guarded
def sign_out() -> Response:
    visit = signed_in(bp.current_request, form=True)
    for name in (SESSION_COOKIE, REFRESH_COOKIE, CHALLENGE_COOKIE):
        visit.set_cookie(name, "", max_age=0)
    return visit.redirect("/signin?reason=signed_out")


def _auth_parts(visit: Visit):
    return (
        bootstrap.cognito(visit.settings),
        bootstrap.token_verifier(visit.settings),
        bootstrap.stores(visit.settings).users,
    )


def _continue(visit: Visit, result: auth.SignedIn | Challenge, target: str) -> Response:
    secret = ""
    if isinstance(result, Challenge) and result.name == "MFA_SETUP":
        secret, result = bootstrap.cognito(visit.settings).start_mfa_setup(result)
    if isinstance(result, Challenge):
        visit.set_cookie(
            CHALLENGE_COOKIE,
            sign(
                visit.secret,
                CHALLENGE_COOKIE,
                {
                    "n": result.name,
                    "s": result.session,
                    "u": result.username,
                    "k": secret,
                    "t": int(time.time()),
                },
            ),
            max_age=CHALLENGE_SECONDS,
        )
        return _challenge_page(visit, result, target, secret, "")
    visit.set_cookie(CHALLENGE_COOKIE, "", max_age=0)
    visit.start_session(result)
    return visit.redirect(target)


def _pending_challenge(visit: Visit) -> tuple[Challenge | None, str]:
    """The challenge in progress and, while setting up MFA, the authenticator secret."""
    data = unsign(visit.secret, CHALLENGE_COOKIE, visit.cookies.get(CHALLENGE_COOKIE))
    if not data or time.time() - float(data.get("t", 0)) > CHALLENGE_SECONDS:
        return None, ""
    return Challenge(data["n"], data["s"], data["u"]), data.get("k", "")


def _challenge_page(
    visit: Visit, challenge: Challenge, target: str, secret: str, error: str
) -> Response:
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    issuer = quote(get_jurisdiction().display_name)
    otpauth = (
        (f"otpauth://totp/{issuer}:{quote(challenge.username)}?secret={secret}&issuer={issuer}")
        if secret
        else ""
    )
    return visit.page(
        "challenge.html",
        400 if error else 200,
        challenge=challenge.name,
        username=challenge.username,
        next=target,
        error=error,
        password_rules=STRENGTH_RULES,
        secret=grouped,
        otpauth=otpauth,
    )


def _failure_text(exc: Exception) -> str:
    if isinstance(exc, auth.NotEnrolled):
        return (
            "Your password is right, but you have no ClientComm account yet. Ask your supervisor."
        )
    assert isinstance(exc, AuthFailed)
    return FAILURES.get(exc.reason, "Sign-in is not available right now. Try again shortly.")
