"""moto's WSGI app is run one request at a time, as DynamoDB applies each request atomically;
SQS, whose long polls wait by design, is left to run alongside."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from infra.local.moto_server import OneRequestAtATime, signing_service

DYNAMODB_AUTH = (
    "AWS4-HMAC-SHA256 Credential=local/20250101/us-west-2/dynamodb/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=abc"
)
SQS_AUTH = DYNAMODB_AUTH.replace("/dynamodb/", "/sqs/")


class CountsOverlap:
    """A WSGI app that remembers how many requests were inside it at once."""

    def __init__(self):
        self.inside = 0
        self.most = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
        time.sleep(0.05)
        with self.lock:
            self.inside -= 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return iter([b"one ", b"answer"])


def call_together(app, authorization: str, count: int = 6) -> list[bytes]:
    barrier = threading.Barrier(count)

    def one(_: int) -> bytes:
        barrier.wait(timeout=5)
        environ = {"HTTP_AUTHORIZATION": authorization, "PATH_INFO": "/"}
        return b"".join(app(environ, lambda status, headers: None))

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_concurrent_dynamodb_requests_run_one_after_another_and_keep_their_bodies():
    inner = CountsOverlap()
    answers = call_together(OneRequestAtATime(inner), DYNAMODB_AUTH)
    assert inner.most == 1
    assert answers == [b"one answer"] * 6


def test_unsigned_requests_such_as_jwks_and_moto_api_also_take_the_lock():
    inner = CountsOverlap()
    call_together(OneRequestAtATime(inner), "")
    assert inner.most == 1


def test_sqs_requests_are_not_held_behind_the_lock():
    inner = CountsOverlap()
    call_together(OneRequestAtATime(inner), SQS_AUTH)
    assert inner.most > 1


def test_the_service_comes_from_the_signature_scope():
    assert signing_service({"HTTP_AUTHORIZATION": DYNAMODB_AUTH}) == "dynamodb"
    assert signing_service({"HTTP_AUTHORIZATION": SQS_AUTH}) == "sqs"
    assert signing_service({}) == ""
