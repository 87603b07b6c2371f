"""One local "Lambda container": a process with the Chalice app loaded, one request at a time.

The parent (``lambda_pool``) spawns it and talks to it over a pipe. Each request goes through
chalice's own ``LocalGateway`` (route matching, the API Gateway event, binary types, the 403 for
unknown paths, authorizers) and comes back as the bytes ``chalice local`` would have written,
so the local stack answers exactly as it did when chalice's dev server ran in-process.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import signal
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from infra.local.clock import shifted

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from chalice.local import LocalGateway

READY = "ready"
JSON = "application/json"


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    clock_offset: float = 0.0  # the caller's clock ahead of the machine's (infra/local/clock.py)


@dataclass(frozen=True)
class HttpResponse:
    """What goes on the wire: status, headers in order (a name may repeat), body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes | None


def gateway_error(status: int, message: str) -> HttpResponse:
    """API Gateway's own answer when the function could not answer (502, 504)."""
    body = json.dumps({"message": message}).encode()
    return HttpResponse(status, [("Content-Length", str(len(body))), ("Content-Type", JSON)], body)


AWS_CALL_LOG = "CLIENTCOMM_AWS_CALL_LOG"  # set by tests/aws_calls.py


def serve(
    connection: Connection, project_dir: str, stage: str, environment: dict[str, str]
) -> None:
    """Process entry point: load the app once (the cold start), then answer until EOF.

    Ctrl-C in a terminal reaches the whole process group: the parent stops the workers.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.clear()
    os.environ.update(environment)  # the function's configuration, fixed when the pool started
    if os.environ.get(AWS_CALL_LOG):  # the test run checks this worker's AWS calls too
        importlib.import_module("tests.aws_calls").install_from_environment()
    gateway = load_gateway(project_dir, stage)
    try:
        connection.send(READY)
        while True:
            request = connection.recv()
            with shifted(request.clock_offset):
                reply = answer(gateway, request)
            connection.send(reply)
    except (EOFError, OSError):
        return  # the parent closed the pipe or went away: this container is done


def load_gateway(project_dir: str, stage: str) -> LocalGateway:
    """Import ``app.py`` as Lambda would and put chalice's API Gateway emulation in front."""
    from chalice.config import Config
    from chalice.local import LocalGateway

    if project_dir not in sys.path:
        sys.path.insert(0, project_dir)
    vendor = os.path.join(project_dir, "vendor")
    if os.path.isdir(vendor) and vendor not in sys.path:
        sys.path.append(vendor)  # as chalice's CLI does: vendor/ lands at the zip root
    config_file = Path(project_dir) / ".chalice" / "config.json"
    config = Config(
        chalice_stage=stage,
        config_from_disk=json.loads(config_file.read_text()),
        default_params={"project_dir": project_dir, "api_gateway_stage": "api"},
    )
    os.environ.update(config.environment_variables)
    app = importlib.import_module("app").app
    return LocalGateway(app, config)


def answer(gateway: LocalGateway, request: HttpRequest) -> HttpResponse:
    """Run one request; an exception escaping the handler is a function error, so 502."""
    from chalice.local import LocalGatewayException

    try:
        response = gateway.handle_request(
            method=request.method, path=request.path, headers=request.headers, body=request.body
        )
    except LocalGatewayException as refused:
        return gateway_refusal(refused.CODE, dict(refused.headers), refused.body or b"", request)
    except Exception:
        traceback.print_exc()
        return gateway_error(502, "Internal server error")
    headers = dict(response["headers"])
    headers.update(response.get("multiValueHeaders") or {})
    body = response.get("body")
    if response.get("isBase64Encoded") and body is not None:
        body = base64.b64decode(body)
    return on_the_wire(response["statusCode"], headers, body)


def gateway_refusal(
    status: int, headers: dict[str, Any], body: bytes, request: HttpRequest
) -> HttpResponse:
    """What chalice's gateway refused (403 for a path no route has), answered through the
    stack's gateway responses as API Gateway answers it (``infra/package/gateway_responses``)."""
    from infra.package.gateway_responses import UNKNOWN_PATH
    from infra.package.gateway_responses import answer as gateway_answer

    kind = UNKNOWN_PATH if status == 403 else ("DEFAULT_4XX" if status < 500 else "DEFAULT_5XX")
    message = str(json.loads(body or b"{}").get("message", ""))
    accept = next((v for k, v in request.headers.items() if k.lower() == "accept"), "")
    prefix = urlsplit(os.environ.get("PUBLIC_BASE_URL", "")).path.rstrip("/")
    code, gateway_headers, page = gateway_answer(kind, status, message, accept, prefix)
    return on_the_wire(code, {**headers, **gateway_headers}, page)


def on_the_wire(status: int, headers: dict[str, Any], body: str | bytes | None) -> HttpResponse:
    """Lay out headers and body as chalice's ChaliceRequestHandler writes them."""
    lines: list[tuple[str, str]] = []
    if body is None:
        headers["Content-Length"] = "0"
    else:
        if isinstance(body, str):
            body = body.encode("utf-8")
        lines.append(("Content-Length", str(len(body))))
        lines.append(("Content-Type", headers.pop("Content-Type", JSON)))
    for name, value in headers.items():
        values = value if isinstance(value, list) else [value]
        lines.extend((name, str(one)) for one in values)
    return HttpResponse(status, lines, body)
