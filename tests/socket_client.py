"""A page's WebSocket, held by a test: connects like the browser and collects what arrives."""

from __future__ import annotations

import asyncio
import json
import queue
import threading
import time
from typing import Any


class Refused(Exception):
    def __init__(self, status: int):
        super().__init__(f"connection refused with {status}")
        self.status = status


class SocketListener:
    def __init__(self, url: str):
        self.url = url
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()
        self.closed = threading.Event()
        self._opened = threading.Event()
        self._failure: BaseException | None = None
        self._loop = asyncio.new_event_loop()
        self._ws: Any = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> SocketListener:
        self._thread.start()
        self._opened.wait(10)
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
        self._loop.run_until_complete(self._listen())

    async def _listen(self) -> None:
        import aiohttp

        async with aiohttp.ClientSession() as session:
            try:
                ws = await session.ws_connect(self.url)
            except aiohttp.WSServerHandshakeError as exc:
                self._failure = Refused(exc.status)
                self._opened.set()
                return
            self._ws = ws
            self._opened.set()
            async for message in ws:
                if message.type == aiohttp.WSMsgType.TEXT:
                    self.received.put(json.loads(message.data))
            self.closed.set()
