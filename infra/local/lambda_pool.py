"""Worker processes that play Lambda containers: a few warm, more on demand, up to a cap.

As on Lambda, each container handles one request at a time and shares no memory with the
others; a burst makes the pool grow (each new worker pays a cold start); a container that
dies is replaced and its request answered 502; one that runs past the gateway's timeout is
killed and answered 504.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import time
from typing import TYPE_CHECKING

from infra.local.lambda_worker import HttpRequest, HttpResponse, gateway_error
from infra.local.worker_process import STOP_GRACE, Worker, WorkerCrashed

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

COLD_START_LIMIT = 60.0  # seconds for a worker to import the app; Lambda's init limit is 10 s


class WorkerPool:
    """Hands each request to an idle worker, starting one when none is free and the cap allows."""

    def __init__(self, project_dir: str, *, warm: int = 2, cap: int = 8):
        self.project_dir = project_dir
        self.warm = min(warm, cap)
        self.cap = max(cap, 1)
        self.context = multiprocessing.get_context("spawn")  # the parent runs threads: never fork
        self.environment: dict[str, str] = {}
        self.cold_starts: list[float] = []
        self._changed = threading.Condition()
        self._idle: list[Worker] = []
        self._workers: set[Worker] = set()
        self._starting = 0
        self._waiting = 0
        self._failed_starts = 0
        self._stopped = False

    def start(self, environment: dict[str, str]) -> None:
        """Start the warm workers in the background with the environment every worker gets."""
        self.environment = dict(environment)
        with self._changed:
            for _ in range(self.warm):
                self._launch()

    def wait_until_warm(self, timeout: float = COLD_START_LIMIT) -> None:
        """Block until every worker started so far has loaded the app; raise if one could not."""
        with self._changed:
            settled = self._changed.wait_for(
                lambda: not self._starting or self._failed_starts, timeout
            )
            if self._failed_starts:
                raise RuntimeError("the app did not load in a local Lambda worker (see above)")
            if not settled:
                raise RuntimeError(f"no local Lambda worker was ready after {timeout:.0f} s")

    @property
    def size(self) -> int:
        with self._changed:
            return len(self._workers)

    def processes(self) -> list[BaseProcess]:
        """The live workers' processes (to check that stopping ends them)."""
        with self._changed:
            return [worker.process for worker in self._workers]

    def handle(self, request: HttpRequest, timeout: float) -> HttpResponse:
        """Answer as API Gateway would: the app's answer, or 502 / 504 when the function fails."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._acquire(deadline)
        except TimeoutError:
            return gateway_error(504, "Endpoint request timed out")
        except WorkerCrashed:
            return gateway_error(502, "Internal server error")
        try:
            response = worker.call(request, deadline - time.monotonic())
        except WorkerCrashed:
            self._discard(worker)
            return gateway_error(502, "Internal server error")
        except TimeoutError:
            worker.kill()
            self._discard(worker)
            return gateway_error(504, "Endpoint request timed out")
        self._release(worker)
        return response

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            workers = list(self._workers)
            self._workers.clear()
            self._idle.clear()
            self._changed.notify_all()
        for worker in workers:
            worker.close()
        deadline = time.monotonic() + STOP_GRACE
        for worker in workers:
            worker.reap(deadline)

    def _acquire(self, deadline: float) -> Worker:
        with self._changed:
            failures_before = self._failed_starts
            self._waiting += 1
            try:
                while True:
                    if self._stopped:
                        raise WorkerCrashed("the gateway is stopping")
                    while self._idle:
                        worker = self._idle.pop()
                        if worker.process.is_alive():
                            return worker
                        self._workers.discard(worker)
                    if self._failed_starts != failures_before:
                        raise WorkerCrashed("a worker failed to start")  # Lambda init error
                    if self._waiting > self._starting and self._count() < self.cap:
                        self._launch()
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise TimeoutError
                    self._changed.wait(remaining)
            finally:
                self._waiting -= 1

    def _release(self, worker: Worker) -> None:
        with self._changed:
            if self._stopped or worker not in self._workers:
                worker.kill()
                return
            self._idle.append(worker)
            self._changed.notify_all()

    def _discard(self, worker: Worker) -> None:
        with self._changed:
            self._workers.discard(worker)
            if not self._stopped and self._count() < self.warm:
                self._launch()  # keep the warm ones warm, as after a crash on Lambda
            self._changed.notify_all()

    def _count(self) -> int:
        return len(self._workers) + self._starting

    def _launch(self) -> None:
        """Called holding the lock: count a worker as starting and start it on a thread."""
        self._starting += 1
        threading.Thread(target=self._start_worker, name="local-lambda-start", daemon=True).start()

    def _start_worker(self) -> None:
        """Spawn a worker and wait for its cold start; whatever happens, settle the counts."""
        worker: Worker | None = None
        ready = False
        try:
            worker = Worker(self.context, self.project_dir, self.environment)
            with self._changed:
                if self._stopped:
                    return
                self._workers.add(worker)
            worker.wait_ready(COLD_START_LIMIT)
            ready = True
        except (WorkerCrashed, TimeoutError, OSError) as exc:
            print(f"A local Lambda worker did not start: {exc!r}", file=sys.stderr)
        finally:
            self._settle_start(worker, ready)

    def _settle_start(self, worker: Worker | None, ready: bool) -> None:
        with self._changed:
            self._starting -= 1
            if ready and worker in self._workers:
                assert worker is not None
                self.cold_starts.append(worker.cold_start)
                self._idle.append(worker)
                worker = None
            elif worker is not None:
                self._workers.discard(worker)
            if not ready and not self._stopped:
                self._failed_starts += 1
            self._changed.notify_all()
        if worker is not None:
            worker.kill()
