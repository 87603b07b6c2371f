"""The whole thing on a laptop: moto as AWS, the fake Twilio, demo data, the app.

``make run`` runs ``python -m infra.local.stack``; tests build the same ``LocalStack`` on
free ports. Everything lives in this process and the app's worker processes (the local
Lambda containers, see ``gateway``), which ``stop()`` ends, so Ctrl-C leaves nothing behind.
Heavy imports wait for ``start()``: every worker re-imports this module when ``make run``
is the main program.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import signal
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if __name__ == "__mp_main__":  # re-imported in an app worker: Ctrl-C is the stack's to handle,
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # even while the worker is still starting

from infra.definitions import metrics_namespace
from infra.local.fake_twilio import LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN, FakeTwilio
from infra.local.resources import NOTIFY_FROM, create_resources

if TYPE_CHECKING:
    from infra.local.gateway import LocalApiGateway
    from infra.local.moto_server import SerialMotoServer
    from infra.local.resources import LocalResources
    from infra.local.scheduler import LocalScheduler
    from infra.local.sqs_source import LocalSqsSource
    from infra.local.stream_source import LocalStreamSource
    from infra.local.websocket_gateway import LocalWebSocketGateway

ROOT = Path(__file__).resolve().parents[2]
DEMO_JURISDICTION = ROOT / "infra" / "jurisdictions" / "demo.json"
REGION = "us-west-2"
DEFAULT_MAX_WORKERS = 8


class LocalStack:
    """Start with ``start()``; every URL and id is known afterwards; ``stop()`` undoes it all."""

    def __init__(
        self,
        app_port: int = 8000,
        twilio_port: int = 8001,
        moto_port: int = 8002,
        websocket_port: int = 8003,
        *,
        serve_app: bool = True,
        seed: bool = True,
        prefix: str = "clientcomm-local-",
        callback_delay: float = 0.4,
        run_schedules: bool = False,
        schedule_seconds: float | None = None,
        consume_queues: bool = False,
        max_workers: int | None = None,
        live_updates: bool = True,
    ):
        """``run_schedules`` plays EventBridge (each job at its Rate, or at least every
        ``schedule_seconds``); ``consume_queues`` plays the SQS event sources. Tests leave
        both off and call the handlers themselves. ``live_updates`` plays API Gateway's
        WebSocket API and the DynamoDB-stream event sources that push changes to open pages."""
        self.app_port = app_port
        self.twilio_port = twilio_port
        self.moto_port = moto_port
        self.websocket_port = websocket_port
        self.live_updates = live_updates
        self.serve_app = serve_app
        self.seed = seed
        self.prefix = prefix
        self.callback_delay = callback_delay
        self.run_schedules = run_schedules
        self.schedule_seconds = schedule_seconds
        self.consume_queues = consume_queues
        self.max_workers = max_workers or int(
            os.environ.get("LOCAL_MAX_WORKERS", DEFAULT_MAX_WORKERS)
        )
        self.scheduler: LocalScheduler | None = None
        self.websockets: LocalWebSocketGateway | None = None
        self.streams: LocalStreamSource | None = None
        self.queues: LocalSqsSource | None = None
        self.moto: SerialMotoServer | None = None
        self.twilio: FakeTwilio | None = None
        self.app_server: LocalApiGateway | None = None
        self.app_url = ""
        self.resources: LocalResources | None = None
        self.client_count = 0
        self.jurisdiction_dir: Path | None = None

    def start(self) -> LocalStack:
        from infra.local.moto_server import SerialMotoServer
        from infra.package.webhooks import CONNECTION_OVERRIDES

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto logs every request
        self.moto = SerialMotoServer(ip_address="127.0.0.1", port=self.moto_port)
        self.moto.start()
        host, port = self.moto.get_host_and_port()
        os.environ.update(
            AWS_ENDPOINT_URL=f"http://{host}:{port}",
            AWS_ACCESS_KEY_ID="local",
            AWS_SECRET_ACCESS_KEY="local",
            AWS_DEFAULT_REGION=REGION,
            AWS_REGION=REGION,
            # moto is one serial server in this process, slower than DynamoDB on a busy
            # machine: the app's DynamoDB client waits longer for it (chalicelib/store/
            # connection.py); set before anything builds that client
            LOCAL_DYNAMODB_READ_TIMEOUT="10",
        )
        os.environ.pop("AWS_PROFILE", None)

        self.resources = create_resources(self.prefix, REGION)
        jurisdiction = json.loads(DEMO_JURISDICTION.read_text())
        owned = {d["twilio_number"]: d["name"] for d in jurisdiction["departments"]}
        if self.serve_app:
            self._bind_app()
        else:
            self.app_url = f"http://127.0.0.1:{self.app_port}"
        self.twilio = FakeTwilio(
            account_sid=LOCAL_ACCOUNT_SID,
            auth_token=LOCAL_AUTH_TOKEN,
            owned_numbers=owned,
            # As infra/ops/point_twilio.py configures a real number: retries asked for in
            # the URL's fragment, then the fallback URL that keeps the request for replay.
            sms_webhook_url=f"{self.app_url}/webhooks/twilio/sms{CONNECTION_OVERRIDES}",
            sms_fallback_url=f"{self.app_url}/webhooks/twilio/fallback",
            host="127.0.0.1",
            port=self.twilio_port,
            callback_delay=self.callback_delay,
        ).start()
        if self.live_updates:
            self._start_websockets()
        self._set_app_environment(jurisdiction, self.app_url)
        if self.app_server is not None:
            self.app_server.start(dict(os.environ))  # workers load the app while we seed
        if self.seed:
            self._seed()
        if self.app_server is not None:
            self.app_server.wait_until_warm()
        if self.live_updates:
            self._follow_streams()
        if self.run_schedules or self.consume_queues:
            self._run_event_sources()
        return self

    def _start_websockets(self) -> None:
        """API Gateway's WebSocket API on its own port; pages learn its URL from the app."""
        import app as app_module
        from infra.local.websocket_gateway import LocalWebSocketGateway

        self.websockets = LocalWebSocketGateway(
            app_module.app, "127.0.0.1", self.websocket_port
        ).start()
        self.websocket_port = self.websockets.port
        os.environ.update(
            WEBSOCKET_URL=self.websockets.url, WEBSOCKET_PUSH_URL=self.websockets.push_url
        )

    def _follow_streams(self) -> None:
        """Lambda's DynamoDB-stream event sources: changes reach open pages through them."""
        import app as app_module
        from infra.local.stream_source import LocalStreamSource

        gateway = self.websockets
        assert gateway is not None, "the WebSocket gateway starts first"
        self.streams = LocalStreamSource(
            app_module.app,
            self.prefix,
            listening=lambda: gateway.open_sockets > 0,
            switched_on=self.run_schedules,  # make run counts and links; tests ask
        ).start()
        gateway.on_first_page = self.streams.resume

    def _run_event_sources(self) -> None:
        """What EventBridge and Lambda's SQS pollers do in AWS, in this process."""
        import app as app_module
        from infra.local.scheduler import LocalScheduler
        from infra.local.sqs_source import LocalSqsSource

        assert self.resources is not None, "start() creates them first"
        if self.run_schedules:
            self.scheduler = LocalScheduler(app_module, self.schedule_seconds).start()
        if self.consume_queues:
            from infra.package.queues import REPORTS_ITEM_FAILURES

            queues = self.resources.event_source_queues()
            self.queues = LocalSqsSource(
                app_module.app, queues, ROOT, item_failures=REPORTS_ITEM_FAILURES
            ).start()

    def _write_jurisdiction(self, jurisdiction: dict) -> Path:
        """The demo jurisdiction with this stack's URL, in a file of this stack's own: the app
        reads it from ``JURISDICTION_FILE`` as a deployed one reads the file in its zip."""
        self.jurisdiction_dir = Path(tempfile.mkdtemp(prefix="clientcomm-jurisdiction-"))
        path = self.jurisdiction_dir / "jurisdiction.json"
        path.write_text(json.dumps(jurisdiction, ensure_ascii=False), encoding="utf-8")
        return path

    def _set_app_environment(self, jurisdiction: dict, public_base_url: str) -> None:
        jurisdiction = {**jurisdiction, "public_base_url": public_base_url}
        assert self.resources is not None and self.twilio is not None, "start() sets them"
        os.environ.update(
            STAGE="local",
            TABLE_PREFIX=self.prefix,
            COGNITO_USER_POOL_ID=self.resources.user_pool_id,
            COGNITO_CLIENT_ID=self.resources.user_pool_client_id,
            MEDIA_BUCKET=self.resources.media_bucket,
            FALLBACK_QUEUE_URL=self.resources.fallback_queue_url,
            SEND_QUEUE_URL=self.resources.send_queue_url,
            STATUS_QUEUE_URL=self.resources.status_queue_url,
            MEDIA_COPY_QUEUE_URL=self.resources.media_copy_queue_url,
            COOKIE_SECURE="false",
            SESSION_SECRET=secrets.token_urlsafe(32),
            PUBLIC_BASE_URL=public_base_url,
            JURISDICTION_FILE=str(self._write_jurisdiction(jurisdiction)),
            TWILIO_ACCOUNT_SID=LOCAL_ACCOUNT_SID,
            TWILIO_AUTH_TOKEN=LOCAL_AUTH_TOKEN,
            TWILIO_API_BASE_URL=self.twilio.base_url,
            NOTIFY_FROM_EMAIL=NOTIFY_FROM,
            POWERTOOLS_METRICS_DISABLED=os.environ.get("POWERTOOLS_METRICS_DISABLED", "true"),
            # As a deployed stack does: its jurisdiction's own namespace.
            POWERTOOLS_METRICS_NAMESPACE=metrics_namespace(jurisdiction["name"]),
            POWERTOOLS_LOG_LEVEL=os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
        )

    def _bind_app(self) -> None:
        """Bind the app's port first: the fake Twilio must know where to post inbound texts."""
        from infra.local.gateway import LocalApiGateway

        gateway = LocalApiGateway("127.0.0.1", self.app_port, ROOT, max_workers=self.max_workers)
        self.app_port = gateway.port
        self.app_url = gateway.url
        self.app_server = gateway

    def _seed(self) -> None:
        from datetime import UTC, datetime

        from chalicelib import bootstrap
        from chalicelib.config import get_jurisdiction, get_settings
        from infra.local import seed

        assert self.resources is not None, "start() creates them first"
        stores = bootstrap.stores()
        seed.create_staff(self.resources.user_pool_id, REGION, stores.users)
        self.client_count = seed.create_clients(
            stores.clients, stores.conversations, unread_state=stores.unread
        )
        seed.create_appointments(
            stores.clients, stores.appointments, stores.department_texts, get_jurisdiction()
        )
        seed.create_saved_replies(stores.saved_replies)
        seed.create_groups(stores.clients, stores.groups)
        now = datetime.now(UTC)  # the dashboard's seeded history and Dana's weekly e-mail
        seed.create_dashboard_history(stores, get_jurisdiction(), now)
        settings = get_settings()
        seed.mail_last_week(
            stores, bootstrap.email(settings), get_jurisdiction(), settings.public_base_url, now
        )

    def stop(self) -> None:
        if self.streams is not None:
            self.streams.stop()
        if self.websockets is not None:
            self.websockets.stop()
        if self.scheduler is not None:
            self.scheduler.stop()
        if self.queues is not None:
            self.queues.stop()
        if self.app_server is not None:
            self.app_server.stop()
        if self.twilio is not None:
            self.twilio.stop()
        if self.moto is not None:
            self.moto.stop()
        if self.jurisdiction_dir is not None:
            shutil.rmtree(self.jurisdiction_dir, ignore_errors=True)

    def banner(self) -> str:
        from infra.local import seed

        assert self.twilio is not None, "start() first"
        every = f"at least every {self.schedule_seconds:g} s" if self.schedule_seconds else ""
        indent = "\n" + " " * 25
        jobs = indent.join(self.scheduler.describe()) if self.scheduler else "not run"
        consumers = (
            indent.join(b.describe() for b in self.queues.bindings) if self.queues else "not run"
        )
        readers = (
            indent.join(
                f"{b.name} <- {b.table_name}, batches of up to {b.batch_size}"
                for b in self.streams.bindings
            )
            if self.streams
            else "not run"
        )
        per_day = os.environ.get("REMINDER_MINUTES_PER_DAY")
        reminders = (
            f'REMINDER_MINUTES_PER_DAY={per_day}: "7 days before" goes {7 * int(per_day)} '
            "minutes before"
            if per_day
            else "at their real offsets (days)"
        )
        staff = "\n".join(
            f"    {u.username:<10} {u.name:<18} {u.role.label:<13} {u.department}"
            for u in seed.DEMO_USERS
        )
        return f"""
ClientComm is running locally.

  App (sign in here)     {self.app_url}
                         each request in a worker process, up to {self.max_workers} at once
                         (LOCAL_MAX_WORKERS), as Lambda containers behind API Gateway
  Phone simulator        {self.twilio.base_url}/
  Local AWS (moto)       {os.environ["AWS_ENDPOINT_URL"]}
  Pushed updates         {self.websockets.url if self.websockets else "off"} (WEBSOCKET_PORT)
                         as API Gateway's WebSocket API; DynamoDB streams fan out to it

  Demo logins (password for all: {seed.DEMO_PASSWORD})
{staff}
    newhire    first sign-in: temporary password {seed.NEW_HIRE_TEMPORARY_PASSWORD}

  Local Twilio account   SID {LOCAL_ACCOUNT_SID}
                         auth token {LOCAL_AUTH_TOKEN}
  Scheduled jobs         as EventBridge would, {every or "at their declared rates"}
                         (LOCAL_SCHEDULE_SECONDS; 0 = declared rates):
                         {jobs}
  Queue consumers        as Lambda's SQS event sources would:
                         {consumers}
  Stream consumers       as Lambda's DynamoDB stream event sources would (the pushes
                         read while a page is open; the mass-text fan-out always):
                         {readers}
  Appointment reminders  {reminders}
  E-mail goes to moto's SES: {os.environ["AWS_ENDPOINT_URL"]}/moto-api/
  {self.client_count} demo clients. Ctrl-C stops everything.
"""


