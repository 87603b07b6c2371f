"""Through the real path (a form posted to the app, the department-settings stream, the
local WebSocket API): a department's saved reply reaches its staff's open pages, a case
manager's own group only hers, and another department's open pages hear nothing of
either. The other department's own change, pushed after them, shows its page was
listening all along."""

from __future__ import annotations

import secrets

import pytest

from tests.helpers import WebVisitor
from tests.integration.test_pushed_updates import connect_url
from tests.integration.test_saved_replies import new_reply
from tests.socket_client import SocketListener

pytestmark = pytest.mark.any_hour  # nothing here depends on the hour


REPLIES = {"type": "settings", "what": "replies"}
GROUPS = {"type": "settings", "what": "groups"}


def test_settings_changes_reach_their_own_departments_pages_only(stack, http):
    pages = {}
    for name in ("kristina", "marcus", "dana", "tom"):
        visitor = WebVisitor(http).sign_in(name)
        pages[name] = (visitor, visitor.get("/saved-replies").body.decode())
    dana, kristina, tom = pages["dana"][0], pages["kristina"][0], pages["tom"][0]
    with (
        SocketListener(connect_url(pages["kristina"][1])) as kristinas,
        SocketListener(connect_url(pages["marcus"][1])) as marcuss,
        SocketListener(connect_url(pages["dana"][1])) as danas,
        SocketListener(connect_url(pages["tom"][1])) as toms,
    ):
        _, saved = new_reply(dana, "department", title="Office closed", english="Closed Monday")
        assert saved.status_code == 303
        for colleague in (kristinas, marcuss, danas):
            assert colleague.next("settings") == REPLIES

        kristina.get("/groups")
        made = kristina.post("/groups", {"name": f"Thursday {secrets.token_hex(3)}"})
        assert made.status_code == 303
        assert kristinas.next("settings") == GROUPS

        # Each page's next message is the next change it may hear, in the stream's order:
        # Marcus and Dana hear the second department reply, not Kristina's group before
        # it; Tom hears his own department's group, not Probation's replies before it.
        dana.get("/saved-replies")
        _, again = new_reply(dana, "department", title="Office open", english="Open Tuesday")
        assert again.status_code == 303
        for colleague in (kristinas, marcuss, danas):
            assert colleague.next("settings") == REPLIES
        tom.get("/groups")
        assert tom.post("/groups", {"name": f"Pretrial {secrets.token_hex(3)}"}).status_code == 303
        assert toms.next("settings") == GROUPS
