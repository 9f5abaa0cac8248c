"""``pulumi-resource-fireworks ENGINE_ADDRESS``: serve the provider plugin (the engine starts it).

Prints the port it listens on, as the engine expects, then serves until the engine ends it.
"""

from __future__ import annotations

import asyncio
import sys
from importlib import metadata

import grpc.aio
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2_grpc

from .provider import FireworksServicer


def version() -> str:
    try:
        return metadata.version("pulumi-fireworks")
    except metadata.PackageNotFoundError:
        return "0.0.0"


async def serve() -> None:
    server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(FireworksServicer(version()), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    await server.wait_for_termination()


def run() -> None:
    """The console script's entry point (the engine passes its address; it is not needed)."""
    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    run()
