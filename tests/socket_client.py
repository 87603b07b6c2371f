"""A page's WebSocket, held by a test: connects like the browser and collects what arrives.

Entering the listener returns only once the socket is open (the gateway has run the app's
``$connect`` and answered the handshake), or raises: a test that goes on to change what
the page should hear must not get ahead of the open. On a busy machine a handshake can
take many seconds (``$connect`` is a Lambda call with DynamoDB round trips), so the wait is
generous; a socket not open by then fails the test here, named, instead of later as a
missing message.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import queue
import threading
import time
from typing import Any

OPEN_PATIENCE = 60.0  # seconds for the handshake on a busy machine, never a measure of speed


class Refused(Exception):
    def __init__(self, status: int):
        super().__init__(f"connection refused with {status}")
        self.status = status


class SocketListener:
    def __init__(self, url: str, open_patience: float = OPEN_PATIENCE):
        self.url = url
        self.open_patience = open_patience
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()
        self.closed = threading.Event()
        self._opened = threading.Event()
        self._failure: BaseException | None = None
        self._loop = asyncio.new_event_loop()
        self._ws: Any = None
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> SocketListener:
        self._thread.start()
        if not self._opened.wait(self.open_patience):
            self._loop.call_soon_threadsafe(self._give_up)
            self._thread.join(5)
            raise AssertionError(f"the page's socket did not open within {self.open_patience} s")
        if self._failure is not None:
            raise self._failure
        return self

    def __exit__(self, *exc: object) -> None:
        if self._ws is not None and not self.closed.is_set():
            asyncio.run_coroutine_threadsafe(self._ws.close(), self._loop).result(5)
        self._thread.join(5)

    def next(self, kind: str, timeout: float = 30.0, **matching: Any) -> dict[str, Any]:
        """The next message of ``kind`` (skipping others), or AssertionError after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {kind} message {matching} within {timeout} s")
            try:
                message = self.received.get(timeout=left)
            except queue.Empty:
                continue
            if message.get("type") == kind and all(
                message.get(k) == v for k, v in matching.items()
            ):
                return message

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._task = self._loop.create_task(self._listen())
        with contextlib.suppress(asyncio.CancelledError):  # given up before it opened
            self._loop.run_until_complete(self._task)

    def _give_up(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _listen(self) -> None:
        import aiohttp

        async with aiohttp.ClientSession() as session:
            try:
                ws = await session.ws_connect(self.url)
            except aiohttp.WSServerHandshakeError as exc:
                self._failure = Refused(exc.status)
                self._opened.set()
                return
            except aiohttp.ClientError as exc:  # not opened at all: say so at the open
                self._failure = exc
                self._opened.set()
                return
            self._ws = ws
            self._opened.set()
            async for message in ws:
                if message.type == aiohttp.WSMsgType.TEXT:
                    self.received.put(json.loads(message.data))
            self.closed.set()
