"""The local stack's API Gateway WebSocket API: the same protocol, on its own port.

- A browser opens ``ws://127.0.0.1:{port}/{stage}?…``. Before the handshake completes, the
  app's ``$connect`` handler runs with API Gateway's event (connection id, query string,
  headers); any answer but 2xx refuses the connection with that status, as API Gateway does.
- Messages from the page go to ``$default`` (when the app declares one); a close runs
  ``$disconnect``.
- The app pushes with the management API: ``POST /{stage}/@connections/{id}`` (the body is
  the message), ``DELETE`` closes, ``GET`` describes. An unknown connection answers 410
  ``GoneException`` in API Gateway's REST-JSON error shape, so boto3's
  ``apigatewaymanagementapi`` client behaves as against AWS.

Handlers run in this process, in a thread pool (Lambda's concurrency), like the stack's other
event sources. Each connection also lasts at most two hours, as on AWS.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from infra.local.lambda_events import LambdaContext

log = logging.getLogger(__name__)
MAX_CONNECTION_SECONDS = 2 * 3600
API_ID = "localws"


class LocalWebSocketGateway:
    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, stage: str = "local"):
        self.app = app
        self.host = host
        self.port = port
        self.stage = stage
        self.loop = asyncio.new_event_loop()
        self.thread: threading.Thread | None = None
        self.sockets: dict[str, Any] = {}  # connection id → aiohttp WebSocketResponse
        self.pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="ws-handler")
        self.runner: Any = None
        self.started = threading.Event()
        self.failure: BaseException | None = None
        self.messages_in = 0  # what the page sent: the idle-tab bench counts these
        self.connects = 0
        self.open_sockets = 0  # counted from $connect's answer until the socket closes
        # called (in a handler thread) when a page connects while none was connected
        self.on_first_page: Callable[[], None] | None = None

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}/{self.stage}"

    @property
    def push_url(self) -> str:
        return f"http://{self.host}:{self.port}/{self.stage}"

    def start(self) -> LocalWebSocketGateway:
        self.thread = threading.Thread(target=self._serve, name="websocket-gateway", daemon=True)
        self.thread.start()
        self.started.wait(10)
        if self.failure is not None:
            raise RuntimeError("the local WebSocket gateway could not start") from self.failure
        return self

    def stop(self) -> None:
        if self.thread is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop)
        try:
            future.result(10)
        except Exception:  # already stopping
            log.debug("websocket gateway shutdown", exc_info=True)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.pool.shutdown(wait=False, cancel_futures=True)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._start_site())
        except BaseException as exc:
            self.failure = exc
            self.started.set()
            return
        self.started.set()
        self.loop.run_forever()

    async def _start_site(self) -> None:
        from aiohttp import web

        app = web.Application()
        base = f"/{self.stage}"
        app.router.add_get(base, self._socket)
        app.router.add_route("*", base + "/@connections/{connection_id}", self._manage)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.port)
        await site.start()
        if self.port == 0:
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _shutdown(self) -> None:
        for ws in list(self.sockets.values()):
            await ws.close()
        if self.runner is not None:
            await self.runner.cleanup()

    # --- the browser's side -------------------------------------------------------------

    async def _socket(self, request: Any) -> Any:
        from aiohttp import WSMsgType, web

        connection_id = base64.b64encode(os.urandom(9)).decode()
        answer = await self._invoke("$connect", self._event("$connect", connection_id, request))
        status = int((answer or {}).get("statusCode", 200))
        if not 200 <= status < 300:
            return web.Response(status=status, text="Forbidden")
        self.open_sockets += 1
        closer = None
        ws = web.WebSocketResponse()
        try:
            if self.open_sockets == 1 and self.on_first_page is not None:
                await self.loop.run_in_executor(self.pool, self.on_first_page)
            try:
                await ws.prepare(request)  # the page may act from here on: the streams are read
            except ConnectionError:  # it left while $connect ran (a slow handshake): gone
                log.info("page left before its socket opened", extra={"connection": connection_id})
                return web.Response(status=499)  # nobody reads it: only the finally matters
            self.sockets[connection_id] = ws
            self.connects += 1
            closer = self.loop.call_later(
                MAX_CONNECTION_SECONDS, lambda: asyncio.ensure_future(ws.close())
            )
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self.messages_in += 1
                    event = self._event("$default", connection_id, request, body=message.data)
                    if "$default" in self.app.websocket_handlers:
                        await self._invoke("$default", event)
        finally:
            self.open_sockets -= 1
            if closer is not None:
                closer.cancel()
            self.sockets.pop(connection_id, None)
            await self._invoke("$disconnect", self._event("$disconnect", connection_id, request))
        return ws

    def _event(
        self, route: str, connection_id: str, request: Any, body: str | None = None
    ) -> dict[str, Any]:
        kinds = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}
        event: dict[str, Any] = {
            "requestContext": {
                "routeKey": route,
                "eventType": kinds.get(route, "MESSAGE"),
                "connectionId": connection_id,
                "apiId": API_ID,
                "stage": self.stage,
                "domainName": f"{self.host}:{self.port}",
                "requestTimeEpoch": int(time.time() * 1000),
            },
            "isBase64Encoded": False,
        }
        if route == "$connect":
            event["headers"] = dict(request.headers)
            event["queryStringParameters"] = dict(request.query) or None
        if body is not None:
            event["body"] = body
        return event

    async def _invoke(self, route: str, event: dict[str, Any]) -> dict[str, Any] | None:
        config = self.app.websocket_handlers.get(route)
        if config is None:
            return None
        handler = self.app.handler_map[config.name]
        context = LambdaContext(
            function_name=config.name,
            invoked_function_arn=f"local:{config.name}",
            timeout_seconds=30,
        )

        def run() -> dict[str, Any] | None:
            try:
                answer: dict[str, Any] | None = handler(event, context)
                return answer
            except Exception:
                log.exception("%s failed", config.name)
                return {"statusCode": 500}

        return await self.loop.run_in_executor(self.pool, run)

    # --- the app's side: the management API ---------------------------------------------

    async def _manage(self, request: Any) -> Any:
        from aiohttp import web

        connection_id = request.match_info["connection_id"]
        ws = self.sockets.get(connection_id)
        if ws is None or ws.closed:
            body = json.dumps({"message": f"connection {connection_id} is gone"})
            return web.Response(
                status=410,
                text=body,
                content_type="application/json",
                headers={"x-amzn-ErrorType": "GoneException"},
            )
        if request.method == "POST":
            await ws.send_str((await request.read()).decode("utf-8"))
            return web.Response(status=200)
        if request.method == "DELETE":
            await ws.close()
            return web.Response(status=204)
        info = {"connectedAt": "", "identity": {"sourceIp": "127.0.0.1"}}
        return web.json_response(info)
