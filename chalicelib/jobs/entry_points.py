"""What each scheduled Lambda handler runs, with real collaborators built here."""

from __future__ import annotations

from .. import bootstrap
from ..config import get_settings
from ..observability import logger
from .notifications import send_unread_notifications


def email_notifications() -> dict:
    settings = get_settings()
    stores = bootstrap.stores(settings)
    sent = send_unread_notifications(
        stores.activity, stores.users, bootstrap.email(settings), settings.public_base_url
    )
    logger().info("e-mail notifications", extra={"sent": sent})
    return {"sent": sent}
