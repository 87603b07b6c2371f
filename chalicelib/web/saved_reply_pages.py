"""Saved replies: the page where people keep their own (and supervisors the department's),
and the compose box's picker, filled in for the client the page is open on.

The picker's list is a small background request made when the picker is opened, not part
of the client page: most visits to a client use no saved reply, and the page keeps its
round trips; the server fills each reply in the client's language, so the page inserts
exactly what the service decided.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from ..domain.errors import NotStored, ValidationFailed
from ..domain.placeholders import CLIENT_PLACEHOLDERS
from ..domain.saved_replies import LANGUAGES, MAX_TITLE, MAX_WORDING, SavedReply, Scope
from ..lazy import lazy_module
from .errors import friendly_errors
from .visit import Visit, signed_in

if TYPE_CHECKING:
    from .. import bootstrap
    from ..services import saved_replies
else:  # loaded by the first page that needs them, not by every cold start
    bootstrap = lazy_module("chalicelib.bootstrap")
    saved_replies = lazy_module("chalicelib.services.saved_replies")

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]
guarded = friendly_errors(bp)
NOT_SAVED = "ClientComm could not save that just now, so nothing changed. Please try again."
LIST = "/saved-replies"


def _store(visit: Visit) -> Any:
    return bootstrap.stores(visit.settings).saved_replies


@bp.route("/saved-replies", methods=["GET"])
@guarded
def replies_page() -> Response:
    visit = signed_in(bp.current_request)
    return _list(visit, done=visit.query("done"))


@bp.route("/saved-replies/new", methods=["GET"])
@guarded
def new_reply() -> Response:
    visit = signed_in(bp.current_request)
    reply = saved_replies.blank_reply(visit.staff, visit.query("scope") or Scope.MINE.value)
    return _form(visit, reply, _values(reply), {})


@bp.route("/saved-replies/{scope}/{reply_id}", methods=["GET"])
@guarded
def edit_reply(scope: str, reply_id: str) -> Response:
    visit = signed_in(bp.current_request)
    reply = saved_replies.open_reply(visit.staff, _store(visit), scope, reply_id)
    return _form(visit, reply, _values(reply), {})


@bp.route("/saved-replies", methods=["POST"], content_types=FORM)
@guarded
def save_reply() -> Response:
    visit = signed_in(bp.current_request, form=True)
    try:
        saved_replies.save_reply(visit.staff, _store(visit), visit.form)
    except ValidationFailed as exc:
        return _refused(visit, exc.field_errors, 409 if "version" in exc.field_errors else 400)
    except NotStored:
        return _refused(visit, {"form": NOT_SAVED}, 503)
    return visit.redirect(f"{LIST}?done=saved")


@bp.route("/saved-replies/{scope}/{reply_id}/delete", methods=["POST"], content_types=FORM)
@guarded
def delete_reply(scope: str, reply_id: str) -> Response:
    visit = signed_in(bp.current_request, form=True)
    try:
        saved_replies.delete_reply(visit.staff, _store(visit), scope, reply_id, visit.form)
    except ValidationFailed as exc:
        return _list(visit, 409, problem=" ".join(exc.field_errors.values()))
    except NotStored:
        return _list(visit, 503, problem=NOT_SAVED)
    return visit.redirect(f"{LIST}?done=deleted")


@bp.route("/clients/{client_id}/saved-replies", methods=["GET"])
@guarded
def picker(client_id: str) -> Response:
    """The compose box's list for this client (fetched when the picker opens)."""
    visit = signed_in(bp.current_request, background=True, client_id=client_id)
    stores = bootstrap.stores(visit.settings)
    found = saved_replies.filled_for_client(
        visit.staff, visit.clients(stores.clients), stores.users, stores.saved_replies, client_id
    )
    response = visit.page("_saved_reply_picker.html", replies=found, languages=LANGUAGES)
    response.headers["Cache-Control"] = "no-store"
    return response


def _list(visit: Visit, status: int = 200, *, done: str = "", problem: str = "") -> Response:
    lists = saved_replies.replies_of(visit.staff, _store(visit))
    return visit.page("saved_replies.html", status, lists=lists, done=done, problem=problem)


def _values(reply: SavedReply) -> dict[str, str]:
    return {
        "title": reply.title,
        "english": reply.english,
        "spanish": reply.spanish,
        "version": str(reply.version),
    }


def _refused(visit: Visit, errors: Mapping[str, str], status: int) -> Response:
    """The form again as typed; after someone else's save, their wording is shown beside it
    and the form carries the version saved now, so saving again is a deliberate choice."""
    form = visit.form
    scope = saved_replies.scope_of(form.get("scope", ""))
    reply_id = form.get("reply_id", "")
    values = {k: form.get(k, "") for k in ("title", "english", "spanish", "version")}
    theirs = None
    if "version" in errors:
        store = _store(visit)
        owner = visit.staff.user_id if scope is Scope.MINE else ""
        theirs = store.get(visit.staff.department_id, scope, owner, reply_id)
        values["version"] = str(theirs.version if theirs else 0)
    reply = SavedReply(reply_id, scope, "", values["title"], values["english"])
    return _form(visit, reply, values, errors, status, theirs)


def _form(
    visit: Visit,
    reply: SavedReply,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    status: int = 200,
    theirs: SavedReply | None = None,
) -> Response:
    return visit.page(
        "saved_reply_form.html",
        status,
        reply=reply,
        values=values,
        errors=errors,
        theirs=theirs,
        placeholders=CLIENT_PLACEHOLDERS,
        max_title=MAX_TITLE,
        max_wording=MAX_WORDING,
    )
