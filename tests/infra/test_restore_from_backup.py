"""The restore drill from an AWS Backup recovery point (``--from-backup``), against moto.

moto 5.2 has no AWS Backup restore jobs, so AWS Backup is a fake here (``FakeBackup``): each
request the drill makes is checked against botocore's model of the real API, and a recovery
point is a moto DynamoDB on-demand backup (the ARN of a recovery point DynamoDB manages is
that backup's), restored by moto's RestoreTableFromBackup. What is tested is everything the
drill does around AWS Backup: the recovery point checked against the live table, the job
started once with the backup's role, its end awaited, the copy made whole and compared.
What AWS Backup itself does with the job is not.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.validate import validate_parameters

from chalicelib.store.models import ConversationEntryModel, SessionModel
from infra.ops import restore_drill
from infra.ops import table_settings as settings
from tests.infra.staff_tools import REGION, run_script, without_aws
from tests.infra.test_restore_drill import READS, Recording, entries, make_live

ROLE = "arn:aws:iam::123456789012:role/clientcomm-drill-county-BackupRole-ABC"
MODEL = botocore.session.get_session().get_service_model("backup")


def dynamodb() -> Any:
    return boto3.client("dynamodb", region_name=REGION)


class FakeBackup:
    """The AWS Backup calls the drill makes; every request checked against the real API."""

    def __init__(self) -> None:
        self.points: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failure: str | None = None  # a restore job ends FAILED with this message

    def take(self, table: str, role: str = ROLE) -> str:
        """A recovery point of ``table`` as it is now."""
        made = dynamodb().create_backup(TableName=table, BackupName=f"point-{uuid.uuid4().hex}")
        details = made["BackupDetails"]
        self.points[details["BackupArn"]] = {
            "ResourceArn": dynamodb().describe_table(TableName=table)["Table"]["TableArn"],
            "ResourceType": "DynamoDB",
            "IamRoleArn": role,
            "Status": "COMPLETED",
            "CreationDate": details["BackupCreationDateTime"],
            "CalculatedLifecycle": {
                "DeleteAt": details["BackupCreationDateTime"] + timedelta(days=7)
            },
        }
        return str(details["BackupArn"])

    def _called(self, operation: str, request: dict[str, Any]) -> None:
        validate_parameters(request, MODEL.operation_model(operation).input_shape)
        self.calls.append((operation, request))

    def _point(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        self._called(operation, request)
        found = self.points.get(request["RecoveryPointArn"])
        if found is None:
            error = {"Error": {"Code": "ResourceNotFoundException", "Message": "none"}}
            raise ClientError(error, operation)  # type: ignore[arg-type]
        return found

    def describe_recovery_point(self, **request: Any) -> dict[str, Any]:
        found = self._point("DescribeRecoveryPoint", request)
        return {"RecoveryPointArn": request["RecoveryPointArn"], **found}

    def get_recovery_point_restore_metadata(self, **request: Any) -> dict[str, Any]:
        self._point("GetRecoveryPointRestoreMetadata", request)
        return {"RecoveryPointArn": request["RecoveryPointArn"], "RestoreMetadata": {}}

    def start_restore_job(self, **request: Any) -> dict[str, Any]:
        self._called("StartRestoreJob", request)
        token = request["IdempotencyToken"]
        if token not in self.jobs:
            if self.failure is None:
                dynamodb().restore_table_from_backup(
                    TargetTableName=request["Metadata"]["targetTableName"],
                    BackupArn=request["RecoveryPointArn"],
                )
            self.jobs[token] = {"RestoreJobId": f"job-{len(self.jobs) + 1}"}
        return dict(self.jobs[token])

    def describe_restore_job(self, **request: Any) -> dict[str, Any]:
        self._called("DescribeRestoreJob", request)
        if self.failure:
            return {"RestoreJobId": request["RestoreJobId"], "Status": "FAILED",
                    "StatusMessage": self.failure}  # fmt: skip
        return {"RestoreJobId": request["RestoreJobId"], "Status": "COMPLETED"}

    def requests(self, operation: str) -> list[dict[str, Any]]:
        return [request for name, request in self.calls if name == operation]


@pytest.fixture()
def prefix(stack) -> Iterator[str]:
    made = f"bk-{uuid.uuid4().hex[:8]}-"
    yield made
    for page in dynamodb().get_paginator("list_tables").paginate():
        for name in page["TableNames"]:
            if name.startswith(made):
                dynamodb().delete_table(TableName=name)


def table_names() -> list[str]:
    """Every table, every page: other tests' tables can push this test's past the first 100."""
    pages = dynamodb().get_paginator("list_tables").paginate()
    return [name for page in pages for name in page["TableNames"]]


def drill(prefix: str, backup: FakeBackup, *extra: str, client: Any = None) -> int:
    args = ["--jurisdiction", "demo", "--region", REGION, "--table-prefix", prefix,
            "--table", "conversations", *extra]  # fmt: skip
    return restore_drill.main(args, dynamodb=client or dynamodb(), backup=backup)


def test_a_drill_from_a_backup_restores_that_copy_makes_it_whole_and_compares_it(prefix, capsys):
    live = make_live(prefix, ConversationEntryModel)
    kept = entries(live, 10)
    backup = FakeBackup()
    point = backup.take(live)
    dynamodb().delete_item(TableName=live, Key={k: kept[0][k] for k in ("client_id", "entry_key")})
    entries(live, 1)  # written after the backup
    recording = Recording(dynamodb())
    assert drill(prefix, backup, "--from-backup", point, "--name", f"{live}-copy",
                 "--sample", "20", client=recording) == 0  # fmt: skip
    (job,) = backup.requests("StartRestoreJob")
    assert job["Metadata"]["targetTableName"] == f"{live}-copy"
    assert (job["IamRoleArn"], job["ResourceType"]) == (ROLE, "DynamoDB")
    copy = dynamodb().describe_table(TableName=f"{live}-copy")["Table"]
    assert copy["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert settings.pitr_window(dynamodb(), f"{live}-copy") is not None
    tags = {t["Key"]: t["Value"] for t in
            dynamodb().list_tags_of_resource(ResourceArn=copy["TableArn"])["Tags"]}  # fmt: skip
    assert tags["clientcomm:restored-from"] == live
    assert tags["clientcomm:restored-to"] == backup.points[point]["CreationDate"].isoformat()
    assert {"describe_table", "scan", "batch_get_item"} <= recording.operations_on(live)
    assert recording.operations_on(live) <= READS - {"restore_table_to_point_in_time"}
    out = capsys.readouterr().out
    assert "10 in the copy, 10 in the live table now" in out
    assert "1 not at all (deleted since)" in out and "1 not at all (written since)" in out


def test_running_it_again_goes_on_with_the_same_copy_and_starts_no_second_job(prefix, capsys):
    live = make_live(prefix, ConversationEntryModel)
    entries(live, 3)
    backup = FakeBackup()
    point = backup.take(live)
    assert drill(prefix, backup, "--from-backup", point) == 0
    assert drill(prefix, backup, "--from-backup", point) == 0
    assert len(backup.requests("StartRestoreJob")) == 1
    assert "was started by an earlier run" in capsys.readouterr().out
    copies = [n for n in table_names() if n.startswith(f"{live}-drill")]
    assert copies == [f"{live}-drill-backup-{point.rsplit('/', 1)[-1].lower()}"]


def test_a_recovery_point_of_another_table_is_refused_before_anything_is_restored(prefix, capsys):
    make_live(prefix, ConversationEntryModel)
    other = make_live(prefix, SessionModel)
    backup = FakeBackup()
    point = backup.take(other)
    assert drill(prefix, backup, "--from-backup", point, "--name", "never-made") == 1
    assert "is a backup of" in capsys.readouterr().err
    assert not backup.requests("StartRestoreJob")
    assert "never-made" not in table_names()


def test_a_restore_job_that_fails_stops_the_drill_with_aws_backups_reason(prefix, capsys):
    live = make_live(prefix, ConversationEntryModel)
    backup = FakeBackup()
    point = backup.take(live)
    backup.failure = "Access denied: the role cannot restore"
    assert drill(prefix, backup, "--from-backup", point) == 1
    err = capsys.readouterr().err
    assert "ended FAILED: Access denied: the role cannot restore" in err


def test_the_role_and_vault_given_are_the_ones_used(prefix):
    live = make_live(prefix, ConversationEntryModel)
    backup = FakeBackup()
    point = backup.take(live)
    other_role = "arn:aws:iam::123456789012:role/restores"
    assert drill(prefix, backup, "--from-backup", point, "--iam-role-arn", other_role,
                 "--backup-vault", "central-vault") == 0  # fmt: skip
    assert backup.requests("StartRestoreJob")[0]["IamRoleArn"] == other_role
    assert {r["BackupVaultName"] for r in backup.requests("DescribeRecoveryPoint")} == {
        "central-vault"
    }


def test_a_time_and_a_backup_together_or_backup_options_alone_are_refused(capsys):
    both = ["--jurisdiction", "demo", "--table", "clients", "--to-time", "latest",
            "--from-backup", "arn:aws:backup:us-west-2:1:recovery-point:x"]  # fmt: skip
    with pytest.raises(SystemExit) as refused:
        restore_drill.arguments().parse_args(both)
    assert refused.value.code == 2
    args = ["--jurisdiction", "demo", "--region", REGION, "--table", "clients",
            "--to-time", "latest", "--backup-vault", "v", "--dry-run"]  # fmt: skip
    assert restore_drill.main(args) == 1
    assert "go with --from-backup" in capsys.readouterr().err


def test_a_dry_run_from_a_backup_needs_no_aws_and_names_the_recovery_point_and_vault():
    point = "arn:aws:backup:us-west-2:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B"
    done = run_script(
        "restore_drill", "--jurisdiction", "salt-lake-county", "--table", "clients",
        "--from-backup", point, "--dry-run", env=without_aws(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"restore recovery point {point}" in done.stdout
    assert "(vault clientcomm-salt-lake-county)" in done.stdout
    assert "clientcomm-salt-lake-county-clients-drill-backup-1eb3b5e7-9eb0-435a-a80b" in done.stdout
