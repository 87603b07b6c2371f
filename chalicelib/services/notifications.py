"""E-mail staff who asked for it when clients text them: at most one mail a minute each.

Runs on a schedule (EventBridge, every minute). It reads the sparse "email-due" index on
clients, so a quiet minute costs one Query. Mails carry counts and a link, never names or
texts: e-mail is read in more places than ClientComm.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from ..adapters.email import EmailGateway
from ..store.clients import ClientStore, UnmailedTexts
from ..store.users import UserStore

log = logging.getLogger(__name__)


def send_unread_notifications(
    clients: ClientStore, users: UserStore, mail: EmailGateway, app_url: str
) -> int:
    """Returns how many e-mails went out. A client is taken off the index only after its
    case manager's mail went out (or they don't want mail), and only if no newer text
    arrived meanwhile: that text is mailed about next minute."""
    due = clients.with_unmailed_texts()
    if not due:
        return 0
    by_person: dict[str, list[UnmailedTexts]] = defaultdict(list)
    for item in due:
        by_person[item.case_manager_id].append(item)
    staff = users.many(list(by_person))
    sent = 0
    for user_id, items in by_person.items():
        person = staff.get(user_id)
        unread = sum(item.unread for item in items)
        if person and person.active and person.email_notifications and unread > 0:
            mail.send(person.email, *unread_mail(unread, len(items), app_url))
            sent += 1
        for item in items:
            clients.mailed(item.client_id, item.inbound_count)
    return sent


def unread_mail(unread: int, clients: int, app_url: str) -> tuple[str, str]:
    """(subject, body) of the notification; numbers and a link only."""
    texts = "text" if unread == 1 else "texts"
    people = "client" if clients == 1 else "clients"
    subject = f"ClientComm: {unread} unread {texts}"
    body = (
        f"You have {unread} unread {texts} from {clients} {people} in ClientComm.\n\n"
        f"Open {app_url.rstrip('/')}/caseload?order=unread to read them.\n\n"
        "You get this because e-mail notifications are on in your settings."
    )
    return subject, body
