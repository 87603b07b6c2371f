"""What makes ClientComm installable and readable offline (issue 23): the web app manifest,
the service worker and the page it shows for a page not kept on the device.

All three are public and hold no data. The worker is served from the app's root path (with
a stage's prefix, under it), so its scope covers every page; what it keeps is decided by the
server page by page (web/keeping.py)."""

from __future__ import annotations

import json
from functools import lru_cache

from chalice import Blueprint, Response

from ..config import get_settings
from .public_url import path_prefix
from .rendering import TEMPLATE_DIR, render

bp = Blueprint(__name__)
THEME_COLOUR = "#1a4480"  # app.css --primary-dark, the header's colour
BACKGROUND_COLOUR = "#ffffff"  # app.css --bg


def manifest(prefix: str) -> dict[str, object]:
    """The web app manifest; ``prefix`` is the stage's path ("" or "/api")."""
    return {
        "name": "ClientComm",
        "short_name": "ClientComm",
        "description": "Text with the clients on your caseload.",
        "start_url": f"{prefix}/caseload",
        "scope": f"{prefix}/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {
                "src": f"{prefix}/static/app-icon.svg",
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            }
        ],
    }


@lru_cache(maxsize=1)
def worker_script() -> str:
    return (TEMPLATE_DIR / "sw.js").read_text(encoding="utf-8")


@bp.route("/manifest.webmanifest", methods=["GET"])
def web_app_manifest() -> Response:
    """Public on purpose: names and colours only."""
    prefix = path_prefix(bp.current_request, get_settings())
    return Response(
        body=json.dumps(manifest(prefix)),
        status_code=200,
        headers={
            "Content-Type": "application/manifest+json",
            "Cache-Control": "no-cache",
        },
    )


@bp.route("/sw.js", methods=["GET"])
def service_worker() -> Response:
    """Public on purpose: no data in it. ``no-cache``: a new release's worker is picked up
    on the next page load, never held back by the browser's HTTP cache."""
    return Response(
        body=worker_script(),
        status_code=200,
        headers={
            "Content-Type": "text/javascript; charset=utf-8",
            "Cache-Control": "no-cache",
            "Content-Security-Policy": "default-src 'self'",
        },
    )


@bp.route("/offline", methods=["GET"])
def offline_page() -> Response:
    """What the worker shows for a page not kept on this device. It is kept in the shell
    when the worker installs, so it names no one: no user, no data."""
    prefix = path_prefix(bp.current_request, get_settings())
    response = render("offline.html", url=lambda p: prefix + p, user=None)
    response.headers["Cache-Control"] = "no-cache"
    return response
