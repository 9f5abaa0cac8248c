"""AWS served on loopback by moto for tests: a shared state backend (S3, one bucket per test),
and the server the test stacks' KMS key lives on (tests/support/engine.loopback_kms).

The login URL is the form Pulumi 3.274 (AWS SDK v2) takes cleanly for an S3-compatible
store: ``endpoint`` and path-style addressing, a region, and checksums only when required
(the docs still show the v1-era ``disableSSL``/``s3ForcePathStyle``). Any key pair works.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import logging

import boto3
from moto.server import ThreadedMotoServer

BUCKET = "team-pulumi-state"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-team", "AWS_SECRET_ACCESS_KEY": "test-team-secret", "AWS_REGION": "us-east-1"}


@dataclass(frozen=True)
class S3Backend:
    url: str
    endpoint: str

    @property
    def env(self) -> dict[str, str]:
        """What a `pulumi` process needs to use this backend."""
        return {"PULUMI_BACKEND_URL": self.url, **CREDENTIALS}

    def client(self) -> Any:
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"])

    def keys(self, prefix: str = "") -> list[str]:
        """Every object key in the bucket under ``prefix``."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        return bytes(self.client().get_object(Bucket=BUCKET, Key=key)["Body"].read())


def moto_server() -> tuple[ThreadedMotoServer, str]:
    """A started moto server (every AWS service it emulates) on a free loopback port, and its
    endpoint; the caller stops it."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    return server, f"http://127.0.0.1:{server.get_host_and_port()[1]}"


@contextmanager
def s3_backend() -> Iterator[S3Backend]:
    """An S3 server on a free loopback port, with an empty state bucket."""
    server, endpoint = moto_server()
    try:
        url = (f"s3://{BUCKET}?endpoint={endpoint}&use_path_style=true&region=us-east-1"
               "&response_checksum_validation=when_required")
        backend = S3Backend(url, endpoint)
        backend.client().create_bucket(Bucket=BUCKET)
        yield backend
    finally:
        server.stop()
