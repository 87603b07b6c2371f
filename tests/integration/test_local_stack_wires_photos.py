"""What ``make run`` needs for photos both ways, wired by the local stack
(infra/local/stack.py): a consumer for every queue the app's SQS sources declare (the
media-copy queue's included), the app's Twilio media calls pointed at the fake Twilio,
and moto's bucket answering the page's cross-origin upload."""

from __future__ import annotations

import os
import secrets

import boto3
import pytest
import requests

from infra.local.fake_twilio import LOCAL_ACCOUNT_SID
from tests.helpers import ROOT

pytestmark = pytest.mark.any_hour


def test_every_queue_the_app_consumes_has_a_local_consumer_copy_media_included(stack):
    import app as app_module
    from infra.local.sqs_source import queue_bindings
    from infra.package.queues import REPORTS_ITEM_FAILURES

    queues = stack.resources.event_source_queues()  # what make run's LocalSqsSource reads
    bindings = queue_bindings(
        app_module.app, queues, boto3.client("sqs"), ROOT, item_failures=REPORTS_ITEM_FAILURES
    )
    assert sorted(b.name for b in bindings) == ["copy-media", "send-scheduled"]
    [copy] = [b for b in bindings if b.name == "copy-media"]
    assert copy.queue_url == os.environ["MEDIA_COPY_QUEUE_URL"]  # where the webhook queues
    assert copy.handler is app_module.copy_media


def test_the_apps_media_calls_go_to_the_fake_twilio_and_only_there(stack):
    from chalicelib import bootstrap

    assert os.environ["TWILIO_API_BASE_URL"] == stack.twilio.base_url
    media = bootstrap.twilio_media()
    path = f"/2010-04-01/Accounts/{LOCAL_ACCOUNT_SID}/Messages/MM{'a' * 32}/Media/ME{'b' * 32}"
    assert media.is_ours(stack.twilio.base_url + path)
    assert not media.is_ours("https://example.com" + path)


def test_the_bucket_lets_the_apps_page_read_its_upload_answer(stack):
    """The compose box POSTs the file with fetch() from the app's origin. As S3 does, moto
    refuses an origin the bucket's CORS rules do not name (403), and only an answer that
    allows the origin can be read by the page (else the upload looks failed)."""
    from chalicelib import bootstrap

    key = f"media/wiring-{secrets.token_hex(4)}/uploads/{secrets.token_hex(16)}.png"
    form = bootstrap.media_bucket().upload_form(key, "image/png")
    answer = requests.post(
        form.url,
        data=form.fields,
        files={"file": ("a.png", b"\x89PNG not really", "image/png")},
        headers={"Origin": stack.app_url},
        timeout=10,
    )
    assert answer.status_code in (200, 201, 204), answer.text[:300]
    assert answer.headers.get("Access-Control-Allow-Origin") in (stack.app_url, "*")
