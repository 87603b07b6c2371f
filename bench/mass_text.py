"""A mass text to 2,000 recipients in one department while another department's 50
reminders fall due: is the send queue fair, fast and cheap enough?

Part 1, the real path on the local stack (moto as DynamoDB and SQS, the fake Twilio):
``services/mass_texts.start_mass_text`` as the page calls it, the fan-out from the
mass-texts stream (``jobs/mass_fan_out.py``, the local stream source), the sweep every
minute as EventBridge runs it (``sweep-scheduled``, queuing ahead), the app's own
``send-scheduled`` handler on the local SQS event source (two at once, the template's
batch size and window, each batch's texts sent concurrently, per-message failures, the
fair queue's groups), Probation's number admitted at MASS_RATE texts/s and Pretrial's at
1/s. Prints:

    (a) start       seconds for the request's own work: the chosen clients read, skips
                    decided, the mass text stored (goal <= 2); the fan-out's time after it
                    is printed apart (the ratio is measured from when it is done)
    (b) round trips DynamoDB calls per recipient: start, fan-out, sweeps and senders
                    (goal <= 4)
    (c) ratio       Probation's delivery rate / its admitted rate (goal >= 0.9)
    (d) delay       each Pretrial reminder's departure after its time (max; goal <= 60 s)

MASS_RATE is 3: moto answers one request at a time, and on this shared 2-core machine the
whole path carried 13 texts/s for 600 texts (MASS_RATE=20) but only 3.75/s for 2,000 at
MASS_RATE=8 (a bigger table, the sweep's 193 s of writes competing). A rate near moto's
ceiling measures moto's speed; at 3 the ratio measures the app's pacing.

Part 2 runs the same send path (``sending.sweep``, ``send_batches.send_batch``,
``send_order``, the pacer) on in-memory stores (tests/fakes_sending.py) costing
DYNAMODB_MS per call, against a Twilio that takes TWILIO_MS to answer, at R = 100 and 225,
a mass text of MASS_TEXTS: the ratio each reaches with the two senders (SEND_CONCURRENCY)
each sending its batch from its pool (SEND_WORKERS), for batches of 10, 100 and
SEND_BATCH_SIZE (and BATCH_SIZES), and the most sends that were in flight at once.

Usage: python bench/mass_text.py [both|moto|memory]
Environment: MASS_TEXTS (2000), OTHER_REMINDERS (50), MASS_RATE (8), DYNAMODB_MS (5),
TWILIO_MS (150), BATCH_SIZES (more batch sizes for part 2, e.g. 200,500).
"""

from __future__ import annotations

import json
import math
import os
import queue
import secrets
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from harness import CALLS, ROOT, install_counter, start_stack

MASS_TEXTS = int(os.environ.get("MASS_TEXTS", "2000"))
OTHER_REMINDERS = int(os.environ.get("OTHER_REMINDERS", "50"))
# Probation's admitted rate in part 1: below what moto carries here for 2,000 texts
# (3.75 texts/s at MASS_RATE=8), so (c) measures the app's pacing, not moto's speed
MASS_RATE = float(os.environ.get("MASS_RATE", "3"))
DYNAMODB_SECONDS = float(os.environ.get("DYNAMODB_MS", "5")) / 1000
TWILIO_SECONDS = float(os.environ.get("TWILIO_MS", "150")) / 1000
BATCH_SIZES = [int(n) for n in os.environ.get("BATCH_SIZES", "").split(",") if n]
MASS_NUMBER, OTHER_NUMBER = "+18015550100", "+18015550200"  # Probation, Pretrial (demo)
SWEEP_EVERY = 60.0  # EventBridge's rate for sweep-scheduled (app.py)
GIVE_UP_SECONDS = 800  # 2,000 texts at 3/s take 11 minutes; part 1 stops at 13 whatever happens
CALLBACK_SINK = "http://127.0.0.1:9"  # the discard port: status callbacks refused at once


