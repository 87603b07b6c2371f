"""Where a restore drill's copy comes from: a point in time, or an AWS Backup recovery point.

Point-in-time recovery (DynamoDB's own ``RestoreTableToPointInTime``) reaches any second of
the last 35 days. Older than that, the stack's backup plan keeps daily and monthly recovery
points in the vault ``clientcomm-<jurisdiction>``; AWS Backup restores one with a restore job
(``StartRestoreJob``) into a new table, with the role that made the backup unless told
another. Either way the copy is a new table without stream, TTL, PITR or tags, which the
drill then puts back (``table_settings``).

Both are safe to run again: an existing copy restored from the same live table is taken up
where an earlier run left it, and a restore job is started with an idempotency token made
of the recovery point and the copy's name, so AWS Backup does not start it twice.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from . import table_settings as settings
from .aws_target import Target, call
from .common import OpsError
from .staff_access import Report

LATEST = "latest"
TARGET_TABLE = "targetTableName"  # AWS Backup's restore metadata key for a DynamoDB table
RESOURCE_TYPE = "DynamoDB"
JOB_DONE = "COMPLETED"
JOB_ENDED = ("FAILED", "ABORTED")


class Origin(Protocol):
    """What a drill restores from."""

    def label(self) -> str:
        """What the copy shows (its ``clientcomm:restored-to`` tag)."""
        ...

    def default_name(self, source: str, today: datetime) -> str: ...

    def describe(self, source: str, name: str) -> str:
        """The plan's first step, for ``--dry-run``."""
        ...

    def check(
        self, dynamodb: Any, target: Target, source: str, found: dict[str, Any], report: Report
    ) -> None:
        """Refuse before anything is restored (``found``: the live table's description)."""
        ...

    def start(
        self, dynamodb: Any, source: str, source_arn: str, name: str, report: Report
    ) -> None: ...

    def wait(self, name: str, deadline: float, report: Report) -> None:
        """Until the copy exists (its table is then waited for); StillWorking at deadline."""
        ...


@dataclass
class PointInTime:
    """DynamoDB's point-in-time recovery; ``to_time`` None is the latest restorable time."""

    to_time: datetime | None

    def label(self) -> str:
        return LATEST if self.to_time is None else self.to_time.isoformat()

    def default_name(self, source: str, today: datetime) -> str:
        """Deterministic, so a rerun with the same arguments finds the restore it started."""
        if self.to_time is None:
            return f"{source}-drill-latest-{today:%Y%m%d}"
        return f"{source}-drill-{self.to_time:%Y%m%dT%H%M%SZ}"

    def describe(self, source: str, name: str) -> str:
        when = "the latest restorable time" if self.to_time is None else self.label()
        return f"restore {source} as of {when} into {name}"

    def check(
        self, dynamodb: Any, target: Target, source: str, found: dict[str, Any], report: Report
    ) -> None:
        window = settings.pitr_window(dynamodb, source)
        if window is None and target.local:  # the local stack's tables are made without it
            call(
                "turn point-in-time recovery on",
                dynamodb.update_continuous_backups,
                TableName=source,
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
            )
            report.step("local only", f"turned point-in-time recovery on for {source} (AWS has it)")
            window = settings.pitr_window(dynamodb, source)
        if window is None:
            raise OpsError(
                f"point-in-time recovery is off for {source}, so it cannot be restored to a "
                "time. The template turns it on: deploy the stack again, then restore from "
                "the time it was turned on (or from a backup: --from-backup)"
            )
        earliest, latest = window
        when = self.to_time
        if when is not None and earliest and latest and not earliest <= when <= latest:
            raise OpsError(
                f"{source} can be restored to times from {earliest.isoformat()} to "
                f"{latest.isoformat()} (or 'latest'), not {when.isoformat()}; older: "
                "--from-backup with a recovery point of the vault"
            )

    def start(self, dynamodb: Any, source: str, source_arn: str, name: str, report: Report) -> None:
        if settings.earlier_restore(dynamodb, name, source, source_arn):
            report.step("restore", f"{name} was started by an earlier run; going on with it")
            return
        when: dict[str, Any] = (
            {"UseLatestRestorableTime": True}
            if self.to_time is None
            else {"RestoreDateTime": self.to_time}
        )
        call(
            f"restore {source}",
            dynamodb.restore_table_to_point_in_time,
            SourceTableName=source,
            TargetTableName=name,
            **when,
        )
        report.step("restore", f"started: {source} as of {self.label()} into {name}")

    def wait(self, name: str, deadline: float, report: Report) -> None:
        """DynamoDB makes the copy's table at once; its status says when it is done."""


