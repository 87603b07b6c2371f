"""Amazon SES: the only mail ClientComm sends is "you have unread texts" to staff."""

from __future__ import annotations

from typing import Any


class EmailGateway:
    def __init__(self, ses_client: Any, sender: str):
        self.ses = ses_client
        self.sender = sender

    def send(self, to: str, subject: str, text: str) -> None:
        self.ses.send_email(
            Source=self.sender,
            Destination={"ToAddresses": [to]},
            Message={
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
            },
        )
