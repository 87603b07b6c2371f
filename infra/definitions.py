"""What the stack is made of, in one place: the local stack builds it in moto from here and
the CloudFormation template is generated from here and from the PynamoDB models."""

from __future__ import annotations

PASSWORD_POLICY = {
    "MinimumLength": 12,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": 7,
}
# Admins create every account; nobody signs themselves up.
ADMIN_CREATE_USER_CONFIG = {"AllowAdminCreateUserOnly": True}
APP_CLIENT_AUTH_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
ID_TOKEN_HOURS = 1
REFRESH_TOKEN_HOURS = 12  # a working day; after that everyone signs in again

# --- Added for the deployed stack (infra/package) and the ops scripts (infra/ops). ---

APP_NAME = "clientcomm"
# Time-based codes from an authenticator app: SMS MFA would need an SNS role and costs per text.
MFA_METHODS = ["SOFTWARE_TOKEN_MFA"]
# Nobody resets their own password by email: a supervisor or an admin does (as the sign-in
# page says).
ACCOUNT_RECOVERY = {"RecoveryMechanisms": [{"Name": "admin_only", "Priority": 1}]}
ACCESS_TOKEN_HOURS = 1
# The metrics the app publishes through Powertools Metrics (EMF) and the alarms read: each
# jurisdiction's stack under its own namespace (metrics_namespace), so that in an account
# shared by several stacks no alarm counts another jurisdiction's texts.
METRICS_NAMESPACE = "ClientComm"
METRICS_SERVICE = "clientcomm"
MESSAGES_SENT_METRIC = "MessagesSent"
MESSAGES_FAILED_METRIC = "MessagesFailed"
# The scheduled-text state machine (chalicelib/store/scheduled.py): a job that could not move
# a text on says so, and an alarm reads it.
SCHEDULED_NOT_QUEUED_METRIC = "ScheduledTextsNotQueued"  # due, but SQS did not keep it
UNRESOLVED_OVERDUE_METRIC = "UnresolvedSendsOverdue"  # "checking" for over half an hour
# Counted from the API's access log (infra/package/access_log.py): API Gateway publishes no
# throttle count of its own. Every 429, and those of Twilio's webhooks alone.
API_THROTTLED_METRIC = "ApiThrottledRequests"
WEBHOOK_THROTTLED_METRIC = "WebhookThrottledRequests"
# Lambda logs hold phone numbers; the record of what happened lives in DynamoDB, not in logs.
LOG_RETENTION_DAYS = 90


def metrics_namespace(jurisdiction: str) -> str:
    """``ClientComm/<jurisdiction>``: where one stack's metrics are written and read."""
    return f"{METRICS_NAMESPACE}/{jurisdiction}"


def table_prefix(jurisdiction: str) -> str:
    """Every table of a jurisdiction's stack is ``{prefix}{model's base name}``."""
    return f"{APP_NAME}-{jurisdiction}-"


def backup_vault_name(jurisdiction: str) -> str:
    """The stack's AWS Backup vault: kept when the stack goes, so its name is fixed."""
    return f"{APP_NAME}-{jurisdiction}"


def parameter_path(jurisdiction: str) -> str:
    """The SSM path under which ops store a jurisdiction's secrets (SecureString)."""
    return f"/{APP_NAME}/{jurisdiction}"


def secret_parameters(jurisdiction: str) -> dict[str, str]:
    """Environment variable the app reads → SSM parameter name holding that secret."""
    root = parameter_path(jurisdiction)
    return {
        "TWILIO_ACCOUNT_SID_PARAMETER": f"{root}/twilio/account_sid",
        "TWILIO_AUTH_TOKEN_PARAMETER": f"{root}/twilio/auth_token",
        "SESSION_SECRET_PARAMETER": f"{root}/session_secret",
    }


# During an auth-token rotation (docs/operations.md, "Rotate secrets") the token it replaces
# is kept here, so requests Twilio signed with it are still taken; absent otherwise. Not in
# secret_parameters: a stack runs without it.
PREVIOUS_AUTH_TOKEN_VARIABLE = "TWILIO_PREVIOUS_AUTH_TOKEN_PARAMETER"  # noqa: S105 - a name


def rotation_parameters(jurisdiction: str) -> dict[str, str]:
    """Environment variable the app reads → the SSM parameter set only while rotating."""
    return {
        PREVIOUS_AUTH_TOKEN_VARIABLE: f"{parameter_path(jurisdiction)}/twilio/previous_auth_token"
    }
