"""The one place real collaborators are built, lazily and per call's settings.

Views ask here for stores and gateways and hand them to the use cases; tests hand the use
cases fakes or the same real objects pointed at moto. Each store and adapter module is
imported when its first object is built: a cold Lambda's first inbound text loads the few
stores receiving uses, not those of pages, imports, sockets or records retention
(``bench/cold_start.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from .adapters.aws import LONG_POLL_READ_TIMEOUT_SECONDS as LONG_POLL_READ_TIMEOUT
from .adapters.aws import aws_client
from .config import ConfigurationError, Settings, get_settings
from .store.tables import bind_tables

if TYPE_CHECKING:
    from .adapters.cognito import CognitoGateway, TokenVerifier
    from .adapters.cognito_accounts import CognitoAccounts
    from .adapters.cognito_mfa import CognitoMfa
    from .adapters.email import EmailGateway
    from .adapters.media_bucket import MediaBucket
    from .adapters.queue import MessageQueue
    from .adapters.twilio_gateway import TwilioGateway
    from .adapters.twilio_media import TwilioMedia
    from .adapters.websocket_push import PushGateway
    from .store.appointments import AppointmentStore, DepartmentTextsStore
    from .store.audit import AuditStore
    from .store.audit_chains import AuditChains
    from .store.audit_links import AuditLinks
    from .store.audit_pages import AuditPages
    from .store.challenges import ChallengeStore
    from .store.client_formats import ClientFormatStore
    from .store.client_imports import ClientImportStore
    from .store.client_lists import ClientListStore
    from .store.clients import ClientStore
    from .store.connections import ConnectionStore
    from .store.conversations import ConversationStore
    from .store.court_imports import CourtImportStore
    from .store.dashboard_counts import DashboardCounts
    from .store.department_settings import DepartmentSettingsStore
    from .store.groups import GroupStore
    from .store.inbound import InboundStore
    from .store.job_leases import JobLeases
    from .store.mass_texts import MassTextStore
    from .store.media_items import MediaItems
    from .store.outbound import OutboundStore
    from .store.retention import RecordSweeps
    from .store.retention_state import RetentionState
    from .store.saved_replies import SavedReplyStore
    from .store.scheduled import ScheduledStore
    from .store.sessions import SessionStore
    from .store.staff_changes import StaffChanges
    from .store.unclaimed import UnclaimedStore
    from .store.unread import UnreadStore
    from .store.users import UserStore


class Stores:
    """Every store of the tables ``stores()`` bound, each built on first use."""

    @cached_property
    def users(self) -> UserStore:
        from .store.users import UserStore

        return UserStore()

    @cached_property
    def clients(self) -> ClientStore:
        from .store.clients import ClientStore

        return ClientStore()

    @cached_property
    def conversations(self) -> ConversationStore:
        from .store.conversations import ConversationStore

        return ConversationStore()

    @cached_property
    def inbound(self) -> InboundStore:
        from .store.inbound import InboundStore

        return InboundStore()

    @cached_property
    def outbound(self) -> OutboundStore:
        from .store.outbound import OutboundStore

        return OutboundStore()

    @cached_property
    def unclaimed(self) -> UnclaimedStore:
        from .store.unclaimed import UnclaimedStore

        return UnclaimedStore()

    @cached_property
    def audit(self) -> AuditStore:
        from .store.audit import AuditStore

        return AuditStore()

    @cached_property
    def audit_pages(self) -> AuditPages:
        from .store.audit_pages import AuditPages

        return AuditPages()

    @cached_property
    def scheduled(self) -> ScheduledStore:
        from .store.scheduled import ScheduledStore

        return ScheduledStore()

    @cached_property
    def appointments(self) -> AppointmentStore:
        from .store.appointments import AppointmentStore

        return AppointmentStore()

    @cached_property
    def department_texts(self) -> DepartmentTextsStore:
        from .store.appointments import DepartmentTextsStore

        return DepartmentTextsStore()

    @cached_property
    def saved_replies(self) -> SavedReplyStore:
        from .store.saved_replies import SavedReplyStore

        return SavedReplyStore()

    @cached_property
    def court_imports(self) -> CourtImportStore:
        from .store.court_imports import CourtImportStore

        return CourtImportStore()

    @cached_property
    def client_lists(self) -> ClientListStore:
        from .store.client_lists import ClientListStore

        return ClientListStore()

    @cached_property
    def unread(self) -> UnreadStore:
        from .store.unread import UnreadStore

        return UnreadStore()

    @cached_property
    def department_settings(self) -> DepartmentSettingsStore:
        from .store.department_settings import DepartmentSettingsStore

        return DepartmentSettingsStore()

    @cached_property
    def client_formats(self) -> ClientFormatStore:
        from .store.client_formats import ClientFormatStore

        return ClientFormatStore()

    @cached_property
    def client_imports(self) -> ClientImportStore:
        from .store.client_imports import ClientImportStore

        return ClientImportStore()

    @cached_property
    def groups(self) -> GroupStore:
        from .store.groups import GroupStore

        return GroupStore()

    @cached_property
    def mass_texts(self) -> MassTextStore:
        from .store.mass_texts import MassTextStore

        return MassTextStore()

    # the dashboard (issue 21, items 1 and 2)
    @cached_property
    def dashboard_counts(self) -> DashboardCounts:
        from .store.dashboard_counts import DashboardCounts

        return DashboardCounts()


def stores(settings: Settings | None = None) -> Stores:
    settings = settings or get_settings()
    bind_tables(settings.table_prefix)
    return Stores()


def job_leases(settings: Settings | None = None) -> JobLeases:
    """One run at a time for a scheduled job (the sweep)."""
    from .store.job_leases import JobLeases

    bind_tables((settings or get_settings()).table_prefix)
    return JobLeases()


def records_retention(settings: Settings | None = None) -> tuple[RetentionState, RecordSweeps]:
    """The records-retention job's state (hold, progress) and what it sweeps."""
    from .store.retention import RecordSweeps
    from .store.retention_state import RetentionState

    bind_tables((settings or get_settings()).table_prefix)
    return RetentionState(), RecordSweeps()


