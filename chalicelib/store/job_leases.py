"""One run at a time for a scheduled job: a lease row in the jobs' own table.

EventBridge may fire a rule twice, and a run may outlast the minute before the next one
starts (a sweep of thousands on a slow day, or on the laptop's moto). Two sweeps at once
are safe (every step is conditional) but wasteful: both put the texts neither has marked
yet on the queue, and the senders then claim-and-drop the repeats. A run takes the lease
under a condition (nobody holds it, or the holder's time ran out) and gives it back when it
ends; a run that dies is outlived by its lease, at most the function's timeout.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import PynamoDBException

from .models import RecordsRetentionModel
from .write_failures import Cause, classify, retry_transient

PREFIX = "lease#"  # beside the records-retention job's own rows (legal-hold, job)


class JobLeases:
    def take(self, job: str, token: str, now: datetime, lease: timedelta) -> bool:
        """The lease for ``token`` until ``now + lease``; False while another run holds it."""
        row = RecordsRetentionModel(PREFIX + job)
        until = RecordsRetentionModel.lease_until
        try:
            retry_transient(
                f"{job} lease",
                lambda: row.update(
                    actions=[until.set(now + lease), RecordsRetentionModel.lease_token.set(token)],
                    condition=until.does_not_exist() | (until < now),
                ),
            )
        except PynamoDBException as exc:
            if classify(exc).cause is Cause.CONDITION:
                return False
            raise
        return True

    def release(self, job: str, token: str) -> None:
        """Let the next run in at once; nothing if the lease ran out and another took it."""
        row = RecordsRetentionModel(PREFIX + job)
        try:
            retry_transient(
                f"{job} lease",
                lambda: row.update(
                    actions=[
                        RecordsRetentionModel.lease_until.remove(),
                        RecordsRetentionModel.lease_token.remove(),
                    ],
                    condition=RecordsRetentionModel.lease_token == token,
                ),
            )
        except PynamoDBException as exc:
            if classify(exc).cause is not Cause.CONDITION:
                raise
