"""Our part of the template, deep-merged into Chalice's own.

The merge is the one ``chalice package --merge-template`` makes (``merged``: dictionaries are
merged key by key, anything else is replaced), done here so Chalice runs once: its template
must be read first to know the handlers. So besides adding our resources we can patch
Chalice's: each function's environment, log group, queue event source (pointed at the
stack's own queue), alias and gradual deployment (gradual.py), and the REST API's name
(its metrics are keyed by it) and throttling.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from infra.config_loader import StackConfig
from infra.definitions import METRICS_SERVICE, metrics_namespace, rotation_parameters

from . import names, webhooks
from .access_log import access_log_resources, access_log_setting
from .alarms import alarm_resources
from .backups import backup_resources
from .dashboard import dashboard
from .functions import Handler
from .gateway_responses import gateway_responses
from .gradual import deployment_properties
from .names import join_url, ref
from .permissions import CHAIN_AUDIT, COUNT_DASHBOARD, FAN_OUT_MASS_TEXTS
from .queues import event_source_properties, queue_resources
from .resources import stack_resources
from .staging import LAMBDA_TIMEOUT_SECONDS
from .tables import table_resources
from .throttling import method_settings

API_HANDLER = "app.app"


def merge_template(
    config: StackConfig,
    handlers: Iterable[Handler],
    webhook_routes: Iterable[tuple[str, str]] = (),
) -> dict[str, Any]:
    """Our resources and patches, for the handlers and Twilio routes Chalice emitted."""
    handlers = list(handlers)
    webhook_routes = list(webhook_routes)
    tables = table_resources(config.table_prefix)
    webhooks = bool(webhook_routes)
    alarms = alarm_resources(
        config.name, handlers, tables, webhooks=webhooks, backups=config.backups.enabled
    )
    resources: dict[str, Any] = {
        **tables,
        **backup_resources(config, tables),
        **stack_resources(config),
        **queue_resources(config.table_prefix, handlers, LAMBDA_TIMEOUT_SECONDS),
        **access_log_resources(config, webhook_routes),
        **alarms,
        names.DASHBOARD: dashboard(config, handlers, tables, alarms, webhooks=webhooks),
        names.REST_API: rest_api_patch(config, webhook_routes),
    }
    for handler in handlers:
        resources[handler.logical_id] = function_patch(config, handler)
    return {
        "Description": f"ClientComm for {config.jurisdiction.display_name} ({config.name})",
        "Resources": resources,
        "Outputs": outputs(config),
    }


def merged(chalice_template: Any, ours: Any) -> Any:
    """``ours`` over ``chalice_template``: dictionaries key by key, anything else replaced."""
    if not (isinstance(ours, dict) and isinstance(chalice_template, dict)):
        return ours
    result = dict(chalice_template)
    for key, value in ours.items():
        result[key] = merged(chalice_template.get(key), value)
    return result


def environment(config: StackConfig, handler: Handler) -> dict[str, Any]:
    """What the app reads (chalicelib/config.py), with references to this stack's resources.

    The jurisdiction's settings are not here but in the zip (``zip_additions.py``): Lambda
    allows 4 KB of environment for every variable together.

    The API handler can't be told the execute-api URL: the REST API already refers to the
    handler, so a reference back would be a circular dependency. It gets PUBLIC_BASE_URL only
    with a custom domain; otherwise the app takes the base from the request it is serving.
    Every other function (a job, the queue-fed sender) has no request, and nothing refers
    back to it, so it is told the execute-api URL of this stack's API and stage.
    """
    variables: dict[str, Any] = {
        "STAGE": config.name,
        "TABLE_PREFIX": config.table_prefix,
        "COGNITO_USER_POOL_ID": ref(names.USER_POOL),
        "COGNITO_CLIENT_ID": ref(names.USER_POOL_CLIENT),
        "MEDIA_BUCKET": ref(names.MEDIA_BUCKET),
        "FALLBACK_QUEUE_URL": ref(names.FALLBACK_QUEUE),
        "SEND_QUEUE_URL": ref(names.SEND_QUEUE),
        "STATUS_QUEUE_URL": ref(names.STATUS_QUEUE),
        "MEDIA_COPY_QUEUE_URL": ref(names.MEDIA_COPY_QUEUE),
        "COOKIE_SECURE": "true",
        **config.secret_parameters,
        **rotation_parameters(config.name),
        "POWERTOOLS_SERVICE_NAME": METRICS_SERVICE,
        "POWERTOOLS_METRICS_NAMESPACE": metrics_namespace(config.name),
        "LOG_LEVEL": "INFO",
    }
    if config.mail_from:
        variables["NOTIFY_FROM_EMAIL"] = config.mail_from
    if config.public_base_url or handler.handler != API_HANDLER:
        variables["PUBLIC_BASE_URL"] = names.public_base_url(config.public_base_url)
    variables["WEBSOCKET_URL"] = names.WEBSOCKET_URL
    variables["WEBSOCKET_PUSH_URL"] = names.WEBSOCKET_PUSH_URL
    return variables


def function_patch(config: StackConfig, handler: Handler) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "Environment": {"Variables": environment(config, handler)},
        "LoggingConfig": {"LogGroup": ref(names.FUNCTION_LOGS), "LogFormat": "Text"},
        **deployment_properties(handler),
    }
    events = {
        event.event_id: {"Properties": queue}
        for event in handler.queue_events
        if (queue := event_source_properties(event.queue_name)) is not None
    }
    for event in handler.stream_events:
        events[event.event_id] = {
            "Properties": stream_event_source(event.table_base_name, handler.logical_id)
        }
    if events:
        properties["Events"] = events
    return {"Properties": properties}


def stream_event_source(table_base_name: str, function_id: str = "") -> dict[str, Any]:
    """Point a stream event source at the stack's own table. Pushes are best effort (a page
    catches up when it reconnects), so a failing batch is retried twice, split to find the
    bad record, then left behind instead of holding up every later change for a day.
    The mass texts' fan-out is work, not a courtesy: retried until it succeeds, and read
    from the oldest record kept (a mapping made again in an upgrade misses no mass text
    started meanwhile); every write of it is conditional, so a retry or a record read
    again only adds what is missing. The same stream's push to open pages (a second
    reader) is a courtesy like the others. The dashboard's counters are work too (counted
    once per event under a marker, so a retry adds only what is missing), split to find a
    record that keeps failing while the others go on. The audit chain is work too: a row
    skipped would stay unlinked (the check command reports it), and a row read again is
    found linked by its marker."""
    stream = {"Fn::GetAtt": [names.table_logical_id(table_base_name), "StreamArn"]}
    if function_id in (
        names.function_logical_id(FAN_OUT_MASS_TEXTS),
        names.function_logical_id(CHAIN_AUDIT),
    ):
        return {"Stream": stream, "MaximumRetryAttempts": -1, "StartingPosition": "TRIM_HORIZON"}
    if function_id == names.function_logical_id(COUNT_DASHBOARD):
        return {
            "Stream": stream,
            "MaximumRetryAttempts": -1,
            "BisectBatchOnFunctionError": True,
            "StartingPosition": "TRIM_HORIZON",
        }
    return {"Stream": stream, "MaximumRetryAttempts": 2, "BisectBatchOnFunctionError": True}


def rest_api_patch(
    config: StackConfig, webhook_routes: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    """A known API name per jurisdiction (Chalice would call every one "clientcomm"), the
    stage's throttling and access log, and the site's error page for what API Gateway
    answers itself."""
    name = names.api_name(config.name)
    prefix = (
        urlsplit(config.public_base_url).path.rstrip("/")
        if config.public_base_url
        else f"/{names.API_STAGE}"
    )
    return {
        "Properties": {
            "Name": name,
            "DefinitionBody": {
                "info": {"title": name},
                "x-amazon-apigateway-gateway-responses": gateway_responses(prefix),
            },
            "MethodSettings": method_settings(config.throttling, webhook_routes),
            "AccessLogSetting": access_log_setting(),
        }
    }


def outputs(config: StackConfig) -> dict[str, Any]:
    """What ops need after deploying: where the app is, what to give Twilio, ids for scripts."""
    base = names.public_base_url(config.public_base_url)

    def output(description: str, value: Any) -> dict[str, Any]:
        return {"Description": description, "Value": value}

    return {
        "AppUrl": output("Where staff sign in", join_url(base, "/")),
        "PublicBaseUrl": output("The base every public URL starts with", base),
        "TwilioSmsWebhookUrl": output(
            "Each department number's 'A message comes in' webhook (HTTP POST), with retries",
            webhooks.sms_url(base),
        ),
        "TwilioFallbackWebhookUrl": output(
            "Each department number's 'Primary handler fails' webhook (HTTP POST)",
            webhooks.fallback_url(base),
        ),
        "TwilioStatusWebhookUrl": output(
            "Status callback URL the app sends with each message", webhooks.status_url(base)
        ),
        "UserPoolId": output("Cognito user pool of the staff", ref(names.USER_POOL)),
        "UserPoolClientId": output("Cognito app client", ref(names.USER_POOL_CLIENT)),
        "MediaBucketName": output("Private bucket for MMS media", ref(names.MEDIA_BUCKET)),
        "TablePrefix": output("Every table's name starts with this", config.table_prefix),
        "SecretParameterPath": output(
            "SSM path of the SecureStrings ops must set", config.parameter_path
        ),
        "AlarmTopicArn": output("Alarms are sent here", ref(names.ALARM_TOPIC)),
        "FallbackQueueUrl": output(
            "Inbound texts waiting for the replay job", ref(names.FALLBACK_QUEUE)
        ),
        "FallbackDeadLetterQueueUrl": output(
            "Inbound texts the replay gave up on (see the runbook)",
            ref(names.FALLBACK_DEAD_LETTERS),
        ),
        "SendQueueUrl": output("Scheduled texts waiting for the sender", ref(names.SEND_QUEUE)),
        "SendDeadLetterQueueUrl": output(
            "Scheduled texts the sender gave up on (see the runbook)",
            ref(names.SEND_DEAD_LETTERS),
        ),
        "StatusQueueUrl": output(
            "Status callbacks kept for the replay job", ref(names.STATUS_QUEUE)
        ),
        "StatusDeadLetterQueueUrl": output(
            "Status callbacks the replay gave up on (see the runbook)",
            ref(names.STATUS_DEAD_LETTERS),
        ),
    }
