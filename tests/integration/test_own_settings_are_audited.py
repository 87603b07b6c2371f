"""A person's own settings are settings changes too: turning the unread-texts e-mail or the
weekly e-mail on or off writes an audit row under that member of staff."""

from __future__ import annotations

from chalicelib.domain.users import Role
from tests.integration.session_tools import PASSWORD, new_staff


def actions(stores, user_id: str) -> list[tuple[str, dict]]:
    trail = stores.audit.trail(f"staff#{user_id}")
    return [(e.action, e.details) for e in reversed(trail)]


def test_turning_the_unread_email_on_and_off_is_in_the_trail(web, stack, stores):
    manager = new_staff(stack, stores)
    visitor = web.sign_in(manager.user_id, PASSWORD)
    visitor.get("/settings")

    assert visitor.post("/settings", {"email_notifications": "on"}).status_code == 303
    assert visitor.post("/settings", {}).status_code == 303

    assert actions(stores, manager.user_id) == [
        ("own_setting", {"setting": "email_notifications", "now": "on"}),
        ("own_setting", {"setting": "email_notifications", "now": "off"}),
    ]


def test_turning_the_weekly_email_on_is_in_the_trail(web, stack, stores):
    boss = new_staff(stack, stores, Role.SUPERVISOR)
    visitor = web.sign_in(boss.user_id, PASSWORD)
    visitor.get("/settings")

    assert visitor.post("/settings/weekly-email", {"weekly_email": "on"}).status_code == 303

    assert actions(stores, boss.user_id) == [
        ("own_setting", {"setting": "weekly_email", "now": "on"}),
    ]
