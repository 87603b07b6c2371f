"""Every AWS action the app's Lambda functions may take, per function, as data.

This is the one list: ``policy.py`` turns it into each function's IAM policy, the build
checks each role against it, and the test run (``tests/aws_calls.py``) fails if the app calls
an AWS API that is not listed here. A new AWS call in ``chalicelib/`` therefore means a line
here, reviewed, or a red test run.

Functions are named as Chalice names them: ``api_handler`` for the REST API and the ``name``
of each ``@app.schedule`` and ``@app.on_sqs_message``. A handler not named here gets
``DEFAULT``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Target(Enum):
    """What a grant's actions apply to; ``policy.py`` turns each into ARNs of this stack."""

    FUNCTION_LOGS = "the stack's log group"
    TABLES = "the stack's tables and their indexes, but the audit table"
    AUDIT_TABLE = "the audit table and its indexes: append and read only"
    PARAMETERS = "the jurisdiction's SSM SecureStrings"
    PARAMETER_KEYS = "KMS keys, only through SSM and only for those parameters"
    MAIL_SENDER = "the configured SES sender (address and its domain)"
    FALLBACK_QUEUE = "the inbound fallback queue"
    SEND_QUEUE = "the send queue of scheduled texts"
    STATUS_QUEUE = "the queue of status callbacks kept for replay"
    MEDIA_COPY_QUEUE = "the queue of inbound MMS files waiting to be copied"
    MEDIA_OBJECTS = "the media bucket's objects under media/"
    PAGE_CONNECTIONS = "the WebSocket API's connections (@connections)"
    USER_POOL = "the stack's Cognito user pool"
    TABLE_STREAMS = (
        "the streams of the clients, conversations, unclaimed, mass-texts, "
        "department-settings and audit tables"
    )


@dataclass(frozen=True)
class Grant:
    """``actions`` on ``target``; ``sid`` names the policy statement."""

    sid: str
    actions: tuple[str, ...]
    target: Target


LOGS = Grant("Logs", ("logs:CreateLogStream", "logs:PutLogEvents"), Target.FUNCTION_LOGS)
# A transaction needs no action of its own: IAM authorises each item through PutItem,
# UpdateItem, DeleteItem and ConditionCheckItem. PynamoDB 6 never calls DescribeTable on
# the paths the app uses (a model knows its schema); only create_table/exists() do.
TABLES = Grant(
    "Tables",
    (
        "dynamodb:BatchGetItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
    ),
    Target.TABLES,
)
# The audit trail is append-only: a row is put (on the condition that its key is new) and
# read, never updated or deleted; chain-audit puts its links the same way; DynamoDB's TTL
# removes old rows and links, no role of ours. PutItem could still overwrite a row (IAM
# cannot require a condition); the hash chain shows that (infra/ops/check_audit.py).
AUDIT_TRAIL = Grant(
    "AuditTrailAppendOnly",
    (
        "dynamodb:BatchGetItem",
        "dynamodb:ConditionCheckItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
    ),
    Target.AUDIT_TABLE,
)
# Denied to every role on the audit table whatever it is allowed elsewhere (policy.py): a
# later grant on "every table" cannot open it. BatchWriteItem's deletes and puts are one IAM
# action, so it goes too.
AUDIT_DENIED = ("dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem")
# Only the records-retention job reads whole tables (a paced Scan, a page at a time: no key
# lists every conversation and audit subject); no request path may (tests/unit/test_no_scans).
SCAN_TABLES = Grant("RetentionScan", ("dynamodb:Scan",), Target.TABLES)
# Powertools Parameters reads the session secret with GetParameter; the Twilio secrets
# (current token, and the previous one during a rotation) come in one GetParameters call.
SECRETS = Grant("Secrets", ("ssm:GetParameter", "ssm:GetParameters"), Target.PARAMETERS)
# No call of ours: SSM decrypts a SecureString with the caller's permission.
DECRYPT = Grant("DecryptSecrets", ("kms:Decrypt",), Target.PARAMETER_KEYS)
MAIL = Grant("Mail", ("ses:SendEmail",), Target.MAIL_SENDER)
ENQUEUE_FALLBACK = Grant("FallbackQueueSend", ("sqs:SendMessage",), Target.FALLBACK_QUEUE)
# The replay receives, and deletes what it stored; a message it could not store becomes
# visible again by itself (no ChangeMessageVisibility: chalicelib/adapters/queue.py).
REPLAY_FALLBACK = Grant(
    "FallbackQueueReplay", ("sqs:ReceiveMessage", "sqs:DeleteMessage"), Target.FALLBACK_QUEUE
)
# A status callback that could not be stored is kept (Twilio never retries one); the
# status replay receives it, and deletes what it applied.
ENQUEUE_STATUS = Grant("StatusQueueSend", ("sqs:SendMessage",), Target.STATUS_QUEUE)
REPLAY_STATUS = Grant(
    "StatusQueueReplay", ("sqs:ReceiveMessage", "sqs:DeleteMessage"), Target.STATUS_QUEUE
)

