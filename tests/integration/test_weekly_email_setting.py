"""The settings page's weekly e-mail checkbox: a section of its own, for supervisors and
admins only; saving it turns the mail on and off."""

from __future__ import annotations

from chalicelib.domain.users import Role
from tests.helpers import page_text
from tests.integration.session_tools import PASSWORD, new_staff


def test_a_supervisor_turns_the_weekly_email_on_and_off(web, stack, stores):
    boss = new_staff(stack, stores, Role.SUPERVISOR)
    visitor = web.sign_in(boss.user_id, PASSWORD)
    page = visitor.get("/settings").body.decode()
    assert (
        'id="weekly_email"' in page
        and 'id="weekly_email" name="weekly_email" type="checkbox" checked' not in page
    )

    saved = visitor.post("/settings/weekly-email", {"weekly_email": "on"})
    assert saved.status_code == 303
    page = visitor.get("/settings").body.decode()
    assert 'name="weekly_email" type="checkbox" checked' in page
    assert stores.dashboard_counts.weekly_readers("probation").count(boss.user_id) == 1

    visitor.post("/settings/weekly-email", {})
    assert boss.user_id not in stores.dashboard_counts.weekly_readers("probation")


def test_case_managers_are_not_offered_the_weekly_email(web, stack, stores):
    case_manager = new_staff(stack, stores)
    visitor = web.sign_in(case_manager.user_id, PASSWORD)

    assert "Weekly e-mail" not in page_text(visitor.get("/settings"))
    assert visitor.post("/settings/weekly-email", {"weekly_email": "on"}).status_code == 403