def main() -> None:
    from infra.local.scheduler import local_schedule_seconds

    try:
        schedule_seconds = local_schedule_seconds(os.environ)
    except ValueError as exc:
        raise SystemExit(str(exc)) from exc
    # a reminder "7 days before" goes 7 minutes before, so trying one takes minutes
    os.environ.setdefault("REMINDER_MINUTES_PER_DAY", "1")
    stack = LocalStack(
        app_port=int(os.environ.get("PORT", "8000")),
        twilio_port=int(os.environ.get("TWILIO_PORT", "8001")),
        moto_port=int(os.environ.get("MOTO_PORT", "8002")),
        websocket_port=int(os.environ.get("WEBSOCKET_PORT", "8003")),
        run_schedules=True,
        schedule_seconds=schedule_seconds,
        consume_queues=True,
    )
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, or a polite kill
        signal.signal(signum, lambda *_: stopped.set())
    try:
        try:
            stack.start()
        except RuntimeError:
            if not stopped.is_set():
                raise
            return  # Ctrl-C while starting also reached the workers still loading the app
        print(stack.banner(), flush=True)
        while not stopped.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        raise SystemExit(
            f"Could not start: {exc}. Is another `make run` using the ports? "
            "Set PORT, TWILIO_PORT, MOTO_PORT and WEBSOCKET_PORT to free ones."
        ) from exc
    finally:
        stack.stop()
        print("Stopped.", flush=True)


if __name__ == "__main__":
    main()