def paced_jurisdiction(rates: dict[str, float]) -> None:
    """The stack's jurisdiction with these departments' admitted rates (by id)."""
    path = Path(os.environ["JURISDICTION_FILE"])
    data = json.loads(path.read_text(encoding="utf-8"))
    for department in data["departments"]:
        if department["id"] in rates:
            department["messages_per_second"] = rates[department["id"]]
    paced = path.with_name(f"paced-{secrets.token_hex(3)}.json")
    paced.write_text(json.dumps(data), encoding="utf-8")
    os.environ["JURISDICTION_FILE"] = str(paced)


# Part 1: the local stack -------------------------------------------------------------


def moto_run() -> None:
    install_counter()
    stack = start_stack(seed=False)
    try:
        paced_jurisdiction({"probation": MASS_RATE})
        stack.twilio.set_rate(MASS_NUMBER, MASS_RATE)
        stack.twilio.set_rate(OTHER_NUMBER, 1.0)
        os.environ["PUBLIC_BASE_URL"] = CALLBACK_SINK  # callbacks are other Lambdas' work
        moto_measure(stack)
    finally:
        stack.stop()


def new_clients(stores, department: str, count: int, first_number: int) -> list:
    from chalicelib.domain.clients import Client

    owner = "bench-" + department
    return [
        stores.clients.add(
            Client(
                secrets.token_hex(10),
                department,
                owner,
                f"Bench{i}",
                "Client",
                f"+1720{first_number + i:07d}",
            )
        )
        for i in range(count)
    ]


def start_mass_text(stores, clients, due_at: datetime) -> str:
    """The request's own work (``services/mass_texts.start_mass_text``): read the chosen
    clients, decide skips, write the one mass-text item. The fan-out to scheduled texts
    runs after it, from the table's stream, on the local stack."""
    from chalicelib.domain.users import Role, User
    from chalicelib.services.mass_texts import start_mass_text as start

    author = User(
        "bench-probation", "Bench Manager", "bench@example.org", Role.CASE_MANAGER, "probation"
    )
    stores.users.add(author)
    client_ids = [client.client_id for client in clients]
    return start(
        author,
        stores.clients,
        stores.mass_texts,
        client_ids,
        "The office is closed Monday.",
        due_at,
        secrets.token_hex(16),
    ).mass_id


def count_fan_out_and_send_pools() -> None:
    """Count the DynamoDB calls of the fan-out (the stream reader's thread) and of the
    senders' pools (each batch's texts go out from ``send_batches``' threads) with the
    senders' own: all of it is the mass text's cost."""
    measured = harness._measured

    def also_these_threads() -> bool:
        name = threading.current_thread().name
        return measured() or name.startswith(("sends_", "stream-fan-out-mass-texts"))

    harness._measured = also_these_threads


def wait_for_fan_out(stores, mass_id: str) -> float:
    """Seconds until the fan-out (from the mass-texts stream) has written every text: the
    ratio measures the sweep and senders from there, not moto's transactions before."""
    began = time.perf_counter()
    while time.perf_counter() - began < GIVE_UP_SECONDS:
        mass = stores.mass_texts.get(mass_id)
        if mass is not None and mass.written_at is not None:
            break
        time.sleep(0.5)
    return time.perf_counter() - began


def plan_reminders(stores, clients, first_due: datetime) -> dict[str, datetime]:
    """Pretrial's reminders, one every two seconds from ``first_due``: phone → its time."""
    from chalicelib.domain.scheduling import ScheduledText

    due = {}
    for i, client in enumerate(clients):
        send_at = first_due + timedelta(seconds=2 * i)
        stores.scheduled.add(
            ScheduledText(
                client_id=client.client_id,
                scheduled_id=secrets.token_hex(16),
                department_id="pretrial",
                case_manager_id="bench-pretrial",
                author_id="bench-pretrial",
                body="Reminder: court tomorrow at 9.",
                send_at=send_at,
            )
        )
        due[client.phone] = send_at
    return due


