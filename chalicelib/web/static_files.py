"""The stylesheet and the little scripts, served by the app (no build step, no CDN).

``app.js`` is an ES module; it imports one module per concern from the same folder."""

from __future__ import annotations

from functools import lru_cache

from chalice import Blueprint, NotFoundError, Response

from .rendering import TEMPLATE_DIR

bp = Blueprint(__name__)
JS = "text/javascript; charset=utf-8"
MODULES = (
    "app.js",
    "attach.js",
    "background.js",
    "conversation.js",
    "device.js",
    "drafts.js",
    "layout.js",
    "live.js",
    "offline.js",
    "offline_forms.js",
    "outbox.js",
    "outbox_sending.js",
    "outbox_store.js",
    "outbox_view.js",
    "saved_replies.js",
    "picking.js",
    "segments.js",
    "session.js",
    "unread.js",
)
TYPES = {
    "app.css": "text/css; charset=utf-8",
    **dict.fromkeys(MODULES, JS),
    "import.js": JS,
    "favicon.svg": "image/svg+xml",
}


@lru_cache(maxsize=32)
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
