"""A presigned URL carries the rights of whoever signed it: the REST API's role signs the
60 s view URLs of the media route, so it may read objects under ``media/`` of the media
bucket, and no other function gains that from showing photos (issue 22, item 2).
(Checked on the policies, without running ``chalice package``.)"""

from __future__ import annotations

from infra.config_loader import load_stack_config
from infra.package.permissions import API_HANDLER, PUSH_CONVERSATIONS
from infra.package.policy import function_policy
from tests.infra.packaging import EXAMPLES


def media_reads(function: str) -> list[dict]:
    policy = function_policy(load_stack_config(EXAMPLES[0]), function, ["UsersTable"])
    return [s for s in policy["Statement"] if "s3:GetObject" in s["Action"]]


def test_the_api_may_read_only_the_media_prefix_of_the_media_bucket_to_sign_view_urls():
    (statement,) = media_reads(API_HANDLER)

    assert "s3:GetObject" in statement["Action"]  # and PutObject, for upload forms
    assert statement["Resource"] == {"Fn::Sub": "${MediaBucket.Arn}/media/*"}


def test_rendering_a_pushed_photo_needs_no_read_of_the_bucket():
    assert media_reads(PUSH_CONVERSATIONS) == []
