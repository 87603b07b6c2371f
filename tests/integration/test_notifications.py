"""E-mail notifications: opt in on the settings page; the scheduled job mails a count."""

from __future__ import annotations

import boto3

from infra.local.scheduler import scheduled_event, scheduled_handlers
from tests.helpers import fresh_phone


def sent_so_far() -> int:
    return int(boto3.client("ses").get_send_quota()["SentLast24Hours"])


def run_notifier(chalice_app) -> dict:
    import app as app_module

    return app_module.email_notifications(scheduled_event("email-notifications"), None)


def add_client(visitor, phone: str) -> None:
    visitor.get("/clients/new")
    assert (
        visitor.post(
            "/clients", {"first_name": "Mail", "last_name": "Me", "phone": phone}
        ).status_code
        == 303
    )


def test_an_opted_in_case_manager_gets_one_mail_per_batch_of_texts(web, stack, stores, chalice_app):
    rosa = web.sign_in("rosa")
    rosa.get("/settings")
    assert rosa.post("/settings", {"email_notifications": "on"}).status_code == 303
    assert stores.users.get("rosa").email_notifications
    phone = fresh_phone()
    add_client(rosa, phone)
    run_notifier(chalice_app)  # whatever was due before this test
    before = sent_so_far()
    stack.twilio.send_inbound(from_=phone, to="+18015550200", body="first")
    stack.twilio.send_inbound(from_=phone, to="+18015550200", body="second")
    assert run_notifier(chalice_app) == {"sent": 1}
    assert sent_so_far() == before + 1
    assert run_notifier(chalice_app) == {"sent": 0}  # nothing new: no second mail


def test_without_the_setting_no_mail_is_sent(web, stack, stores, chalice_app):
    tom = web.sign_in("tom")
    tom.get("/settings")
    tom.post("/settings", {})
    assert not stores.users.get("tom").email_notifications
    phone = fresh_phone()
    add_client(tom, phone)
    run_notifier(chalice_app)
    before = sent_so_far()
    stack.twilio.send_inbound(from_=phone, to="+18015550200", body="hello")
    assert run_notifier(chalice_app) == {"sent": 0}
    assert sent_so_far() == before


def test_the_local_stack_runs_every_scheduled_handler_the_app_declares(chalice_app):
    from chalice.app import ScheduledEventConfig

    import app as app_module

    names = {name for name, _, _ in scheduled_handlers(app_module)}
    declared = {
        source.name
        for source in chalice_app.event_sources
        if isinstance(source, ScheduledEventConfig)
    }
    assert names == declared and {"email-notifications", "sweep-scheduled"} <= names