def moto_measure(stack) -> None:
    import app as app_module
    from chalicelib import bootstrap
    from chalicelib.config import SEND_QUEUE_NAME
    from chalicelib.jobs import entry_points
    from infra.local.sqs_source import LocalSqsSource
    from infra.package.queues import REPORTS_ITEM_FAILURES

    stores = bootstrap.stores()
    recipients = new_clients(stores, "probation", MASS_TEXTS, 3_000_000)
    others = new_clients(stores, "pretrial", OTHER_REMINDERS, 4_000_000)
    print(f"{MASS_TEXTS} recipients in Probation, {OTHER_REMINDERS} clients in Pretrial")
    stack.twilio.reset_load_counts()

    count_fan_out_and_send_pools()
    started_at = datetime.now(UTC)
    with harness.counting() as start_calls:
        began = time.perf_counter()
        mass_id = start_mass_text(stores, recipients, started_at)
        start_seconds = time.perf_counter() - began
    CALLS.clear()  # the start's calls are in start_calls
    fan_out_seconds = wait_for_fan_out(stores, mass_id)
    print(f"    the fan-out wrote the {MASS_TEXTS} scheduled texts in {fan_out_seconds:.1f} s")
    started_at = datetime.now(UTC)  # what the sweeps find due from here is measured
    reminders = plan_reminders(stores, others, started_at + timedelta(seconds=20))

    source = LocalSqsSource(
        app_module.app,
        {SEND_QUEUE_NAME: stack.resources.send_queue_url},
        ROOT,
        item_failures=REPORTS_ITEM_FAILURES,
    ).start()
    harness._watched.update(t.ident for t in source.threads if t.ident)
    stop = threading.Event()

    def sweep_once() -> None:
        harness._watched.add(threading.get_ident())
        began = time.perf_counter()
        result = entry_points.sweep_scheduled()
        if result.get("skipped"):  # another run holds the sweep's lease, as on AWS
            print("    a sweep skipped: another run is still sweeping")
            return
        print(
            f"    a sweep queued {result['queued']} in {time.perf_counter() - began:.1f} s "
            f"(read {result['due']}, taken meanwhile {result['changed_meanwhile']}, "
            f"refused by SQS {result['not_kept']})"
        )

    def sweeps() -> None:
        """EventBridge's rule: a run every minute on the minute, whether or not the last
        one has finished (moto makes a sweep of thousands take far longer than on AWS)."""
        tick = time.monotonic()
        while not stop.is_set():
            threading.Thread(target=sweep_once, name="bench-sweep-run", daemon=True).start()
            tick += SWEEP_EVERY
            stop.wait(max(0.0, tick - time.monotonic()))

    sweeper = threading.Thread(target=sweeps, name="bench-sweep", daemon=True)
    sweep_began = time.time()
    sweeper.start()
    total = MASS_TEXTS + OTHER_REMINDERS
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while time.monotonic() < deadline and released(stack) < total:
        time.sleep(1)
    stop.set()
    source.stop()
    moto_report(stack, start_seconds, start_calls, reminders, sweep_began)


def released(stack) -> int:
    load = stack.twilio.load(releases=False)
    return sum(n.released for n in load.numbers.values())


def moto_report(stack, start_seconds, start_calls, reminders, sweep_began) -> None:
    load = stack.twilio.load()
    mass = sorted(r.released_at for r in load.numbers[MASS_NUMBER].releases)
    span = (mass[-1] - sweep_began) if mass else float("inf")
    achieved = len(mass) / span if span > 0 else 0.0
    sent = len(mass) + len(load.numbers[OTHER_NUMBER].releases)
    per_recipient = sum(start_calls.values()) / MASS_TEXTS + sum(CALLS.values()) / max(1, sent)
    delays = []
    for message in stack.twilio.messages(from_=OTHER_NUMBER):
        due = reminders.get(message["to"])
        if due is not None and message["direction"] == "outbound-api":
            delays.append((parsedate_to_datetime(message["date_created"]) - due).total_seconds())
    print(
        f"(a) start       {start_seconds:6.2f} s   "
        "(start_mass_text: the clients read, the mass text stored; goal <= 2)"
    )
    print(
        f"(b) round trips {per_recipient:6.2f}   per recipient (goal <= 4): the start's per "
        f"recipient, fan-out's, sweeps' and senders' per text sent ({sent}); start "
        f"{dict(start_calls)}, fan-out+sweeps+senders {dict(CALLS.most_common())}"
    )
    print(
        f"(c) ratio       {achieved / MASS_RATE:6.2f}   ({len(mass)} of {MASS_TEXTS} at "
        f"{achieved:.2f}/s over {span:.0f} s; admitted {MASS_RATE:g}/s; goal >= 0.9)"
    )
    if delays:
        print(
            f"(d) delay       {max(delays):6.1f} s max after their time, median "
            f"{sorted(delays)[len(delays) // 2]:.1f} s ({len(delays)} of {OTHER_REMINDERS} "
            "sent; goal each <= 60 s)"
        )
    else:
        print(f"(d) delay       none of the {OTHER_REMINDERS} reminders left in time")
    print(f"    Twilio 429s {load.too_many_requests}")