@dataclass
class RecoveryPoint:
    """An AWS Backup recovery point of the live table, in ``vault``. ``role`` restores it
    (default: the role that made it, the stack's backup role); ``backup`` is the AWS Backup
    client, given only when the drill runs (a dry run reads nothing)."""

    arn: str
    vault: str
    role: str | None = None
    backup: Any = None
    made: datetime | None = None
    job: str | None = None

    def label(self) -> str:
        return self.made.isoformat() if self.made else self.arn

    def default_name(self, source: str, today: datetime) -> str:
        """The recovery point's own id (the ARN's last part), so a rerun finds the copy."""
        point = self.arn.replace("/", ":").rsplit(":", 1)[-1].lower()
        return f"{source}-drill-backup-{point}"

    def describe(self, source: str, name: str) -> str:
        return f"restore recovery point {self.arn} of {source} (vault {self.vault}) into {name}"

    def check(
        self, dynamodb: Any, target: Target, source: str, found: dict[str, Any], report: Report
    ) -> None:
        point = call(
            "describe the recovery point",
            self.backup.describe_recovery_point,
            BackupVaultName=self.vault,
            RecoveryPointArn=self.arn,
        )
        of = point.get("ResourceArn")
        if of != found["TableArn"] or point.get("ResourceType") != RESOURCE_TYPE:
            raise OpsError(
                f"that recovery point is a backup of {of}, not of {source}: list this table's "
                "with aws backup list-recovery-points-by-resource --resource-arn "
                f"{found['TableArn']}"
            )
        if point.get("Status") != JOB_DONE:
            raise OpsError(f"that recovery point is {point.get('Status')}, not {JOB_DONE}")
        self.role = self.role or point.get("IamRoleArn")
        if not self.role:
            raise OpsError("the recovery point names no role: give --iam-role-arn")
        self.made = point.get("CreationDate")
        lapses = point.get("CalculatedLifecycle", {}).get("DeleteAt")
        until = f", kept until {lapses.isoformat()}" if lapses else ""
        report.step("backup", f"a backup of {source} made {self.label()}{until}")

    def start(self, dynamodb: Any, source: str, source_arn: str, name: str, report: Report) -> None:
        if settings.earlier_restore(dynamodb, name, source, source_arn):
            report.step("restore", f"{name} was started by an earlier run; going on with it")
            return
        found = call(
            "read the recovery point's restore settings",
            self.backup.get_recovery_point_restore_metadata,
            BackupVaultName=self.vault,
            RecoveryPointArn=self.arn,
        )
        started = call(
            "start the restore job",
            self.backup.start_restore_job,
            RecoveryPointArn=self.arn,
            Metadata={**found.get("RestoreMetadata", {}), TARGET_TABLE: name},
            IamRoleArn=self.role,
            ResourceType=RESOURCE_TYPE,
            IdempotencyToken=idempotency_token(self.arn, name),
        )
        self.job = started["RestoreJobId"]
        report.step("restore", f"started: AWS Backup restore job {self.job} into {name}")

    def wait(self, name: str, deadline: float, report: Report) -> None:
        if self.job is None:  # an earlier run's job: the copy's table says when it is done
            return
        while True:
            job = call(
                "read the restore job", self.backup.describe_restore_job, RestoreJobId=self.job
            )
            status = str(job.get("Status"))
            if status == JOB_DONE:
                report.step("restored", f"AWS Backup's restore job {self.job} completed")
                return
            if status in JOB_ENDED:
                raise OpsError(
                    f"AWS Backup's restore job {self.job} ended {status}: "
                    f"{job.get('StatusMessage', 'no message')}. Nothing was restored; fix "
                    "that, delete the copy if AWS left one, and run again"
                )
            if time.monotonic() >= deadline:
                raise settings.StillWorking(name, status, True)
            time.sleep(settings.POLL_SECONDS)


def idempotency_token(recovery_point: str, name: str) -> str:
    """The same for the same recovery point and copy: a rerun starts no second job."""
    return hashlib.sha256(f"{recovery_point}\n{name}".encode()).hexdigest()[:32]
