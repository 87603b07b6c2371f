"""Error answers that a person sees as the site's own page, and a script still as JSON.

Chalice answers a wrong method (405), a missing route's ``NotFoundError``, an unsupported
media type and its other view errors with JSON. A browser that navigated there should get
``problem.html`` instead; anything asking for JSON (our own scripts, Twilio) keeps it. The
same page, rendered once at packaging time, is what API Gateway answers for paths no route
has (see ``infra/package/gateway_responses.py``).
"""

from __future__ import annotations

from collections.abc import Callable

from chalice import Response
from chalice.app import Request

from ..config import get_settings
from .public_url import path_prefix
from .rendering import render

WHAT_WENT_WRONG: dict[int, tuple[str, str]] = {
    404: (
        "Page not found",
        "There is no page at this address. Check the link, or go back to the caseload.",
    ),
    405: (
        "That page can't be used that way",
        "This address exists, but not for what the browser asked. Go back and use the page's "
        "own links and buttons.",
    ),
}
CLIENT_ERROR = (
    "That request could not be handled",
    "ClientComm could not use what the browser sent, so nothing was changed. Go back and "
    "try again.",
)
SERVER_ERROR = (
    "Something went wrong",
    "ClientComm could not answer just now, so nothing was changed. Please try again in a moment.",
)
NOT_FOR_PAGES = ("/webhooks/", "/api/")
BACKGROUND = "x-clientcomm-background"  # set by app.js on its live-refresh requests


def wants_page(accept: str) -> bool:
    """A browser's navigation asks for text/html before anything JSON."""
    kinds = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    if "text/html" not in kinds:
        return False
    return "application/json" not in kinds or kinds.index("text/html") < kinds.index(
        "application/json"
    )


def explanation(status: int) -> tuple[str, str]:
    return WHAT_WENT_WRONG.get(status) or (SERVER_ERROR if status >= 500 else CLIENT_ERROR)


def problem_page(status: int, prefix: str) -> Response:
    """The site's error page for ``status``; links and assets under ``prefix`` ("/api")."""
    title, message = explanation(status)
    return render(
        "problem.html", status, title=title, message=message, url=lambda p: prefix + p, user=None
    )


def pages_for_browsers(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """Chalice HTTP middleware: a JSON error answered to a browser's navigation becomes the
    site's error page, with the same status (and the Allow header of a 405)."""
    response = get_response(event)
    if response.status_code < 400 or event.path.startswith(NOT_FOR_PAGES):
        return response
    headers = {name.lower(): value for name, value in response.headers.items()}
    if not str(headers.get("content-type", "application/json")).startswith("application/json"):
        return response
    if event.headers.get(BACKGROUND) or not wants_page(event.headers.get("accept") or ""):
        return response  # a page's own script (a live refresh) reads the JSON
    page = problem_page(response.status_code, path_prefix(event, get_settings()))
    if "allow" in headers:
        page.headers["Allow"] = headers["allow"]
    return page
