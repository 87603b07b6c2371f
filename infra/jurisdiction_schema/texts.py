"""The jurisdiction's own texts (auto-reply, HELP answer), checked as the client gets them.

They are sent exactly as written (no placeholders are filled in), once per HELP and once per
unknown number, and billed per SMS segment, so the build counts the segments of each text in
each language and refuses more than three: the limit the department's reminder texts have.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic_core import PydanticCustomError

from chalicelib.domain.message_body import has_visible_text
from chalicelib.domain.segments import (
    GSM_PART,
    GSM_SINGLE,
    UCS2_PART,
    UCS2_SINGLE,
    count_segments,
    is_gsm7,
)

MAX_SEGMENTS = 3
BRACES = re.compile(r"\{[^{}]*\}|[{}]")


def sendable(text: str) -> str:
    """Pydantic validator: the text unchanged, or an error saying what to fix."""
    problem = text_problem(text)
    if problem:
        # The message goes in as context: a "{first_name}" in it must stay text.
        raise PydanticCustomError("sent_text", "{problem}", {"problem": problem})
    return text


def text_problem(text: str) -> str:
    """What is wrong with one text, or ""."""
    if not has_visible_text(text):
        return "is blank; expected the words the client receives"
    braced = BRACES.search(text)
    if braced:
        return (
            f"has {braced.group()}, which the client would receive as typed: these texts "
            "have no placeholders"
        )
    segments = count_segments(text)
    if segments > MAX_SEGMENTS:
        return (
            f"is {segments} SMS segments ({encoding(text)}); expected at most {MAX_SEGMENTS}: "
            "shorten it"
        )
    return ""


def encoding(text: str) -> str:
    """The encoding and its limits ("GSM-7: 160 characters in one segment, 153 a segment
    when longer"), naming for UCS-2 the characters that force it."""
    if is_gsm7(text):
        return f"GSM-7: {GSM_SINGLE} characters in one segment, {GSM_PART} a segment when longer"
    outside = "".join(dict.fromkeys(ch for ch in text if not is_gsm7(ch)))
    return (
        f"UCS-2 because of {', '.join(outside)}: {UCS2_SINGLE} characters in one segment, "
        f"{UCS2_PART} a segment when longer"
    )


def text_report(texts: Mapping[str, Any]) -> list[str]:
    """One line per text: its path, length and segments (what each HELP answer costs)."""
    lines = []
    for language, by_key in texts.items():
        for key, text in by_key.items():
            segments = count_segments(text)
            plural = "" if segments == 1 else "s"
            lines.append(
                f"texts.{language}.{key}: {len(text)} characters, {segments} segment{plural} "
                f"({encoding(text)})"
            )
    return lines
