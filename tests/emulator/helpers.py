"""Helpers shared by the model, dataset, LoRA, evaluator, secret, user and API-key emulator tests."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Optional

import fireworks
import httpx
import pytest
import uvicorn

from pulumi_fireworks.emulator.app import Emulator
from pulumi_fireworks.emulator.server import Server, bind
from tests.support.content import LLAMA, QWEN

#: A seeded base model without a serverless deployment.
NON_SERVERLESS_BASE = QWEN


def raw(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call an SDK ``with_raw_response`` method; return the raw JSON body (after checking
    that the SDK's own lenient parse accepts it too)."""
    response = call(*args, **kwargs)
    response.parse()
    return response.http_response.json()


def api_error(exc_info: pytest.ExceptionInfo[fireworks.APIStatusError]) -> tuple[int, int, str]:
    """(HTTP status, gRPC code, message) of an SDK error."""
    body = exc_info.value.body
    assert isinstance(body, dict), body
    return exc_info.value.status_code, body["code"], body["message"]


def put_file(url: str, data: bytes, *, declared: Optional[int] = None,
             headers: Optional[Mapping[str, str]] = None) -> httpx.Response:
    """PUT to a signed URL the way the SDK helper and firectl do (no Fireworks key)."""
    size = len(data) if declared is None else declared
    sent = {"Content-Type": "application/octet-stream", "X-Goog-Content-Length-Range": f"{size},{size}"}
    if headers is not None:
        sent = dict(headers)
    return httpx.put(url, content=data, headers=sent, timeout=30)


def upload_model_files(sdk: fireworks.Fireworks, model_id: str, files: Mapping[str, bytes]) -> dict[str, str]:
    """getUploadEndpoint + one PUT per file; returns the signed URLs."""
    endpoint = sdk.models.get_upload_endpoint(model_id, filename_to_size={n: str(len(b)) for n, b in files.items()})
    urls = endpoint.filename_to_signed_urls or {}
    assert set(urls) == set(files)
    for name, data in files.items():
        response = put_file(urls[name], data)
        assert response.status_code == 200, response.text
    return urls


ADAPTER_FILES = {
    "adapter_config.json": b'{"r": 8, "target_modules": ["q_proj", "v_proj"]}',
    "adapter_model.safetensors": b"\0" * 2048,
}

BASE_MODEL_FILES = {
    "config.json": b'{"model_type": "llama", "hidden_size": 64}',
    "model.safetensors": b"\1" * 4096,
    "tokenizer_config.json": b'{"chat_template": "{{ messages }}"}',
    "tokenizer.json": b'{"version": "1.0"}',
}


def lora_spec(base: str = LLAMA, r: int = 8) -> dict[str, Any]:
    return {"kind": "HF_PEFT_ADDON", "peft_details": {"base_model": base, "r": r, "target_modules": ["q_proj", "v_proj"]}}


def ready_lora(sdk: fireworks.Fireworks, model_id: str, base: str = LLAMA) -> str:
    """Create, upload and validate a LoRA addon; returns its resource name."""
    model = sdk.models.create(model_id=model_id, model=lora_spec(base))  # type: ignore[arg-type]
    upload_model_files(sdk, model_id, ADAPTER_FILES)
    for _ in range(20):  # files "land" after a counted number of validations (uploadLandingChecks)
        try:
            sdk.models.validate_upload(model_id)
            break
        except fireworks.BadRequestError as exc:
            if "still landing" not in str(exc):
                raise
    else:
        raise AssertionError(f"{model_id}: the files never landed")
    assert model.name
    return model.name


def inline_evaluator(sdk: fireworks.Fireworks, evaluator_id: str, code: str = "def score(row):\n    return 1.0\n",
                     **fields: Any) -> str:
    """Create an evaluator whose code (``reward.py::score``) comes inline; returns its name.
    Good code builds to ACTIVE by its first use (the default lifecycle timing)."""
    snippets = {"language": "python", "entry_file": "reward.py", "entry_func": "score",
                "file_contents": {"reward.py": code}}
    evaluator = {"criteria": [{"name": "reward", "type": "CODE_SNIPPETS", "code_snippets": snippets}], **fields}
    created = sdk.evaluators.create(evaluator_id=evaluator_id, evaluator=evaluator)  # type: ignore[arg-type]
    assert created.name
    return created.name


# -- TLS: the SDK's dataset helper only PUTs to https URLs --------------------------------------


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1 (skips the test if openssl is missing)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to serve the emulator over https")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


@contextlib.contextmanager
def serve_tls(app: Emulator, cert: Path, key: Path) -> Iterator[str]:
    """Serve ``app`` (the same emulator state) over https on another loopback port."""
    server = Server(app, bind(0))
    server.config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                                   ssl_certfile=str(cert), ssl_keyfile=str(key))
    url = server.url.replace("http://", "https://")
    thread = threading.Thread(target=server.serve_forever, name="fireworks-emulator-tls", daemon=True)
    thread.start()
    try:
        assert server.ready.wait(30) and server.started, "the TLS emulator did not start"
        yield url
    finally:
        server.should_exit = True
        thread.join(30)
