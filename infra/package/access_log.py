"""The REST API's access log, and what counts the requests API Gateway throttled.

API Gateway (REST) publishes no throttle count: a throttled request is answered 429 before
the function runs and only shows inside ``4XXError``, with every 404 and 403. So the stage
writes one JSON line per request to a log group of the stack, and two metric filters count
the 429s into the jurisdiction's namespace: every one, and those of Twilio's webhooks (a
refused inbound text is retried, then goes to the fallback; a refused status callback is
never sent again). The app itself never answers 429, so each is API Gateway's.

The line holds ids and the route's template (``/webhooks/twilio/status/{outbound_id}``),
never the path with its ids, a query string or a body. Execution logging stays off: it
would create its own group outside the template, kept forever, with request bodies.

API Gateway writes logs with one IAM role per account and region (``AWS::ApiGateway::Account``).
A stack sets it unless the jurisdiction says one is set already; the role is kept when the
stack is deleted, since every other API of the region writes its logs with it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from infra.config_loader import StackConfig
from infra.definitions import API_THROTTLED_METRIC, WEBHOOK_THROTTLED_METRIC, metrics_namespace

from . import names
from .names import arn_of, ref, sub
from .resources import RETAIN, log_group

# Each value quoted: API Gateway writes "-" for one it does not have, which must stay JSON.
FIELDS = {
    "requestId": "$context.requestId",
    "time": "$context.requestTime",
    "method": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "status": "$context.status",
    "responseType": "$context.error.responseType",
    "latencyMs": "$context.responseLatency",
    "integrationLatencyMs": "$context.integrationLatency",
    "ip": "$context.identity.sourceIp",
}
FORMAT = "{" + ",".join(f'"{key}":"{value}"' for key, value in FIELDS.items()) + "}"
THROTTLED = '$.status = "429"'
EVERY_THROTTLED = f"{{ {THROTTLED} }}"
LOGGING_POLICY = (
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
)


def access_log_setting() -> dict[str, Any]:
    """The stage's ``AccessLogSetting`` (SAM hands it to the stage it makes)."""
    return {"DestinationArn": arn_of(names.API_ACCESS_LOGS), "Format": FORMAT}


def access_log_resources(
    config: StackConfig, webhook_routes: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    """The log group, its metric filters and, unless told otherwise, the logging role."""
    group = log_group(f"/clientcomm/{config.name}/api-access", config)
    resources: dict[str, Any] = {
        names.API_ACCESS_LOGS: group,
        names.API_THROTTLED_FILTER: metric_filter(
            config.name, API_THROTTLED_METRIC, EVERY_THROTTLED
        ),
    }
    paths = sorted({path for path, _ in webhook_routes})
    if paths:
        resources[names.WEBHOOK_THROTTLED_FILTER] = metric_filter(
            config.name, WEBHOOK_THROTTLED_METRIC, webhook_pattern(paths)
        )
    if config.set_api_gateway_logging_role:
        resources[names.API_GATEWAY_LOGGING_ROLE] = logging_role()
        resources[names.API_GATEWAY_ACCOUNT] = account()
        # The stage names the group; made after the account's role, it can log at once.
        group["DependsOn"] = names.API_GATEWAY_ACCOUNT
    return resources


def webhook_pattern(paths: Iterable[str]) -> str:
    """429s of the given routes: each named exactly, as the log's ``resourcePath`` has it."""
    routes = " || ".join(f'$.resourcePath = "{path}"' for path in paths)
    return f"{{ {THROTTLED} && ({routes}) }}"


def metric_filter(jurisdiction: str, metric: str, pattern: str) -> dict[str, Any]:
    """One per matching line, and 0 for a line that does not match: a quiet minute reads 0
    on the dashboard rather than "no data"."""
    return {
        "Type": "AWS::Logs::MetricFilter",
        "Properties": {
            "LogGroupName": ref(names.API_ACCESS_LOGS),
            "FilterPattern": pattern,
            "MetricTransformations": [
                {
                    "MetricNamespace": metrics_namespace(jurisdiction),
                    "MetricName": metric,
                    "MetricValue": "1",
                    "DefaultValue": 0,
                    "Unit": "Count",
                }
            ],
        },
    }


def logging_role() -> dict[str, Any]:
    """The role API Gateway writes every API's logs with, in this account and region."""
    return {
        "Type": "AWS::IAM::Role",
        **RETAIN,
        "Properties": {
            "Description": "API Gateway writes API logs with it (one per account and region); "
            "kept when the ClientComm stack is deleted, since other APIs may use it.",
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "apigateway.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            "ManagedPolicyArns": [sub(LOGGING_POLICY)],
        },
    }


def account() -> dict[str, Any]:
    """API Gateway's setting for the account and region: which role writes logs."""
    return {
        "Type": "AWS::ApiGateway::Account",
        **RETAIN,
        "Properties": {"CloudWatchRoleArn": arn_of(names.API_GATEWAY_LOGGING_ROLE)},
    }
