"""Carrier keywords a client may text. They are handled before anything else (sentiment
would score "STOP" on the word alone)."""

from __future__ import annotations

from enum import StrEnum


class Keyword(StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"


STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO", "AYUDA"})


def keyword_in(body: str, opted_out: bool = False) -> Keyword | None:
    """A keyword only when it is the whole text (trimmed, any case, trailing punctuation).

    "Stop by at 3?" is a message, not an opt-out. Twilio also re-subscribes on "YES", but
    only an opted-out client's YES means that; anyone else's YES is an answer.
    """
    word = body.strip().rstrip(".!").upper()
    if word in STOP_WORDS:
        return Keyword.STOP
    if word in START_WORDS or (opted_out and word == "YES"):
        return Keyword.START
    if word in HELP_WORDS:
        return Keyword.HELP
    return None