# SendMessageBatch (the sweep) and a delayed SendMessage (the sender's retry) are both
# authorised as sqs:SendMessage: SQS has no separate action for its batch calls.
ENQUEUE_SEND = Grant("SendQueueSend", ("sqs:SendMessage",), Target.SEND_QUEUE)
# No call of ours: Lambda's event source mapping polls the queue with the function's own role
# and deletes each batch the function returned from. A failed batch becomes visible again by
# itself, so no ChangeMessageVisibility (AWS's managed AWSLambdaSQSQueueExecutionRole has
# exactly these three).
CONSUME_SEND = Grant(
    "SendQueueEventSource",
    ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"),
    Target.SEND_QUEUE,
)

# An inbound MMS's files are queued for copying once its text is stored (the webhook, the
# fallback replay); the copy worker consumes that queue (Lambda's event source mapping, as
# for the send queue) and puts the originals and thumbnails under media/ in the bucket.
ENQUEUE_MEDIA_COPY = Grant("MediaCopyQueueSend", ("sqs:SendMessage",), Target.MEDIA_COPY_QUEUE)
CONSUME_MEDIA_COPY = Grant(
    "MediaCopyQueueEventSource",
    ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"),
    Target.MEDIA_COPY_QUEUE,
)
STORE_MEDIA = Grant("StoreMedia", ("s3:PutObject",), Target.MEDIA_OBJECTS)

# Staff accounts (admins' /staff pages): invite, look up, disable and enable a member of
# staff, and sign them out everywhere; nothing that deletes a user or changes the pool.
STAFF_ACCOUNTS = Grant(
    "StaffAccounts",
    (
        "cognito-idp:AdminCreateUser",
        "cognito-idp:AdminDisableUser",
        "cognito-idp:AdminEnableUser",
        "cognito-idp:AdminGetUser",
        "cognito-idp:AdminUpdateUserAttributes",
        "cognito-idp:AdminUserGlobalSignOut",
    ),
    Target.USER_POOL,
)
# Media (issue 22), only keys under media/. A presigned URL carries its signer's rights: the
# web function signs 60 s view URLs (get), the compose box's upload forms (a POST is
# authorised as s3:PutObject), and checks an upload before a send (HeadObject = get); a
# sender signs the MediaUrl Twilio fetches (get).
MEDIA_FOR_PAGES = Grant("MediaForPages", ("s3:GetObject", "s3:PutObject"), Target.MEDIA_OBJECTS)
SIGN_MEDIA_URLS = Grant("MediaUrls", ("s3:GetObject",), Target.MEDIA_OBJECTS)
# Posting to an open page and closing it are both @connections calls, one IAM action.
PUSH = Grant("PushToPages", ("execute-api:ManageConnections",), Target.PAGE_CONNECTIONS)
# No call of ours: Lambda's event source mapping reads the stream with the function's role.
READ_STREAMS = Grant(
    "TableStreamEventSource",
    (
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
    ),
    Target.TABLE_STREAMS,
)

