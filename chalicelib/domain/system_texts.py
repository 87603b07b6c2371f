"""Texts the client received that no person wrote: HELP replies, the unclaimed number's
auto-reply and Twilio's own opt-out and opt-in confirmations.

They are part of the record (a disclosure request asks what the client was told), so each
is a conversation entry of kind ``system``, written in the same transaction as the
inbound text that caused it and keyed by that text's MessageSid, so it exists once.

Who really sends them: ClientComm answers HELP (and an unknown number's first text) in the
webhook's TwiML, with the jurisdiction's words, which we record exactly. STOP and START are
answered by Twilio itself (its default opt-out handling for long codes, or a Messaging
Service's Advanced Opt-Out): ClientComm never sees those words, so the record says that
Twilio confirmed, in Twilio's words, rather than inventing a text. Twilio also answers HELP
and INFO with its own standard line, next to ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from .conversation import ConversationEntry, Direction, EntryKind
from .keywords import Keyword


class Reason(StrEnum):
    HELP = "help"
    AUTO_REPLY = "auto_reply"
    OPT_OUT = "opt_out_confirmation"
    OPT_IN = "opt_in_confirmation"
    TWILIO_HELP = "twilio_help"


class Sender(StrEnum):
    CLIENTCOMM = "clientcomm"  # our TwiML answer: the exact words are stored
    TWILIO = "twilio"  # Twilio's own answer: its words are not known to us


LABELS = {
    Reason.HELP: "HELP reply",
    Reason.AUTO_REPLY: "auto-reply to an unknown number",
    Reason.OPT_OUT: "opt-out confirmation",
    Reason.OPT_IN: "opt-in confirmation",
    Reason.TWILIO_HELP: "Twilio's HELP reply",
}
TWILIO_SAID = {
    Reason.OPT_OUT: (
        "Twilio confirmed the opt-out to the client in its own words (Twilio answers STOP "
        "itself; ClientComm sends nothing after it)."
    ),
    Reason.OPT_IN: (
        "Twilio confirmed to the client, in its own words, that texts are allowed again."
    ),
    Reason.TWILIO_HELP: "Twilio also answered with its own standard help line.",
}
# What Twilio's default handling answers itself (START and UNSTOP; YES only re-subscribes
# someone opted out, which is when ``keyword_in`` calls it START).
TWILIO_HELP_WORDS = frozenset({"HELP", "INFO"})


@dataclass(frozen=True)
class AutoReply:
    reason: Reason
    sender: Sender
    body: str


def keyword_replies(keyword: Keyword | None, said: str, help_text: str) -> list[AutoReply]:
    """What the client got back for a keyword (``help_text``: ours, in their language)."""
    if keyword is Keyword.STOP:
        return [AutoReply(Reason.OPT_OUT, Sender.TWILIO, TWILIO_SAID[Reason.OPT_OUT])]
    if keyword is Keyword.START:
        return [AutoReply(Reason.OPT_IN, Sender.TWILIO, TWILIO_SAID[Reason.OPT_IN])]
    if keyword is Keyword.HELP:
        replies = [AutoReply(Reason.HELP, Sender.CLIENTCOMM, help_text)]
        if said.strip().rstrip(".!").upper() in TWILIO_HELP_WORDS:
            twilio = AutoReply(Reason.TWILIO_HELP, Sender.TWILIO, TWILIO_SAID[Reason.TWILIO_HELP])
            replies.append(twilio)
        return replies
    return []


def our_answer(replies: list[AutoReply]) -> str | None:
    """The text ClientComm itself answers with (in TwiML), if any."""
    return next((r.body for r in replies if r.sender is Sender.CLIENTCOMM), None)


def system_entries(
    owner_id: str, inbound: ConversationEntry, replies: list[AutoReply]
) -> list[ConversationEntry]:
    """One entry per reply, just after the text that caused it (a microsecond apart, so
    they sort after it), keyed by its MessageSid and the reason: a retry cannot add one."""
    return [
        ConversationEntry(
            client_id=owner_id,
            entry_id=f"{inbound.sid}-{reply.reason.value}",
            at=inbound.at + timedelta(microseconds=n),
            kind=EntryKind.SYSTEM,
            body=reply.body,
            direction=Direction.OUTBOUND,
            phone=inbound.phone,
            details={
                "reason": reply.reason.value,
                "sent_by": reply.sender.value,
                "in_reply_to": inbound.sid,
            },
        )
        for n, reply in enumerate(replies, start=1)
    ]


def describe(entry: ConversationEntry) -> str:
    """ "Automatic reply by ClientComm (HELP reply)": how pages and exports mark one."""
    reason = LABELS.get(Reason(entry.details.get("reason", "help")), "automatic reply")
    sender = "Twilio" if entry.details.get("sent_by") == Sender.TWILIO else "ClientComm"
    return f"Automatic reply by {sender} ({reason})"
