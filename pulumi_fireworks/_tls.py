"""One TLS context per process, shared by every HTTP client of the provider.

Why: building a context reads the whole CA bundle, 20-40 ms of CPU each time. The
dynamic provider unpickles a fresh provider (and so a fresh client) for every call the
engine makes, and a stack makes hundreds. The context is built the way httpx builds its
default one (``SSL_CERT_FILE``/``SSL_CERT_DIR``, else certifi's bundle), once, when the
first client is made; an ``SSLContext`` may be shared between threads and clients.
"""

from __future__ import annotations

import functools
import ssl

import httpx

__all__ = ["tls_context"]


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The verified client context every ``httpx.Client`` of this process is given."""
    return httpx.create_ssl_context()