API_HANDLER = "api_handler"
EMAIL_NOTIFICATIONS = "email-notifications"
REPLAY_FALLBACK_HANDLER = "replay-fallback"
REPLAY_STATUSES = "replay-statuses"
SWEEP_SCHEDULED = "sweep-scheduled"
SEND_SCHEDULED = "send-scheduled"
SETTLE_SENDS = "settle-sends"
# Chalice names the WebSocket functions itself, whatever app.py calls them.
SOCKET_CONNECT = "websocket_connect"
SOCKET_DISCONNECT = "websocket_disconnect"
PUSH_CLIENTS = "push-clients"
PUSH_CONVERSATIONS = "push-conversations"
PUSH_UNCLAIMED = "push-unclaimed"
SOCKET_UPKEEP = "socket-upkeep"
RECORDS_RETENTION = "records-retention"
FAN_OUT_MASS_TEXTS = "fan-out-mass-texts"
PUSH_MASS_TEXTS = "push-mass-texts"
PUSH_SETTINGS = "push-settings"
COUNT_DASHBOARD = "count-dashboard"
WEEKLY_EMAIL = "weekly-email"
CHAIN_AUDIT = "chain-audit"
COPY_MEDIA = "copy-media"
DEFAULT = "*"

FUNCTION_GRANTS: dict[str, tuple[Grant, ...]] = {
    # Pages, JSON API and Twilio webhooks; the fallback webhook only stores the request,
    # and a status callback that cannot be stored is kept for replay.
    # Sign-out tells that sign-in's open pages and closes them; a client import's apply
    # tells the import's other open pages how far it got.
    # Admins manage staff accounts in Cognito (STAFF_ACCOUNTS).
    # The media route and the compose box sign media URLs and upload forms (MEDIA_FOR_PAGES).
    API_HANDLER: (
        LOGS,
        TABLES,
        AUDIT_TRAIL,
        SECRETS,
        DECRYPT,
        ENQUEUE_FALLBACK,
        ENQUEUE_STATUS,
        PUSH,
        STAFF_ACCOUNTS,
        MEDIA_FOR_PAGES,
        ENQUEUE_MEDIA_COPY,
    ),
    # Reads who has unread texts and mails them; no secrets, no Twilio.
    EMAIL_NOTIFICATIONS: (LOGS, TABLES, AUDIT_TRAIL, MAIL),
    # Replays stored inbound requests through the same code as the webhook (Twilio secrets).
    REPLAY_FALLBACK_HANDLER: (
        LOGS,
        TABLES,
        AUDIT_TRAIL,
        SECRETS,
        DECRYPT,
        REPLAY_FALLBACK,
        ENQUEUE_MEDIA_COPY,
    ),
    # Applies kept status callbacks through the same code as the webhook (Twilio secrets:
    # it checks each one's signature again).
    REPLAY_STATUSES: (LOGS, TABLES, AUDIT_TRAIL, SECRETS, DECRYPT, REPLAY_STATUS),
    # Reads the due index, puts due texts on the send queue, marks them queued; no Twilio.
    SWEEP_SCHEDULED: (LOGS, TABLES, AUDIT_TRAIL, ENQUEUE_SEND),
    # Fed by the send queue; sends through Twilio (secrets); puts a text Twilio refused for
    # now back on the queue with a delay.
    # Signs a scheduled attachment's MediaUrl as it sends (SIGN_MEDIA_URLS).
    SEND_SCHEDULED: (
        LOGS,
        TABLES,
        AUDIT_TRAIL,
        SECRETS,
        DECRYPT,
        ENQUEUE_SEND,
        CONSUME_SEND,
        SIGN_MEDIA_URLS,
    ),
    # Asks Twilio what became of texts whose fate is unknown, and records it.
    SETTLE_SENDS: (LOGS, TABLES, AUDIT_TRAIL, SECRETS, DECRYPT),
    # A page connects with its signed ticket (the session secret checks it); no Twilio.
    SOCKET_CONNECT: (LOGS, TABLES, AUDIT_TRAIL, SECRETS, DECRYPT),
    SOCKET_DISCONNECT: (LOGS, TABLES, AUDIT_TRAIL),
    # Fed by the tables' streams; render the changed row and post it to the open pages.
    PUSH_CLIENTS: (LOGS, TABLES, AUDIT_TRAIL, READ_STREAMS, PUSH),
    PUSH_CONVERSATIONS: (LOGS, TABLES, AUDIT_TRAIL, READ_STREAMS, PUSH),
    # Fed by the unclaimed queue's stream; counts the waiting numbers for the navigation.
    PUSH_UNCLAIMED: (LOGS, TABLES, AUDIT_TRAIL, READ_STREAMS, PUSH),
    # Closes the pages of ended sessions, keeps the others' connections alive.
    SOCKET_UPKEEP: (LOGS, TABLES, AUDIT_TRAIL, PUSH),
    # Deletes what is past the records schedule: reads the tables page by page, deletes in
    # transactions under the holds; no Twilio, no secrets, no queues.
    RECORDS_RETENTION: (LOGS, TABLES, AUDIT_TRAIL, SCAN_TABLES),
    # Fed by the mass-texts table's stream; writes each recipient's scheduled text (reads
    # the mass text, its clients and their case managers' names); no Twilio, no queues.
    FAN_OUT_MASS_TEXTS: (LOGS, TABLES, AUDIT_TRAIL, READ_STREAMS),
    # Fed by the mass-texts and department-settings streams: tell the open pages listing
    # what changed (a mass text is read for its department and author).
    PUSH_MASS_TEXTS: (LOGS, TABLES, AUDIT_TRAIL, READ_STREAMS, PUSH),
    PUSH_SETTINGS: (LOGS, TABLES, AUDIT_TRAIL, READ_STREAMS, PUSH),
    # Fed by the conversations stream; counts texts and outcomes for the dashboard (reads
    # their clients and case managers, writes the dashboard-counts table); nothing else.
    COUNT_DASHBOARD: (LOGS, TABLES, AUDIT_TRAIL, READ_STREAMS),
    # Mails opted-in supervisors their department's week (reads the tables); no Twilio.
    WEEKLY_EMAIL: (LOGS, TABLES, AUDIT_TRAIL, MAIL),
    # Fed by the audit table's stream; links each new row into its subject's hash chain
    # (reads the chain's head, puts a link and a marker): the audit table only, no other.
    CHAIN_AUDIT: (LOGS, AUDIT_TRAIL, READ_STREAMS),
    # Fed by the media-copy queue: reads and settles a text's media items, downloads and
    # deletes at Twilio (secrets), puts the file and its thumbnail under media/.
    COPY_MEDIA: (LOGS, TABLES, AUDIT_TRAIL, SECRETS, DECRYPT, CONSUME_MEDIA_COPY, STORE_MEDIA),
    # Any handler added later: the tables and the secrets, nothing else until declared here.
    DEFAULT: (LOGS, TABLES, AUDIT_TRAIL, SECRETS, DECRYPT),
}

