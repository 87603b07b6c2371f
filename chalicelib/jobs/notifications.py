"""E-mail staff who asked for it when clients text them: at most one mail a minute each.

Runs on a schedule (EventBridge, every minute). It reads the sparse "email-due" index,
so a quiet minute costs one Query. Mails carry a count and a link, never names or texts.
"""

from __future__ import annotations

import logging

from ..adapters.email import EmailGateway
from ..store.activity import ActivityStore
from ..store.users import UserStore

log = logging.getLogger(__name__)


def send_unread_notifications(
    activity: ActivityStore, users: UserStore, mail: EmailGateway, app_url: str
) -> int:
    """Returns how many e-mails went out."""
    due = activity.email_due()
    if not due:
        return 0
    staff = users.many([user_id for user_id, _, _ in due])
    sent = 0
    for user_id, seq, unread in due:
        person = staff.get(user_id)
        if person and person.active and person.email_notifications and unread > 0:
            plural = "s" if unread != 1 else ""
            mail.send(
                person.email,
                f"ClientComm: {unread} unread text{plural}",
                f"You have {unread} unread text{plural} from clients in ClientComm.\n\n"
                f"Open {app_url.rstrip('/')}/caseload?order=unread to read them.\n\n"
                "You get this because e-mail notifications are on in your settings.",
            )
            sent += 1
        activity.emailed(user_id, seq)
    return sent
