"""Outbound attachments need S3, and only under media/: the web function signs the compose
box's upload form (s3:PutObject) and checks an upload before a send (HeadObject is
s3:GetObject); the sender signs Twilio's MediaUrl (s3:GetObject); nobody else touches the
bucket. The bucket lets the app's origin POST to it and nothing else."""

from __future__ import annotations

from infra.config_loader import load_stack_config
from infra.package.permissions import (
    API_HANDLER,
    FUNCTION_GRANTS,
    SEND_SCHEDULED,
    SWEEP_SCHEDULED,
)
from infra.package.policy import function_policy
from infra.package.resources import media_bucket

MEDIA_OBJECTS = {"Fn::Sub": "${MediaBucket.Arn}/media/*"}


def s3_statements(function: str) -> list[dict]:
    config = load_stack_config("multnomah-county")
    document = function_policy(config, function, ["ClientsTable"])
    return [s for s in document["Statement"] if any(a.startswith("s3:") for a in s["Action"])]


def test_the_web_function_may_put_and_get_only_under_media():
    (grant,) = s3_statements(API_HANDLER)
    assert set(grant["Action"]) == {"s3:GetObject", "s3:PutObject"}
    assert grant["Resource"] == MEDIA_OBJECTS


def test_the_sender_may_only_get_under_media_to_sign_twilios_url():
    (grant,) = s3_statements(SEND_SCHEDULED)
    assert grant["Action"] == ["s3:GetObject"] and grant["Resource"] == MEDIA_OBJECTS


def test_the_sweep_and_the_default_role_never_touch_the_bucket():
    assert s3_statements(SWEEP_SCHEDULED) == []
    assert s3_statements("*") == []
    assert "*" in FUNCTION_GRANTS


def test_no_role_may_list_delete_or_change_the_bucket():
    for function in FUNCTION_GRANTS:
        for grant in s3_statements(function):
            assert set(grant["Action"]) <= {"s3:GetObject", "s3:PutObject"}, function


def cors_rule(jurisdiction: str) -> dict:
    bucket = media_bucket(load_stack_config(jurisdiction))
    (rule,) = bucket["Properties"]["CorsConfiguration"]["CorsRules"]
    return rule


def test_with_a_custom_domain_only_that_origin_may_post_uploads():
    rule = cors_rule("salt-lake-county")
    assert rule["AllowedMethods"] == ["POST"]
    assert rule["AllowedOrigins"] == ["https://clientcomm.cjs.saltlakecounty.example"]


def test_without_one_the_regions_execute_api_hosts_may_post_uploads():
    rule = cors_rule("multnomah-county")
    assert rule["AllowedMethods"] == ["POST"]
    (origin,) = rule["AllowedOrigins"]
    assert origin == {"Fn::Sub": "https://*.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
