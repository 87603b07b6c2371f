"""The inbound path's hook for replies to appointment reminders.

Most texts are not answers, so the appointment machinery is loaded only for a text that
reads like one ("Y", "NO", "Sí."): the webhook's cold start stays what it was.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..domain.clients import Client
from ..domain.confirmations import answer_in
from ..domain.jurisdiction import Jurisdiction
from .receiving import AnswerHandler

if TYPE_CHECKING:
    from ..store.appointments import AppointmentStore, DepartmentTextsStore


def answer_handler(
    appointments: AppointmentStore, texts: DepartmentTextsStore, jurisdiction: Jurisdiction
) -> AnswerHandler:
    def handle(client: Client, sid: str, body: str) -> str | None:
        if answer_in(body) is None:
            return None
        from . import appointments as use_cases

        department = use_cases.department_texts(texts, jurisdiction, client.department_id)
        answered = use_cases.answer_reminder(
            client, sid, body, appointments, department, datetime.now(UTC)
        )
        return answered.reply if answered else None

    return handle
