"""The jurisdiction the use-case tests run in: two departments, texts in two languages."""

from __future__ import annotations

from chalicelib.domain.jurisdiction import Jurisdiction, parse_jurisdiction

PROBATION_NUMBER = "+18015550100"
PRETRIAL_NUMBER = "+18015550200"
HELP_EN = "County Justice Services. Reply STOP to stop texts."
HELP_ES = "Servicios de Justicia del Condado. Responda STOP para no recibir mensajes."
AUTO_REPLY_EN = "Thanks for your text; a case manager will get back to you."
AUTO_REPLY_ES = "Gracias por su mensaje; un encargado de caso le responderá."


def county_settings() -> Jurisdiction:
    return parse_jurisdiction(
        {
            "name": "test",
            "display_name": "Test County",
            "time_zone": "America/Denver",
            "departments": [
                {"id": "probation", "name": "Probation", "twilio_number": PROBATION_NUMBER},
                {"id": "pretrial", "name": "Pretrial", "twilio_number": PRETRIAL_NUMBER},
            ],
            "texts": {
                "en": {"auto_reply": AUTO_REPLY_EN, "help": HELP_EN},
                "es": {"auto_reply": AUTO_REPLY_ES, "help": HELP_ES},
            },
        }
    )