def audit_chains(settings: Settings | None = None) -> AuditChains:
    """The audit trail read back whole, for the check command (``infra/ops/check_audit``)."""
    from .store.audit_chains import AuditChains

    bind_tables((settings or get_settings()).table_prefix)
    return AuditChains()


def audit_links(settings: Settings | None = None) -> AuditLinks:
    """The audit trail's hash chains, for ``chain-audit`` (``jobs/audit_chaining.py``)."""
    from .store.audit_links import AuditLinks

    bind_tables((settings or get_settings()).table_prefix)
    return AuditLinks()


def session_store(settings: Settings | None = None) -> SessionStore:
    """Read on every request; the same lazily bound tables as ``stores``."""
    from .store.sessions import SessionStore

    bind_tables((settings or get_settings()).table_prefix)
    return SessionStore()


def staff_changes(settings: Settings | None = None) -> StaffChanges:
    """An admin's changes to staff records, each with its audit row."""
    from .store.staff_changes import StaffChanges

    bind_tables((settings or get_settings()).table_prefix)
    return StaffChanges()


def challenge_store(settings: Settings | None = None) -> ChallengeStore:
    """Sign-in challenges waiting between two pages (in the sessions table)."""
    from .store.challenges import ChallengeStore

    bind_tables((settings or get_settings()).table_prefix)
    return ChallengeStore()


def fallback_queue(settings: Settings | None = None) -> MessageQueue:
    """Where the fallback URL keeps inbound requests for replay (``FALLBACK_QUEUE_URL``)."""
    settings = settings or get_settings()
    if not settings.fallback_queue_url:
        raise ConfigurationError("FALLBACK_QUEUE_URL is not set")
    client = aws_client(
        "sqs", settings.region, settings.aws_endpoint_url, read_timeout=LONG_POLL_READ_TIMEOUT
    )
    from .adapters.queue import MessageQueue

    return MessageQueue(client, settings.fallback_queue_url)


def status_queue(settings: Settings | None = None) -> MessageQueue:
    """Where status callbacks that could not be stored wait for replay (``STATUS_QUEUE_URL``)."""
    settings = settings or get_settings()
    if not settings.status_queue_url:
        raise ConfigurationError("STATUS_QUEUE_URL is not set")
    client = aws_client(
        "sqs", settings.region, settings.aws_endpoint_url, read_timeout=LONG_POLL_READ_TIMEOUT
    )
    from .adapters.queue import MessageQueue

    return MessageQueue(client, settings.status_queue_url)


