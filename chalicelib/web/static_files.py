"""The stylesheet and the little scripts, served by the app (no build step, no CDN).

``app.js`` is an ES module; it imports one module per concern from the same folder.
Pages name each file by its content hash (``static_url``: ``/static/app.<hash>.js``),
cached for a year; the plain name is still served, briefly cached, for a page an older
deploy rendered or a device kept (static_hashing.py says how the hashes are made)."""

from __future__ import annotations

from functools import lru_cache

from chalice import Blueprint, NotFoundError, Response

from .rendering import TEMPLATE_DIR
from .static_hashing import StaticFiles

bp = Blueprint(__name__)
JS = "text/javascript; charset=utf-8"
MODULES = (
    "app.js",
    "attach.js",
    "background.js",
    "conversation.js",
    "device.js",
    "drafts.js",
    "forgetting.js",
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
    "app-icon.svg": "image/svg+xml",  # the installed app's icon (web/offline_pages.py)
}


FOR_GOOD = "public, max-age=31536000, immutable"  # a hashed name never changes content
BRIEFLY = "public, max-age=300"  # a plain name does, at the next deploy


def _read(name: str) -> str:
    return (TEMPLATE_DIR / "static" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def static_files() -> StaticFiles:
    """The folder's files as served; a deploy ships new files in a new container."""
    return StaticFiles(_read, TYPES)


def static_path(name: str) -> str:
    """``/static/<name>.<hash>.<ext>`` of a listed file (without the stage prefix)."""
    return "/static/" + static_files().file(name).hashed_name


def module_preloads(entry: str) -> list[str]:
    """The hashed paths of every module ``entry`` imports, for <link rel="modulepreload">."""
    return [static_path(name) for name in static_files().module_graph(entry)]


@bp.route("/static/{name}", methods=["GET"])
def static_file(name: str) -> Response:
    """Public on purpose: no data in it. Only the files listed are served, by their plain
    name or by their current hash; an old or unknown hash is not found."""
    found = static_files().find(name)
    if found is None:
        raise NotFoundError(name)
    served, hashed = found
    return Response(
        body=served.text,
        status_code=200,
        headers={
            "Content-Type": TYPES[served.name],
            "Cache-Control": FOR_GOOD if hashed else BRIEFLY,
            "X-Content-Type-Options": "nosniff",
        },
    )
