"""Sign-in, first-login new password, MFA code, sign-out."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from chalice import Blueprint, Response

from ..config import get_jurisdiction
from ..domain.sign_in import Challenge, PendingChallenge, RefusalReason
from ..lazy import lazy_module
from .errors import friendly_errors
from .redirects import safe_next
from .session import CHALLENGE_COOKIE, CHALLENGE_SECONDS
from .signing import sign, unsign
from .visit import Visit, anonymous, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import auth, sign_in_steps
else:  # loaded by the first sign-in, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    auth = lazy_module("chalicelib.services.auth")
    sign_in_steps = lazy_module("chalicelib.services.sign_in_steps")

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
# One text for every refusal that could tell a guesser something about an account: wrong
# password, unknown user, no or deactivated staff record, a password that must be reset.
NOT_SIGNED_IN = (
    "That username and password do not match an active account. Check both and try again; "
    "after several failed tries the account is locked for a while. If it still does not "
    "work, ask your supervisor or an admin."
)
FAILURES = {
    RefusalReason.TOO_MANY: "Too many attempts. Wait a few minutes and try again.",
    RefusalReason.CHALLENGE_EXPIRED: "That took too long. Please sign in again.",
    RefusalReason.UNAVAILABLE: "Sign-in is not available right now. Try again shortly.",
}
STRENGTH_RULES = (
    "At least 12 characters, with upper- and lower-case letters, a number and a symbol."
)


@bp.route("/signin", methods=["GET"])
@guarded
def sign_in_page() -> Response:
    visit = anonymous(bp.current_request)
    reason = visit.query("reason")
    return visit.page(
        "signin.html",
        notice=REASONS.get(reason, ""),
        error="",
        username="",
        next=safe_next(visit.query("next")),
        clear_drafts=reason == "signed_out",
        # sent here because a session ended (signed out, idle, deactivated, expired):
        # whatever ClientComm kept on this device goes too (static/forgetting.js)
        forget_device=reason in REASONS,
    )


@bp.route("/signin", methods=["POST"], content_types=FORM)
@guarded
def sign_in() -> Response:
    visit = anonymous(bp.current_request, form=True)
    username = visit.form.get("username", "").strip()
    target = safe_next(visit.form.get("next"))
    if not username or not visit.form.get("password"):
        return _sign_in_again(visit, username, target, "Enter your username and your password.")
    try:
        result = auth.sign_in(_auth_parts(visit), username, visit.form["password"])
    except auth.SignInRefused as exc:
        return _sign_in_again(visit, username, target, _failure_text(exc.reason), 401)
    return _continue(visit, result, target)


@bp.route("/signin/challenge", methods=["POST"], content_types=FORM)
@guarded
def answer_challenge() -> Response:
    """The second step: a new password on first sign-in, or an MFA code."""
    visit = anonymous(bp.current_request, form=True)
    target = safe_next(visit.form.get("next"))
    step_id, pending = _pending_challenge(visit)
    if pending is None:
        visit.set_cookie(CHALLENGE_COOKIE, "", max_age=0)
        return _sign_in_again(
            visit, "", target, _failure_text(RefusalReason.CHALLENGE_EXPIRED), 400
        )
    challenge, secret = pending.challenge, pending.secret
    try:
        if challenge.name == "NEW_PASSWORD_REQUIRED":
            new, again = visit.form.get("new_password", ""), visit.form.get("confirm_password", "")
            if new != again:
                return _challenge_page(
                    visit, challenge, target, secret, "The two passwords differ."
                )
            result = auth.set_new_password(_auth_parts(visit), challenge, new)
        elif challenge.name == "MFA_SETUP":
            result = auth.finish_mfa_setup(
                _auth_parts(visit), challenge, visit.form.get("code", "")
            )
        else:
            result = auth.answer_mfa(_auth_parts(visit), challenge, visit.form.get("code", ""))
    except auth.SignInRefused as exc:
        if exc.reason is RefusalReason.PASSWORD_POLICY:
            return _challenge_page(
                visit, challenge, target, secret, "That password is too weak. " + STRENGTH_RULES
            )
        if exc.reason is RefusalReason.WRONG_CODE:
            return _challenge_page(visit, challenge, target, secret, "That code is not right.")
        _forget_challenge(visit, step_id)
        return _sign_in_again(visit, challenge.username, target, _failure_text(exc.reason), 401)
    return _continue(visit, result, target, step_id)


# The server's own word to the browser at sign-out, beside the page's script
# (static/forgetting.js, which warns about unsent texts first): forget everything this site
# kept on the device (Cache Storage, IndexedDB, the service worker, local and session
# storage, the HTTP cache), even where the script never ran or is of another release.
FORGET_THE_DEVICE = '"cache", "storage"'


@bp.route("/signout", methods=["POST"], content_types=FORM)
@guarded
def sign_out() -> Response:
    """Ends the session on the server and revokes Cognito's refresh token, not just cookies."""
    visit = signed_in(bp.current_request, form=True)
    visit.end_session()
    _forget_challenge(visit, _pending_challenge_id(visit))
    signed_out = visit.redirect("/signin?reason=signed_out")
    signed_out.headers["Clear-Site-Data"] = FORGET_THE_DEVICE
    return signed_out