# Operations the app calls that IAM never evaluates: Cognito's public user-pool API takes no
# AWS credentials (botocore sends them unsigned), so no policy can grant or refuse them.
UNSIGNED_CALLS = frozenset(
    {
        "cognito-idp:AssociateSoftwareToken",
        "cognito-idp:GetUser",
        "cognito-idp:InitiateAuth",
        "cognito-idp:RespondToAuthChallenge",
        "cognito-idp:RevokeToken",
        "cognito-idp:SetUserMFAPreference",
        "cognito-idp:VerifySoftwareToken",
    }
)


def declared_functions() -> tuple[str, ...]:
    """The functions with their own grants (everything but ``DEFAULT``)."""
    return tuple(name for name in FUNCTION_GRANTS if name != DEFAULT)


def grants_for(function: str, *, with_mail: bool = True) -> tuple[Grant, ...]:
    """The grants of ``function`` (``DEFAULT``'s if it has none of its own).

    Without a configured sender the app sends no mail, so the mail grant is left out.
    """
    grants = FUNCTION_GRANTS.get(function, FUNCTION_GRANTS[DEFAULT])
    return tuple(g for g in grants if with_mail or g.target is not Target.MAIL_SENDER)


def actions_for(function: str, *, with_mail: bool = True) -> frozenset[str]:
    return frozenset(a for g in grants_for(function, with_mail=with_mail) for a in g.actions)


def all_actions() -> frozenset[str]:
    """What some function of the app may do: the bar for a call no function can be named for."""
    return frozenset().union(*(actions_for(name) for name in FUNCTION_GRANTS))