# Part 2: in-memory stores, 5 ms a call ----------------------------------------------


class MemoryQueue:
    """SQS as the sender sees it: messages with ids, batches of ten, delays ignored."""

    def __init__(self) -> None:
        self.waiting: queue.SimpleQueue = queue.SimpleQueue()

    def send_batch(self, messages) -> list[bool]:
        for message in messages:
            self.waiting.put((secrets.token_hex(8), message.body))
        return [True] * len(messages)

    def send(self, body: str, delay_seconds: int = 0, group: str = "") -> str:
        message_id = secrets.token_hex(8)
        self.waiting.put((message_id, body))
        return message_id

    def take(self, most: int = 10, window: float = 0.0) -> list:
        """Up to ``most`` messages: as Lambda's poller, it waits up to ``window`` seconds
        (the event source's batching window) for a batch to fill once one has come."""
        taken: list = []
        ends = time.perf_counter() + window
        while len(taken) < most:
            try:
                taken.append(self.waiting.get_nowait())
            except queue.Empty:
                if not taken or time.perf_counter() >= ends:
                    break
                time.sleep(0.01)
        return taken


class SlowTwilio:
    """Twilio's API: answers after TWILIO_SECONDS; notes when each text was handed over
    and the most sends it had in flight at once."""

    def __init__(self) -> None:
        self.handed: list[float] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0

    def send(self, *, from_: str, to: str, body: str, status_callback: str):
        from chalicelib.adapters.twilio_gateway import SentMessage

        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        time.sleep(TWILIO_SECONDS)
        with self.lock:
            self.in_flight -= 1
            self.handed.append(time.perf_counter())
        return SentMessage("SM" + secrets.token_hex(16), "queued", 1)


@dataclass(frozen=True)
class Trial:
    ratio: float  # texts Twilio let go a second / the admitted rate
    calls_per_text: float  # DynamoDB calls
    most_in_flight: int  # sends Twilio had at once, both senders together


