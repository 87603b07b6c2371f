"""10,000 scheduled texts due in the same minute: sweep → send queue → senders → Twilio.

The fake Twilio paces the department's number at R texts per second (its per-number
queue) behind its account-wide concurrency limit; the senders pace themselves at R too
(the department's ``messages_per_second``), two at once as the SQS event source runs them,
each taking batches of ten from the moto queue exactly as the Lambda would. Prints:

    ratio       achieved delivery rate ÷ R, from the first sweep to the last text Twilio
                released (goal ≥ 0.9)
    duplicates  texts Twilio got more than once (goal 0)
    lost        scheduled texts not sent (goal 0)
    429s        requests the fake answered "too many" (the senders' pacing should keep
                this near 0)
    round trips DynamoDB calls per text, sweep and senders together (goal ≤ 4)

Usage: python bench/sweep.py [texts] [rate]   (defaults 10000 and 200, a short code)
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import CALLS, _watched, install_counter, start_stack

TEXTS = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("BENCH_TEXTS", "10000"))
RATE = float(sys.argv[2]) if len(sys.argv) > 2 else float(os.environ.get("BENCH_RATE", "200"))
CLIENTS = max(1, TEXTS // 10)
NUMBER = "+18015550100"  # the demo Probation number
CALLBACK_SINK = "http://127.0.0.1:9/webhooks/twilio/status"  # the discard port: refused at once


def main() -> None:
    install_counter()
    stack = start_stack(seed=False)
    local = Path(os.environ["JURISDICTION_FILE"])
    faster = local.with_name("paced.json")  # in the stack's own directory, gone at stop()
    faster.write_text(paced(local.read_text(encoding="utf-8"), RATE), encoding="utf-8")
    os.environ["JURISDICTION_FILE"] = str(faster)
    try:
        stack.twilio.set_rate(NUMBER, RATE)
        run(stack)
    finally:
        stack.stop()


def paced(jurisdiction: str, rate: float) -> str:
    """The local jurisdiction with every department admitted at ``rate`` texts a second."""
    data = json.loads(jurisdiction)
    for department in data["departments"]:
        department["messages_per_second"] = rate
    return json.dumps(data)


def run(stack) -> None:
    import boto3

    from chalicelib import bootstrap
    from chalicelib.adapters.queue import MessageQueue

    stores = bootstrap.stores()
    sqs = boto3.client("sqs")
    queue = MessageQueue(
        sqs,
        sqs.create_queue(
            QueueName=f"bench-send-{secrets.token_hex(3)}", Attributes={"VisibilityTimeout": "120"}
        )["QueueUrl"],
    )
    due_at = datetime.now(UTC) + timedelta(seconds=2)
    planned = seed(stores, due_at)
    print(f"seeded {len(planned)} texts to {CLIENTS} clients, due at one instant")
    time.sleep(max(0.0, (due_at - datetime.now(UTC)).total_seconds()))
    stack.twilio.reset_load_counts()

    started = time.time()
    sweep_thread = threading.Thread(target=sweep_until_empty, args=(stores, queue))
    senders = [threading.Thread(target=sender_loop, args=(stores, queue, stack)) for _ in range(2)]
    for thread in (sweep_thread, *senders):
        thread.start()
    sweep_thread.join()
    STOP.set()
    for thread in senders:
        thread.join()
    stack.twilio.wait_for_callbacks(timeout=30)
    report(stack, stores, planned, started)


STOP = threading.Event()
ROUND_TRIPS: Counter = Counter()
TALLY = threading.Lock()


def seed(stores, due_at: datetime) -> list:
    """Clients and their scheduled texts, written in bulk (set-up, not measured)."""
    from pynamodb.models import BatchWrite

    from chalicelib.domain.clients import Client
    from chalicelib.domain.scheduling import ScheduleState
    from chalicelib.store.models import ScheduledTextModel
    from chalicelib.store.scheduled import due_key, due_partition

    clients = [
        stores.clients.add(
            Client(
                secrets.token_hex(10),
                "probation",
                "bench",
                f"Bench{i}",
                "Client",
                f"+1720{2000000 + i:07d}",
            )
        )
        for i in range(CLIENTS)
    ]
    planned = []
    now = datetime.now(UTC)
    with BatchWrite(ScheduledTextModel) as batch:
        for i in range(TEXTS):
            client = clients[i % len(clients)]
            scheduled_id = secrets.token_hex(16)
            batch.save(
                ScheduledTextModel(
                    client.client_id,
                    scheduled_id,
                    department_id="probation",
                    case_manager_id="bench",
                    author_id="bench",
                    body=f"Bench text {i}",
                    send_at=due_at,
                    state=ScheduleState.SCHEDULED.value,
                    version=1,
                    attempts=0,
                    created_at=now,
                    due_key=due_key(due_at, scheduled_id),
                    due_partition=due_partition(scheduled_id),
                    pending_department="probation",
                )
            )
            planned.append((client.client_id, scheduled_id, client.phone, f"Bench text {i}"))
    return planned


def counted(fn):
    """Run ``fn`` counting this thread's DynamoDB calls into ROUND_TRIPS."""
    _watched.add(threading.get_ident())
    try:
        return fn()
    finally:
        _watched.discard(threading.get_ident())
        with TALLY:
            ROUND_TRIPS.update(CALLS)
            CALLS.clear()


