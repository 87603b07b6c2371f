"""The stylesheet and the little script, served by the app (no build step, no CDN)."""

from __future__ import annotations

from functools import lru_cache

from chalice import Blueprint, NotFoundError, Response

from .rendering import TEMPLATE_DIR

bp = Blueprint(__name__)
TYPES = {
    "app.css": "text/css; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "import.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}


@lru_cache(maxsize=8)
def _read(name: str) -> str:
    return (TEMPLATE_DIR / "static" / name).read_text(encoding="utf-8")


@bp.route("/static/{name}", methods=["GET"])
def static_file(name: str) -> Response:
    """Public on purpose: no data in it. Only the files listed are served."""
    if name not in TYPES:
        raise NotFoundError(name)
    return Response(
        body=_read(name),
        status_code=200,
        headers={
            "Content-Type": TYPES[name],
            "Cache-Control": "public, max-age=300",
            "X-Content-Type-Options": "nosniff",
        },
    )