@bp.route("/session/stay", methods=["POST"], content_types=FORM)
@guarded
def stay_signed_in() -> Response:
    """ "Stay signed in" on the idle warning: a deliberate act, so it counts as activity."""
    visit = signed_in(bp.current_request, form=True)
    return visit.attach(
        Response(body={"signed_in": True}, status_code=200, headers={"Cache-Control": "no-store"})
    )


def _auth_parts(visit: Visit) -> auth.SignInParts:
    return auth.SignInParts(
        bootstrap.cognito(visit.settings),
        bootstrap.token_verifier(visit.settings),
        bootstrap.stores(visit.settings).users,
    )


def _continue(
    visit: Visit, result: auth.SignedIn | Challenge, target: str, answered: str = ""
) -> Response:
    """The next page after a step; ``answered`` is the id of the challenge just answered
    (kept on the server until now, forgotten here whatever comes next)."""
    secret = ""
    if isinstance(result, Challenge) and result.name == "MFA_SETUP":
        try:
            secret, result = auth.start_mfa_setup(_auth_parts(visit), result)
        except auth.SignInRefused as exc:
            _forget_challenge(visit, answered)
            return _sign_in_again(visit, result.username, target, _failure_text(exc.reason), 401)
    store = bootstrap.challenge_store(visit.settings)
    sign_in_steps.forget(store, answered)
    if isinstance(result, Challenge):
        lifetime = timedelta(seconds=CHALLENGE_SECONDS)
        step_id = sign_in_steps.keep(store, PendingChallenge(result, secret), lifetime)
        visit.set_cookie(
            CHALLENGE_COOKIE,
            sign(visit.secret, CHALLENGE_COOKIE, {"p": step_id}),
            max_age=CHALLENGE_SECONDS,
        )
        return _challenge_page(visit, result, target, secret, "")
    visit.set_cookie(CHALLENGE_COOKIE, "", max_age=0)
    visit.start_session(result)
    return visit.redirect(target)


def _pending_challenge_id(visit: Visit) -> str:
    """The id in the challenge cookie ("" when there is none, or it is not ours or old)."""
    data = unsign(
        visit.secret, CHALLENGE_COOKIE, visit.cookies.get(CHALLENGE_COOKIE), CHALLENGE_SECONDS
    )
    step_id = (data or {}).get("p")
    return step_id if isinstance(step_id, str) else ""


def _pending_challenge(visit: Visit) -> tuple[str, PendingChallenge | None]:
    """The challenge in progress (with, while setting up MFA, the authenticator secret),
    read from the server by the cookie's id."""
    step_id = _pending_challenge_id(visit)
    store = bootstrap.challenge_store(visit.settings)
    return step_id, sign_in_steps.waiting(store, step_id)


def _forget_challenge(visit: Visit, step_id: str) -> None:
    sign_in_steps.forget(bootstrap.challenge_store(visit.settings), step_id)
    visit.set_cookie(CHALLENGE_COOKIE, "", max_age=0)


def _sign_in_again(
    visit: Visit, username: str, target: str, error: str, status: int = 400
) -> Response:
    return visit.page(
        "signin.html",
        status,
        notice="",
        username=username,
        next=target,
        error=error,
        clear_drafts=False,
    )


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


def _failure_text(reason: RefusalReason) -> str:
    return FAILURES.get(reason, NOT_SIGNED_IN)