def memory_trial(rate: float, batch_size: int) -> Trial:
    """One mass text of MASS_TEXTS texts through the two senders
    (SEND_CONCURRENCY), each sending its batch of ``batch_size`` concurrently
    (``send_batch``'s pool of SEND_WORKERS), as on AWS: the ratio reached, DynamoDB calls
    per text, and the most sends in flight at once."""
    from chalicelib.config import SEND_BATCHING_WINDOW_SECONDS, SEND_CONCURRENCY, get_jurisdiction
    from chalicelib.domain.clients import Client
    from chalicelib.domain.scheduling import ScheduledText
    from chalicelib.services.pacing import Pacer
    from chalicelib.services.send_batches import QueueRecord, send_batch
    from chalicelib.services.sending import Sender, sweep
    from tests.fakes import FakeClientStore
    from tests.fakes_sending import FakeScheduledStore, FakeSendingOutbound, LatentStore

    texts = MASS_TEXTS  # the whole mass text: its last batches' imbalance counts too
    calls: Counter = Counter()
    clients, scheduled = FakeClientStore(), FakeScheduledStore()
    now = datetime.now(UTC)
    for i in range(texts):
        client = clients.add(
            Client(
                secrets.token_hex(10),
                "probation",
                "bench",
                f"B{i}",
                "C",
                f"+1720{5_000_000 + i:07d}",
            )
        )
        scheduled.add(
            ScheduledText(
                client.client_id,
                secrets.token_hex(16),
                "probation",
                "bench",
                "bench",
                "The office is closed Monday.",
                now,
            )
        )
    latent_scheduled = LatentStore(scheduled, DYNAMODB_SECONDS, calls)
    memory = MemoryQueue()
    twilio = SlowTwilio()
    jurisdiction = get_jurisdiction()
    began = time.perf_counter()
    cutoff = began + 2.5 * MASS_TEXTS / rate  # too slow: measured on what was handed over
    swept = threading.Event()

    def sweep_once() -> None:  # as SQS lets senders start on the first messages kept
        sweep(latent_scheduled, memory, now)
        swept.set()

    def sender_loop() -> None:
        sender = Sender(
            clients=LatentStore(clients, DYNAMODB_SECONDS, calls),
            scheduled=latent_scheduled,
            outbound=LatentStore(FakeSendingOutbound(scheduled), DYNAMODB_SECONDS, calls),
            gateway=twilio,
            jurisdiction=jurisdiction,
            queue=memory,
            status_callback_base=CALLBACK_SINK,
            pacer=Pacer(senders=SEND_CONCURRENCY),
        )
        while time.perf_counter() < cutoff:
            batch = memory.take(batch_size, SEND_BATCHING_WINDOW_SECONDS if batch_size > 10 else 0)
            if not batch:
                if swept.is_set():
                    return
                time.sleep(0.01)
                continue
            records = [QueueRecord(message_id, body) for message_id, body in batch]
            send_batch(records, sender, lambda: 600_000, 15_000)

    threads = [threading.Thread(target=sweep_once)]
    threads += [threading.Thread(target=sender_loop) for _ in range(SEND_CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    released = twilio_releases(sorted(twilio.handed), rate)
    span = released[-1] - began if released else float("inf")
    sent = max(1, len(released))
    return Trial(len(released) / span / rate, sum(calls.values()) / sent, twilio.most_in_flight)


def twilio_releases(handed: list[float], rate: float) -> list[float]:
    """When Twilio lets each text go: it queues what a number is handed beyond its rate
    and releases it at that rate, so a sender catching up on missed slots is measured by
    the releases, never credited beyond the rate."""
    released: list[float] = []
    for at in handed:
        released.append(max(at, released[-1] + 1 / rate) if released else at)
    return released


def memory_run() -> None:
    from chalicelib.config import SEND_BATCH_SIZE, SEND_CONCURRENCY, SEND_WORKERS

    stack = start_stack(seed=False)  # for the jurisdiction file and settings only
    sizes = sorted({10, 100, SEND_BATCH_SIZE, *BATCH_SIZES})
    try:
        for rate in (100.0, 225.0):
            paced_jurisdiction({"probation": rate})
            print(
                f"R = {rate:g}/s, {MASS_TEXTS} texts, DynamoDB "
                f"{DYNAMODB_SECONDS * 1000:g} ms a call, Twilio {TWILIO_SECONDS * 1000:g} ms "
                f"an answer, {SEND_CONCURRENCY} senders, each a pool of {SEND_WORKERS}:"
            )
            for size in sizes:
                trial = memory_trial(rate, size)
                chosen = " (SEND_BATCH_SIZE)" if size == SEND_BATCH_SIZE else ""
                print(
                    f"    batches of {size:3d}{chosen}: ratio {trial.ratio:4.2f}, "
                    f"{trial.most_in_flight} sends in flight at most, "
                    f"{trial.calls_per_text:.2f} DynamoDB calls a text"
                )
            per_text = 3 * DYNAMODB_SECONDS + TWILIO_SECONDS
            print(
                f"    physics: ceil(R x {per_text * 1000:.0f} ms a text) = "
                f"{math.ceil(rate * per_text)} sends in flight all the time"
            )
    finally:
        stack.stop()


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "both"
    if mode in ("both", "moto"):
        moto_run()
    if mode in ("both", "memory"):
        memory_run()
