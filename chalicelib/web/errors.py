"""Turning refusals into pages a person can act on, instead of Chalice's JSON errors."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from chalice import Response
from chalice.app import Request

from ..config import get_settings
from ..domain.errors import (
    ClientCommError,
    Forbidden,
    NotFound,
    NotStored,
    StaleRecord,
    ValidationFailed,
)
from ..domain.segments import MAX_BODY
from .public_url import path_prefix
from .rendering import render
from .session import LEGACY_REFRESH_COOKIE, SESSION_COOKIE, expired_cookie_header
from .visit import MAX_FORM_BYTES, CsrfFailed, FormTooLarge, NotSignedIn

log = logging.getLogger(__name__)


def friendly_errors(blueprint: Any) -> Callable:
    """Decorator for views of ``blueprint``: our errors become pages with the right status."""

    def decorate(view: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            request = blueprint.current_request
            try:
                return view(*args, **kwargs)
            except NotSignedIn as exc:
                return _to_sign_in(request, exc.reason, exc.background)
            except FormTooLarge:
                return _problem(
                    request,
                    413,
                    "Too large to send",
                    f"What you sent is too large: ClientComm takes up to "
                    f"{MAX_FORM_BYTES // 1024} KB from a form, and a text can be at most "
                    f"{MAX_BODY:,} characters. Shorten it and send it again; nothing was "
                    "changed.",
                )
            except CsrfFailed as exc:
                return _problem(
                    request,
                    403,
                    "Please try that again",
                    str(exc) + " Reload the page and try again; nothing was changed.",
                    outcome="stale_form",
                )
            except Forbidden as exc:
                return _problem(request, 403, "Not available to you", str(exc))
            except NotFound as exc:
                return _problem(request, 404, "Not found", str(exc))
            except StaleRecord as exc:
                return _problem(
                    request,
                    409,
                    "Changed by someone else",
                    str(exc) + " Go back, reload and make your change again.",
                )
            except ValidationFailed as exc:
                return _problem(
                    request,
                    400,
                    "Please check what you entered",
                    " ".join(exc.field_errors.values()),
                )
            except NotStored:
                log.warning("a write did not happen; the person is asked to try again")
                return _problem(
                    request,
                    503,
                    "Not saved",
                    "ClientComm could not save that just now, so nothing changed. "
                    "Please try again in a moment.",
                )
            except ClientCommError as exc:
                log.warning("refused: %s", type(exc).__name__)
                return _problem(request, 400, "That did not work", str(exc))

        return wrapper

    return decorate


def _to_sign_in(request: Request, reason: str, background: bool = False) -> Response:
    """Pages go to the sign-in page (and back afterwards); scripts get 401 JSON saying where."""
    settings = get_settings()
    path = request.path
    for name, value in (request.uri_params or {}).items():
        path = path.replace("{" + name + "}", value)
    target = f"{path_prefix(request, settings)}/signin?reason={quote(reason)}"
    if request.method == "GET" and not background and path not in ("/", "/signin"):
        target += "&next=" + quote(path, safe="/")
    wants_json = background or "application/json" in (request.headers.get("accept") or "")
    clear = [
        expired_cookie_header(SESSION_COOKIE, secure=settings.cookie_secure),
        expired_cookie_header(LEGACY_REFRESH_COOKIE, secure=settings.cookie_secure),
    ]
    if wants_json:
        return Response(
            body={"error": "signed_out", "reason": reason, "signin": target},
            status_code=401,
            headers={"Set-Cookie": clear, "Cache-Control": "no-store"},
        )
    return Response(body="", status_code=303, headers={"Location": target, "Set-Cookie": clear})


def _problem(
    request: Request, status: int, title: str, message: str, outcome: str = "refused"
) -> Response:
    """A page saying what went wrong; a script that asked for JSON gets the same words,
    with ``outcome`` to act on (``stale_form``: the page's CSRF token is out of date)."""
    if "application/json" in (request.headers.get("accept") or ""):
        return Response(
            body={"outcome": outcome, "title": title, "reason": message},
            status_code=status,
            headers={"Cache-Control": "no-store"},
        )
    return render(
        "problem.html",
        status,
        title=title,
        message=message,
        url=lambda p: path_prefix(request, get_settings()) + p,
        user=None,
    )
