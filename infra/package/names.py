"""Logical ids and names in the template, in one place: the generator and the checks agree."""

from __future__ import annotations

from typing import Any

from chalice.utils import to_cfn_resource_name

# Chalice's own logical ids (chalice/package.py names them so in every SAM template).
REST_API = "RestAPI"
API_STAGE = "api"
API_FUNCTION = "api_handler"  # Chalice's name for the REST API's function ...
API_FUNCTION_ID = "APIHandler"  # ... and its logical id
# Chalice's WebSocket API (``@app.on_ws_connect`` / ``on_ws_disconnect``) and its functions.
WEBSOCKET_API = "WebsocketAPI"
WEBSOCKET_STAGE = "WebsocketAPIStage"
# Ours.
USER_POOL = "UserPool"
USER_POOL_CLIENT = "UserPoolClient"
MEDIA_BUCKET = "MediaBucket"
MEDIA_BUCKET_POLICY = "MediaBucketPolicy"
FUNCTION_LOGS = "FunctionLogs"
API_ACCESS_LOGS = "ApiAccessLogs"
API_THROTTLED_FILTER = "ApiThrottledRequestsFilter"
WEBHOOK_THROTTLED_FILTER = "WebhookThrottledRequestsFilter"
API_GATEWAY_ACCOUNT = "ApiGatewayAccount"
API_GATEWAY_LOGGING_ROLE = "ApiGatewayLoggingRole"
API_THROTTLING_ALARM = "ApiThrottlingAlarm"
WEBHOOK_THROTTLING_ALARM = "WebhookThrottlingAlarm"
ALARM_TOPIC = "AlarmTopic"
DASHBOARD = "Dashboard"
SEND_FAILURE_ALARM = "SendFailureRateAlarm"
API_5XX_ALARM = "Api5xxAlarm"
FALLBACK_QUEUE = "InboundFallbackQueue"
FALLBACK_QUEUE_POLICY = "InboundFallbackQueuePolicy"
FALLBACK_DEAD_LETTERS = "InboundFallbackDeadLetterQueue"
FALLBACK_DEAD_LETTERS_ALARM = "InboundFallbackDeadLettersAlarm"
FALLBACK_BACKLOG_ALARM = "InboundFallbackBacklogAlarm"
SEND_QUEUE = "SendQueue"
SEND_QUEUE_POLICY = "SendQueuePolicy"
SEND_DEAD_LETTERS = "SendDeadLetterQueue"
SEND_DEAD_LETTERS_ALARM = "SendDeadLettersAlarm"
SEND_BACKLOG_ALARM = "SendBacklogAlarm"
STATUS_QUEUE = "StatusCallbackQueue"
STATUS_QUEUE_POLICY = "StatusCallbackQueuePolicy"
STATUS_DEAD_LETTERS = "StatusCallbackDeadLetterQueue"
STATUS_DEAD_LETTERS_ALARM = "StatusCallbackDeadLettersAlarm"
STATUS_BACKLOG_ALARM = "StatusCallbackBacklogAlarm"
SCHEDULED_NOT_QUEUED_ALARM = "ScheduledNotQueuedAlarm"
MEDIA_COPY_QUEUE = "MediaCopyQueue"
MEDIA_COPY_QUEUE_POLICY = "MediaCopyQueuePolicy"
MEDIA_COPY_DEAD_LETTERS = "MediaCopyDeadLetterQueue"
MEDIA_COPY_DEAD_LETTERS_ALARM = "MediaCopyDeadLettersAlarm"
UNRESOLVED_SENDS_ALARM = "UnresolvedSendsAlarm"
# AWS Backup: every table copied daily and monthly into the stack's vault (backups.py).
BACKUP_VAULT = "BackupVault"
BACKUP_PLAN = "BackupPlan"
BACKUP_SELECTION = "BackupSelection"
BACKUP_ROLE = "BackupRole"
BACKUP_JOBS_ALARM = "BackupJobsFailedAlarm"


def function_logical_id(function: str) -> str:
    """A Chalice function's name (``email-notifications``) → its logical id in the template."""
    return API_FUNCTION_ID if function == API_FUNCTION else to_cfn_resource_name(function)


def table_logical_id(base_name: str) -> str:
    """``phone-routes`` → ``PhoneRoutesTable``."""
    return f"{to_cfn_resource_name(base_name)}Table"


# Tables whose streams feed the push functions, the mass texts' fan-out and the audit chain
# (their models set ``stream_view_type``).
STREAMED_TABLES = (
    "ClientsTable",
    "ConversationsTable",
    "UnclaimedTable",
    "MassTextsTable",
    "DepartmentSettingsTable",
    "AuditTable",
)


def errors_alarm_id(function_id: str) -> str:
    return f"{function_id}ErrorsAlarm"


def deploy_errors_alarm_id(function_id: str) -> str:
    """The alarm that rolls a deployment of the function back (gradual.py)."""
    return f"{function_id}DeployErrorsAlarm"


def heartbeat_alarm_id(function_id: str) -> str:
    return f"{function_id}HeartbeatAlarm"


def throttles_alarm_id(resource_id: str) -> str:
    """A function's or a table's throttles alarm: ``APIHandlerThrottlesAlarm``,
    ``ClientsTableThrottlesAlarm``."""
    return f"{resource_id}ThrottlesAlarm"


def api_name(jurisdiction: str) -> str:
    """API Gateway's metrics are keyed by the API's name, so the name must be known."""
    return f"clientcomm-{jurisdiction}"


def ref(logical_id: str) -> dict[str, Any]:
    return {"Ref": logical_id}


def arn_of(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def sub(text: str) -> dict[str, Any]:
    return {"Fn::Sub": text}


# Chalice's REST API and the stage it deploys: only functions the API does not refer to may
# use it (the API handler would close a cycle).
EXECUTE_API_BASE = sub(
    f"https://${{{REST_API}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{API_STAGE}"
)


# Where pages connect, and where the functions post to them: the WebSocket API's stage.
WEBSOCKET_HOST = f"${{{WEBSOCKET_API}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}"
WEBSOCKET_URL = sub(f"wss://{WEBSOCKET_HOST}/{API_STAGE}")
WEBSOCKET_PUSH_URL = sub(f"https://{WEBSOCKET_HOST}/{API_STAGE}")


def public_base_url(custom: str | None) -> Any:
    """The URL the world uses: the custom domain when configured, else execute-api + /api."""
    return custom if custom else EXECUTE_API_BASE


def join_url(base: Any, path: str) -> Any:
    """``base + path`` whether base is a literal string or a ``Fn::Sub``."""
    if isinstance(base, str):
        return base + path
    return sub(base["Fn::Sub"] + path)
