"""The one place real collaborators are built, lazily and per call's settings.

Views ask here for stores and gateways and hand them to the use cases; tests hand the use
cases fakes or the same real objects pointed at moto.
"""

from __future__ import annotations

from dataclasses import dataclass

from .adapters.aws import LONG_POLL_READ_TIMEOUT_SECONDS as LONG_POLL_READ_TIMEOUT
from .adapters.aws import aws_client
from .adapters.cognito import CognitoGateway, TokenVerifier
from .adapters.email import EmailGateway
from .adapters.queue import MessageQueue
from .adapters.twilio_gateway import TwilioGateway, credentials, rest_client
from .adapters.websocket_push import PushGateway
from .config import ConfigurationError, Settings, get_settings
from .store.appointments import AppointmentStore, DepartmentTextsStore
from .store.audit import AuditStore
from .store.client_lists import ClientListStore
from .store.clients import ClientStore
from .store.connections import ConnectionStore
from .store.conversations import ConversationStore
from .store.court_imports import CourtImportStore
from .store.department_settings import DepartmentSettingsStore
from .store.inbound import InboundStore
from .store.outbound import OutboundStore
from .store.retention import RecordSweeps
from .store.retention_state import RetentionState
from .store.scheduled import ScheduledStore
from .store.sessions import SessionStore
from .store.tables import bind_tables
from .store.unclaimed import UnclaimedStore
from .store.unread import UnreadStore
from .store.users import UserStore


@dataclass(frozen=True)
class Stores:
    users: UserStore
    clients: ClientStore
    conversations: ConversationStore
    inbound: InboundStore
    outbound: OutboundStore
    unclaimed: UnclaimedStore
    audit: AuditStore
    scheduled: ScheduledStore
    appointments: AppointmentStore
    department_texts: DepartmentTextsStore
    court_imports: CourtImportStore
    client_lists: ClientListStore
    unread: UnreadStore
    department_settings: DepartmentSettingsStore


def stores(settings: Settings | None = None) -> Stores:
    settings = settings or get_settings()
    bind_tables(settings.table_prefix)
    return Stores(
        UserStore(),
        ClientStore(),
        ConversationStore(),
        InboundStore(),
        OutboundStore(),
        UnclaimedStore(),
        AuditStore(),
        ScheduledStore(),
        AppointmentStore(),
        DepartmentTextsStore(),
        CourtImportStore(),
        ClientListStore(),
        UnreadStore(),
        DepartmentSettingsStore(),
    )


def records_retention(settings: Settings | None = None) -> tuple[RetentionState, RecordSweeps]:
    """The records-retention job's state (hold, progress) and what it sweeps."""
    bind_tables((settings or get_settings()).table_prefix)
    return RetentionState(), RecordSweeps()


def session_store(settings: Settings | None = None) -> SessionStore:
    """Read on every request; the same lazily bound tables as ``stores``."""
    bind_tables((settings or get_settings()).table_prefix)
    return SessionStore()


def fallback_queue(settings: Settings | None = None) -> MessageQueue:
    """Where the fallback URL keeps inbound requests for replay (``FALLBACK_QUEUE_URL``)."""
    settings = settings or get_settings()
    if not settings.fallback_queue_url:
        raise ConfigurationError("FALLBACK_QUEUE_URL is not set")
    client = aws_client(
        "sqs", settings.region, settings.aws_endpoint_url, read_timeout=LONG_POLL_READ_TIMEOUT
    )
    return MessageQueue(client, settings.fallback_queue_url)


def status_queue(settings: Settings | None = None) -> MessageQueue:
    """Where status callbacks that could not be stored wait for replay (``STATUS_QUEUE_URL``)."""
    settings = settings or get_settings()
    if not settings.status_queue_url:
        raise ConfigurationError("STATUS_QUEUE_URL is not set")
    client = aws_client(
        "sqs", settings.region, settings.aws_endpoint_url, read_timeout=LONG_POLL_READ_TIMEOUT
    )
    return MessageQueue(client, settings.status_queue_url)


def send_queue(settings: Settings | None = None) -> MessageQueue:
    """The queue scheduled texts wait on for a sender (``SEND_QUEUE_URL``)."""
    settings = settings or get_settings()
    if not settings.send_queue_url:
        raise ConfigurationError("SEND_QUEUE_URL is not set")
    client = aws_client("sqs", settings.region, settings.aws_endpoint_url)
    return MessageQueue(client, settings.send_queue_url)


def push_gateway(settings: Settings | None = None) -> PushGateway:
    """Posts to open pages through the WebSocket API's management endpoint."""
    settings = settings or get_settings()
    if not settings.websocket_push_url:
        raise ConfigurationError("WEBSOCKET_PUSH_URL is not set")
    client = aws_client("apigatewaymanagementapi", settings.region, settings.websocket_push_url)
    return PushGateway(client)


def connections(settings: Settings | None = None) -> ConnectionStore:
    bind_tables((settings or get_settings()).table_prefix)
    return ConnectionStore()


def email(settings: Settings | None = None) -> EmailGateway:
    settings = settings or get_settings()
    client = aws_client("ses", settings.region, settings.aws_endpoint_url)
    return EmailGateway(client, settings.notify_from_email)


def twilio(settings: Settings | None = None) -> TwilioGateway:
    return TwilioGateway(rest_client(credentials()))


def cognito(settings: Settings | None = None) -> CognitoGateway:
    settings = settings or get_settings()
    client = aws_client("cognito-idp", settings.region, settings.aws_endpoint_url)
    return CognitoGateway(client, settings.user_pool_client_id)


def token_verifier(settings: Settings | None = None) -> TokenVerifier:
    settings = settings or get_settings()
    return TokenVerifier(settings.jwks_url, settings.token_issuer, settings.user_pool_client_id)