def send_queue(settings: Settings | None = None) -> MessageQueue:
    """The queue scheduled texts wait on for a sender (``SEND_QUEUE_URL``)."""
    settings = settings or get_settings()
    if not settings.send_queue_url:
        raise ConfigurationError("SEND_QUEUE_URL is not set")
    client = aws_client("sqs", settings.region, settings.aws_endpoint_url)
    from .adapters.queue import MessageQueue

    return MessageQueue(client, settings.send_queue_url)


def push_gateway(settings: Settings | None = None) -> PushGateway:
    """Posts to open pages through the WebSocket API's management endpoint."""
    settings = settings or get_settings()
    if not settings.websocket_push_url:
        raise ConfigurationError("WEBSOCKET_PUSH_URL is not set")
    client = aws_client("apigatewaymanagementapi", settings.region, settings.websocket_push_url)
    from .adapters.websocket_push import PushGateway

    return PushGateway(client)


def connections(settings: Settings | None = None) -> ConnectionStore:
    from .store.connections import ConnectionStore

    bind_tables((settings or get_settings()).table_prefix)
    return ConnectionStore()


def email(settings: Settings | None = None) -> EmailGateway:
    settings = settings or get_settings()
    client = aws_client("ses", settings.region, settings.aws_endpoint_url)
    from .adapters.email import EmailGateway

    return EmailGateway(client, settings.notify_from_email)


def media_bucket(settings: Settings | None = None) -> MediaBucket:
    from .adapters.media_bucket import MediaBucket

    settings = settings or get_settings()
    return MediaBucket(settings.media_bucket, settings.region, settings.aws_endpoint_url)


def media_copy_queue(settings: Settings | None = None) -> MessageQueue:
    """The queue inbound MMS files wait on to be copied (``MEDIA_COPY_QUEUE_URL``)."""
    settings = settings or get_settings()
    if not settings.media_copy_queue_url:
        raise ConfigurationError("MEDIA_COPY_QUEUE_URL is not set")
    client = aws_client("sqs", settings.region, settings.aws_endpoint_url)
    from .adapters.queue import MessageQueue

    return MessageQueue(client, settings.media_copy_queue_url)


def media_items(settings: Settings | None = None) -> MediaItems:
    """The media items of stored texts, as the copy settles them."""
    from .store.media_items import MediaItems

    bind_tables((settings or get_settings()).table_prefix)
    return MediaItems()


def thumbnailer() -> Callable[[bytes], bytes | None]:
    """Makes a photo's small JPEG copy (Pillow, loaded by the media-copy worker alone)."""
    from .adapters.thumbnails import thumbnail

    return thumbnail


def twilio_media(settings: Settings | None = None) -> TwilioMedia:
    """Downloads and deletes inbound media at Twilio with the account's credentials."""
    from .adapters.twilio_gateway import credentials
    from .adapters.twilio_media import TwilioMedia

    creds = credentials()
    return TwilioMedia(creds.account_sid, creds.auth_token, creds.api_base_url)


def twilio(settings: Settings | None = None) -> TwilioGateway:
    from .adapters.twilio_gateway import TwilioGateway, credentials, rest_client

    return TwilioGateway(rest_client(credentials()))


def cognito(settings: Settings | None = None) -> CognitoGateway:
    settings = settings or get_settings()
    client = aws_client("cognito-idp", settings.region, settings.aws_endpoint_url)
    from .adapters.cognito import CognitoGateway

    return CognitoGateway(client, settings.user_pool_client_id)


def cognito_mfa(settings: Settings | None = None) -> CognitoMfa:
    """Cognito's calls for someone's own authenticator app (the settings page)."""
    settings = settings or get_settings()
    client = aws_client("cognito-idp", settings.region, settings.aws_endpoint_url)
    from .adapters.cognito_mfa import CognitoMfa

    return CognitoMfa(client, settings.user_pool_client_id)


def cognito_accounts(settings: Settings | None = None) -> CognitoAccounts:
    """Cognito's admin calls for the /staff pages (the stack's user pool)."""
    settings = settings or get_settings()
    client = aws_client("cognito-idp", settings.region, settings.aws_endpoint_url)
    from .adapters.cognito_accounts import CognitoAccounts

    return CognitoAccounts(client, settings.user_pool_id)


def token_verifier(settings: Settings | None = None) -> TokenVerifier:
    settings = settings or get_settings()
    from .adapters.cognito import TokenVerifier

    return TokenVerifier(settings.jwks_url, settings.token_issuer, settings.user_pool_client_id)
