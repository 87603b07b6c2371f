"""A moto server in a process of its own, for commands run as ops run them.

The session's local stack serves moto on one thread at a time for every test; a deploy
uploads a 34 MB zip and makes stacks, so it gets its own server, and the commands reach it
through ``AWS_ENDPOINT_URL`` as they would reach AWS through a profile.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import boto3

REGION = "us-west-2"
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def moto_server(module: str = "moto.server") -> Iterator[str]:
    """Its endpoint URL, once it answers; stopped afterwards. ``module`` runs the server (a
    variant of moto's, such as moto_gaps_server)."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and moto
        [sys.executable, "-m", module, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_answering(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"moto server at {url} did not answer in {START_SECONDS} s")


def aws_environment(endpoint: str) -> dict[str, str]:
    """This process's environment, with AWS pointed at ``endpoint`` and nothing else of AWS's
    (the session's stack sets its own endpoint in os.environ)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
    )
    return env


def client(service: str, endpoint: str, region: str = REGION):
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def new_bucket(endpoint: str, name: str, region: str = REGION) -> str:
    client("s3", endpoint, region).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": region}
    )
    return name
