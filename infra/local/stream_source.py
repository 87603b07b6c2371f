"""Runs the app's DynamoDB-stream handlers locally, as Lambda's event source mapping would.

For every ``@app.on_dynamodb_record`` the table named in its (placeholder) stream ARN is
looked up in moto, and its stream is read from the moment the stack starts (LATEST). Each
batch goes to the handler in-process with the records Lambda would hand it, including
``eventSourceARN``. Unlike Lambda, a batch that fails is retried twice and then skipped
(logged): locally a stuck batch must not stop every later update.

The push handlers only tell open pages, so while no page is connected to the local
WebSocket gateway the readers do not poll moto at all (most tests open no page; moto
answers one request at a time). The gateway calls ``resume()`` when the first page
connects, before that page's handshake completes: the readers start again from that moment
(LATEST), so every change the page can be told about is read. The mass texts' fan-out does
work nobody waits on a page for, so its stream is read always (``ALWAYS_READ``). The
dashboard's counting and the audit chain's linking (``chain-audit``) are work too, but work
a test stack may leave undone: they are read while switched on (``SWITCHED``; all of
``make run``, and the tests that read their results, ``set_switched``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.local.lambda_events import LambdaContext

log = logging.getLogger(__name__)
# Lambda polls a stream about four times a second. Here a reader asks again at once while
# records keep coming, then backs off to a few times a second while the stream is quiet:
# moto answers every poll in the same process as the app and the tests.
BUSY_POLL_SECONDS = 0.05
QUIET_POLL_SECONDS = 0.25
ATTEMPTS = 3
# Handlers that do work rather than tell open pages: their streams are read all the time.
ALWAYS_READ = frozenset({"fan-out-mass-texts"})
# Work a stack may leave undone: the dashboard's counting and the audit chain's linking,
# read while switched on (``make run``: both; tests turn one on only where they read its
# work: counting and linking every row of every test cost the suite's moto time for nothing,
# a run of the whole suite half again as long).
SWITCHED = frozenset({"count-dashboard", "chain-audit"})


@dataclass(frozen=True)
class StreamBinding:
    name: str
    handler: Any
    table_name: str
    stream_arn: str
    batch_size: int


def declared_table(stream_arn: str) -> str:
    """``arn:…:table/{name}/stream/…`` → ``{name}``."""
    return stream_arn.split(":table/", 1)[-1].split("/", 1)[0]


def stream_bindings(app: Any, prefix: str, dynamodb: Any) -> list[StreamBinding]:
    from chalice.app import DynamoDBEventConfig

    found = []
    for source in app.event_sources:
        if not isinstance(source, DynamoDBEventConfig):
            continue
        table_name = prefix + declared_table(source.stream_arn)
        table = dynamodb.describe_table(TableName=table_name)["Table"]
        arn = table.get("LatestStreamArn")
        if not arn:
            raise ValueError(f"{table_name} has no stream, but {source.name} listens to it")
        found.append(
            StreamBinding(
                source.name, app.handler_map[source.name], table_name, arn, source.batch_size
            )
        )
    return found


class StreamReader:
    """Follows one table's stream (moto keeps one shard) and hands batches to the handler."""

    def __init__(
        self,
        binding: StreamBinding,
        streams: Any,
        stopped: threading.Event,
        listening: Callable[[], bool] = lambda: True,
    ):
        self.binding = binding
        self.streams = streams
        self.stopped = stopped
        self.listening = listening
        self.shard = streams.describe_stream(StreamArn=binding.stream_arn)["StreamDescription"][
            "Shards"
        ][0]["ShardId"]
        self.lock = threading.Lock()
        self.iterator: str | None = None
        self.resume()

    def resume(self) -> None:
        """Read from now on (a page connected); a no-op while already reading."""
        with self.lock:
            if self.iterator is None:
                self.iterator = self.streams.get_shard_iterator(
                    StreamArn=self.binding.stream_arn,
                    ShardId=self.shard,
                    ShardIteratorType="LATEST",
                )["ShardIterator"]

    def run(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        wait = BUSY_POLL_SECONDS
        while not self.stopped.is_set():
            with self.lock:
                if not self.listening():
                    self.iterator = None  # nobody to tell: stop polling until resume()
                iterator = self.iterator
            if iterator is None:
                self.stopped.wait(QUIET_POLL_SECONDS)
                continue
            try:
                answer = self.streams.get_records(
                    ShardIterator=iterator, Limit=self.binding.batch_size
                )
            except (BotoCoreError, ClientError) as exc:  # moto stopping
                log.warning("reading %s failed: %s", self.binding.table_name, exc)
                self.stopped.wait(1.0)
                continue
            with self.lock:
                if self.iterator == iterator:  # not paused and resumed meanwhile
                    self.iterator = answer["NextShardIterator"]
            records = answer.get("Records") or []
            if records:
                self.invoke(records)
                wait = BUSY_POLL_SECONDS
            else:
                self.stopped.wait(wait)
                wait = min(wait * 2, QUIET_POLL_SECONDS)

    def invoke(self, records: list[dict[str, Any]]) -> None:
        event = {
            "Records": [{**record, "eventSourceARN": self.binding.stream_arn} for record in records]
        }
        for attempt in range(1, ATTEMPTS + 1):
            context = LambdaContext(
                function_name=self.binding.name,
                invoked_function_arn=f"local:{self.binding.name}",
                timeout_seconds=60,
            )
            try:
                self.binding.handler(_jsonable(event), context)
                return
            except Exception:
                log.exception("%s failed (attempt %d of %d)", self.binding.name, attempt, ATTEMPTS)
        log.error("%s: skipped a batch of %d records", self.binding.name, len(records))


def _jsonable(event: dict[str, Any]) -> dict[str, Any]:
    """As Lambda delivers it: JSON, so times are epoch seconds, not datetime objects."""
    import json
    from datetime import datetime

    def default(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.timestamp()
        raise TypeError(type(value).__name__)

    loaded: dict[str, Any] = json.loads(json.dumps(event, default=default))
    return loaded


class LocalStreamSource:
    """Every declared stream event source, followed until ``stop()``."""

    def __init__(
        self,
        app: Any,
        prefix: str,
        listening: Callable[[], bool] = lambda: True,
        switched_on: bool = True,
    ):
        self.app = app
        self.prefix = prefix
        self.listening = listening
        self.switched_on = {name: switched_on for name in SWITCHED}
        self.stopped = threading.Event()
        self.threads: list[threading.Thread] = []
        self.bindings: list[StreamBinding] = []
        self.readers: list[StreamReader] = []

    def start(self) -> LocalStreamSource:
        import boto3

        dynamodb = boto3.client("dynamodb")
        streams = boto3.client("dynamodbstreams")
        self.bindings = stream_bindings(self.app, self.prefix, dynamodb)
        for binding in self.bindings:
            listening = self._listening_for(binding.name)
            reader = StreamReader(binding, streams, self.stopped, listening)
            self.readers.append(reader)
            thread = threading.Thread(target=reader.run, name=f"stream-{binding.name}", daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def _listening_for(self, name: str) -> Callable[[], bool]:
        if name in ALWAYS_READ:
            return lambda: True
        if name in SWITCHED:
            return lambda: self.switched_on[name]
        return self.listening

    def set_switched(self, name: str, on: bool) -> None:
        """Turn one switched reader (``SWITCHED``) on, from now on, or off."""
        self.switched_on[name] = on
        for reader in self.readers:
            if on and reader.binding.name == name:
                reader.resume()

    def set_counting(self, on: bool) -> None:
        """Turn the dashboard's counting on (from now on) or off."""
        self.set_switched("count-dashboard", on)

    def resume(self) -> None:
        """A page connected: every reader reads from now on."""
        for reader in self.readers:
            reader.resume()

    def stop(self) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join(5.0)
