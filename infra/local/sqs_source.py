"""Runs the app's SQS-triggered Lambda handlers locally, as Lambda's event source mapping would.

``chalice local`` never consumes queues, so for every ``@app.on_sqs_message`` the app declares
this long-polls the local (moto) queue the stack maps its name to, and invokes the handler
in-process with Lambda's event and context shapes. As on AWS: at most ``maximum_concurrency``
invocations at once, up to ``batch_size`` messages each; a batch is deleted when the handler
returns, and left to reappear after the queue's visibility timeout when it raises or outlasts
the function's timeout. An event source with ``ReportBatchItemFailures`` (named in
``item_failures``; the packaged template sets it for the same queues) deletes all but the
messages the handler's ``batchItemFailures`` names, as Lambda does; an answer naming a message
that was not in the batch fails the whole batch, as on Lambda.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.local.lambda_events import LambdaContext, function_arn, lambda_timeout, sqs_event

log = logging.getLogger(__name__)
DEFAULT_CONCURRENCY = 5  # Lambda's first pollers when an event source sets no maximum
MAX_RECEIVE = 10  # SQS hands out at most ten messages per ReceiveMessage
MAX_POOLED_CONNECTIONS = 50  # one per poller, all sources together
STOP_GRACE = 5.0  # seconds an invocation in flight gets to finish when the stack stops


@dataclass(frozen=True)
class QueueBinding:
    """One declared SQS event source, pointed at a local queue."""

    name: str
    handler: Callable[[dict[str, Any], Any], Any]
    queue_url: str
    queue_arn: str
    batch_size: int
    batching_window: int
    concurrency: int
    timeout_seconds: int
    function_name: str
    reports_item_failures: bool = False

    def describe(self) -> str:
        queue = self.queue_arn.rsplit(":", 1)[1]
        return (
            f"{self.name} <- {queue}, batches of up to {self.batch_size}, "
            f"{self.concurrency} at once, {self.timeout_seconds} s timeout"
        )


def declared_queue_name(source: Any) -> str:
    return str(source.queue or source.queue_arn.rsplit(":", 1)[1])


def queue_bindings(
    app: Any,
    queue_urls: Mapping[str, str],
    sqs: Any,
    project_dir: Path,
    stage: str = "local",
    item_failures: Collection[str] = (),
) -> list[QueueBinding]:
    """A binding for each ``@app.on_sqs_message`` whose queue name ``queue_urls`` maps;
    ``item_failures``: the queue names whose event source reports failures per message."""
    from chalice.app import SQSEventConfig

    bindings = []
    for source in app.event_sources:
        if not isinstance(source, SQSEventConfig):
            continue
        declared = declared_queue_name(source)
        url = queue_urls.get(declared)
        if url is None:
            log.warning("no local queue for %s; it is not consumed", source.name)
            continue
        timeout = lambda_timeout(project_dir, source.name, stage)
        names = ["QueueArn", "VisibilityTimeout"]
        queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        if int(queue["VisibilityTimeout"]) < timeout:  # Lambda refuses such a mapping too
            raise ValueError(
                f"{url} hides a message for {queue['VisibilityTimeout']} s, less than "
                f"{source.name}'s {timeout} s timeout: a batch could reach two handlers"
            )
        bindings.append(
            QueueBinding(
                name=source.name,
                handler=app.handler_map[source.name],
                queue_url=url,
                queue_arn=queue["QueueArn"],
                batch_size=source.batch_size,
                batching_window=source.maximum_batching_window_in_seconds or 0,
                concurrency=source.maximum_concurrency or DEFAULT_CONCURRENCY,
                timeout_seconds=timeout,
                function_name=f"{app.app_name}-{stage}-{source.name}",
                reports_item_failures=declared in item_failures,
            )
        )
    return bindings


class QueuePoller:
    """One of a binding's pollers: receive a batch, invoke, delete or leave it; repeat."""

    def __init__(self, binding: QueueBinding, sqs: Any, stopped: threading.Event, wait: int):
        self.binding = binding
        self.sqs = sqs
        self.stopped = stopped
        self.wait = wait

    def run(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        while not self.stopped.is_set():
            try:
                messages = self.receive_batch()
                if messages:
                    self.invoke(messages)
            except (BotoCoreError, ClientError) as exc:  # moto restarting or stopping
                log.warning("polling %s failed: %s", self.binding.name, type(exc).__name__)
                self.stopped.wait(1.0)

    def receive_batch(self) -> list[dict[str, Any]]:
        """Up to batch_size messages; beyond ten (one receive) only within the batching window."""
        messages = self.receive(self.binding.batch_size, self.wait)
        window_ends = time.monotonic() + self.binding.batching_window
        while messages and len(messages) < self.binding.batch_size:
            left = window_ends - time.monotonic()
            if left <= 0 or self.stopped.is_set():
                break
            wanted = self.binding.batch_size - len(messages)
            messages += self.receive(wanted, max(1, min(int(left), self.wait)))
        return messages

    def receive(self, most: int, wait: int) -> list[dict[str, Any]]:
        answer = self.sqs.receive_message(
            QueueUrl=self.binding.queue_url,
            MaxNumberOfMessages=min(most, MAX_RECEIVE),
            WaitTimeSeconds=wait,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(answer.get("Messages", []))

    def invoke(self, messages: list[dict[str, Any]]) -> bool:
        """Run the handler once; True when the batch was handled (and so deleted)."""
        binding = self.binding
        context = LambdaContext(
            function_name=binding.function_name,
            invoked_function_arn=function_arn(binding.queue_arn, binding.function_name),
            timeout_seconds=binding.timeout_seconds,
        )
        try:
            answer = binding.handler(sqs_event(messages, binding.queue_arn), context)
        except Exception:  # as on Lambda: logged, and the batch is shown again later, not lost
            log.exception(
                "%s failed; its %d message(s) return after the visibility timeout",
                binding.name,
                len(messages),
            )
            return False
        if context.timed_out:
            log.error(
                "%s ran past its %d s timeout; its %d message(s) return after the visibility "
                "timeout",
                binding.name,
                binding.timeout_seconds,
                len(messages),
            )
            return False
        failed = self.failed_items(answer, messages)
        if failed is None:
            return False
        self.delete([m for m in messages if m["MessageId"] not in failed])
        return not failed

    def failed_items(self, answer: Any, messages: list[dict[str, Any]]) -> set[str] | None:
        """The message ids the answer reports failed (none unless the source reports item
        failures); None when the answer names a message not in the batch, which Lambda
        takes as the whole batch failing."""
        if not self.binding.reports_item_failures or not isinstance(answer, dict):
            return set()
        named = {
            str(item.get("itemIdentifier") or "") for item in answer.get("batchItemFailures") or []
        }
        if not named <= {m["MessageId"] for m in messages}:
            log.error(
                "%s reported a message not in its batch; all of it returns", self.binding.name
            )
            return None
        if named:
            log.warning(
                "%s: %d of %d message(s) failed; they return after the visibility timeout",
                self.binding.name,
                len(named),
                len(messages),
            )
        return named

    def delete(self, messages: list[dict[str, Any]]) -> None:
        for start in range(0, len(messages), MAX_RECEIVE):
            chunk = messages[start : start + MAX_RECEIVE]
            entries = [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)
            ]
            answer = self.sqs.delete_message_batch(QueueUrl=self.binding.queue_url, Entries=entries)
            for failure in answer.get("Failed", []):  # e.g. shown again meanwhile: redelivered
                log.warning(
                    "%s: a handled message was not deleted (%s)",
                    self.binding.name,
                    failure.get("Code"),
                )


class LocalSqsSource:
    """Every declared SQS event source, consumed until ``stop()``."""

    def __init__(
        self,
        app: Any,
        queue_urls: Mapping[str, str],
        project_dir: Path,
        *,
        stage: str = "local",
        wait_seconds: int = 1,
        item_failures: Collection[str] = (),
    ):
        self.app = app
        self.item_failures = frozenset(item_failures)
        self.queue_urls = dict(queue_urls)
        self.project_dir = project_dir
        self.stage = stage
        self.wait_seconds = wait_seconds  # how long a poll waits; also bounds how long stop takes
        self.stopped = threading.Event()
        self.bindings: list[QueueBinding] = []
        self.threads: list[threading.Thread] = []

    def start(self) -> LocalSqsSource:
        import boto3
        from botocore.config import Config

        sqs = boto3.client(  # shared by the pollers: boto3 clients are thread-safe
            "sqs",
            config=Config(
                read_timeout=self.wait_seconds + 10,
                retries={"max_attempts": 2},
                max_pool_connections=MAX_POOLED_CONNECTIONS,
            ),
        )
        self.bindings = queue_bindings(
            self.app, self.queue_urls, sqs, self.project_dir, self.stage, self.item_failures
        )
        for binding in self.bindings:
            for n in range(binding.concurrency):
                poller = QueuePoller(binding, sqs, self.stopped, self.wait_seconds)
                thread = threading.Thread(
                    target=poller.run, name=f"sqs-{binding.name}-{n}", daemon=True
                )
                thread.start()
                self.threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop polling and give invocations in flight a moment; a batch cut short returns to
        its queue after the visibility timeout, as when Lambda stops a function."""
        self.stopped.set()
        deadline = time.monotonic() + self.wait_seconds + STOP_GRACE
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        running = [thread.name for thread in self.threads if thread.is_alive()]
        if running:
            log.warning("still handling a batch at stop: %s", ", ".join(running))
