"""Answering a number that is not a client's yet, from the department's number.

The reply goes through the same exactly-once path as a text to a client (a one-time id
recorded before Twilio is called, the first attempt's truth for any repeat) and is stored
in the waiting number's thread, so attaching the number later carries the whole exchange.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ..adapters.twilio_gateway import TwilioGateway
from ..domain.conversation import ConversationEntry, Direction, EntryKind
from ..domain.errors import ValidationFailed
from ..domain.jurisdiction import Jurisdiction
from ..domain.message_body import checked_body
from ..domain.phones import display_phone
from ..domain.segments import count_segments
from ..domain.users import User
from ..store.outbound import OutboundStore
from ..store.partitions import unclaimed_partition
from ..store.unclaimed import UnclaimedStore
from .texting import DRAFT_ID, SendRefused, send_once
from .unclaimed import waiting_number


def reply(
    user: User,
    unclaimed: UnclaimedStore,
    outbound: OutboundStore,
    gateway: TwilioGateway,
    jurisdiction: Jurisdiction,
    digits: str,
    body: str,
    draft_id: str,
    status_callback_base: str,
) -> ConversationEntry:
    """Send ``body`` to the waiting number ``digits`` once, however often the form is
    posted; a refusal says why in a case manager's words."""
    text = checked_body(body)
    if not DRAFT_ID.match(draft_id or ""):
        raise ValidationFailed({"body": "The form is out of date; reload the page."})
    found = waiting_number(user, unclaimed, digits)
    if not found.phone.startswith("+"):
        raise SendRefused("A short code or a named sender cannot receive texts.")
    department = jurisdiction.department(user.department_id)
    if department is None:
        raise SendRefused("Your department has no texting number configured.")
    entry = ConversationEntry(
        client_id=unclaimed_partition(user.department_id, found.phone),
        entry_id=draft_id,
        at=datetime.now(UTC),
        kind=EntryKind.TEXT,
        body=text,
        direction=Direction.OUTBOUND,
        phone=found.phone,
        status="sending_to_twilio",
        author_id=user.user_id,
        segments=count_segments(text),
    )
    return send_once(
        outbound,
        gateway,
        entry,
        department.twilio_number,
        status_callback_base,
        display_phone(found.phone),
    )