def sweep_until_empty(stores, queue) -> None:
    """The minute's sweep (it may take several passes to drain a very large minute)."""
    from chalicelib.services.sending import sweep

    while counted(lambda: sweep(stores.scheduled, queue, datetime.now(UTC))).due:
        pass


def sender_loop(stores, queue, stack) -> None:
    """One SQS-triggered sender: batches of ten, each message handled as the Lambda does."""
    from chalicelib import bootstrap
    from chalicelib.config import get_jurisdiction
    from chalicelib.services.sending import Pacer, Sender, SendOrder, send_order

    sender = Sender(
        clients=stores.clients,
        scheduled=stores.scheduled,
        outbound=stores.outbound,
        gateway=bootstrap.twilio(),
        jurisdiction=get_jurisdiction(),
        queue=queue,
        # Delivery callbacks are other Lambdas' work in production; here they would compete
        # for the same two cores, so they go to a port where nothing listens.
        status_callback_base=CALLBACK_SINK,
        pacer=Pacer(),
    )
    idle_since = None
    while True:
        batch = queue.receive(most=10)
        if not batch:
            if STOP.is_set():
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since > 3:  # nothing left, retries included
                    return
            time.sleep(0.05)
            continue
        idle_since = None
        for message in batch:
            order = SendOrder.from_json(message.body)
            counted(lambda o=order: send_order(o, sender, datetime.now(UTC)))
            queue.delete(message.receipt)


def report(stack, stores, planned, started: float) -> None:
    from chalicelib.domain.scheduling import ScheduleState

    load = stack.twilio.load()
    number = load.numbers[NUMBER]
    releases = sorted(r.released_at for r in number.releases)
    sent = stack.twilio.messages(from_=NUMBER)
    per_text = Counter((m["to"], m["body"]) for m in sent if m["direction"] == "outbound-api")
    duplicates = sum(n - 1 for n in per_text.values() if n > 1)
    states = Counter(
        stores.scheduled.get(client_id, scheduled_id).state
        for client_id, scheduled_id, *_ in planned
    )
    lost = len(planned) - states[ScheduleState.SENT]
    span = (releases[-1] - started) if releases else float("inf")
    achieved = len(releases) / span if span > 0 else 0.0
    trips = sum(ROUND_TRIPS.values())
    print(f"texts {len(planned)}, rate R {RATE:g}/s, Twilio released {len(releases)}")
    print(
        f"ratio       {achieved / RATE:6.2f}   "
        f"(achieved {achieved:.1f}/s over {span:.1f} s; goal >= 0.9)"
    )
    print(f"duplicates  {duplicates:6d}   (goal 0)")
    print(f"lost        {lost:6d}   (goal 0; states {dict(states)})")
    print(
        f"429s        {load.too_many_requests:6d}   (Twilio's queue peaked at {number.max_depth})"
    )
    print(
        f"round trips {trips / max(1, len(planned)):6.2f}   per text (goal <= 4) "
        f"{dict(ROUND_TRIPS.most_common())}"
    )


if __name__ == "__main__":
    main()
