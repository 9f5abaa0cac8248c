"""Upload of a large checkpoint to the emulator: throughput and the provider's peak memory,
next to a plain streaming httpx PUT of the same file.

    python benchmarks/upload_throughput.py [--sizes 256M,2G] [--dir /tmp]

For each size, a checkpoint folder (``config.json``, tokenizer files and one
``model.safetensors`` of that size) is written to a temporary directory (deleted
afterwards), and two measurements run, each in a fresh subprocess whose peak resident
memory (``ru_maxrss``) is reported:

* **plain PUT**: create a model, ``:getUploadEndpoint`` for the weights, one httpx
  ``PUT`` streaming the file in 1 MiB chunks: the floor any client pays.
* **provider**: what ``pulumi up`` runs in the dynamic provider: ``check`` (reads and
  hashes every file, the preview's work), then ``create`` (create, sign, stream every
  file while hashing it again to compare with the plan, validate, wait for READY).

The emulator runs in its own process (``python -m pulumi_fireworks.emulator``), so client
and server do not share a GIL; both measurements pay the same server. Not a test: CI never
runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

KEY = "bench-key"
ACCOUNT = "bench"
UNITS = {"K": 1024, "M": 1024**2, "G": 1024**3}

PLAIN = textwrap.dedent(
    """
    import json, resource, sys, time
    import httpx

    url, path, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    api = httpx.Client(base_url=f"{url}/v1/accounts/bench", headers={"Authorization": "Bearer bench-key"}, timeout=600)
    spec = {"kind": "HF_BASE_MODEL", "baseModelDetails": {"checkpointFormat": "HUGGINGFACE"}}
    api.post("/models", json={"modelId": "plain", "model": spec}).raise_for_status()
    urls = api.post("/models/plain:getUploadEndpoint", json={"filenameToSize": {"model.safetensors": str(size)}})
    target = urls.raise_for_status().json()["filenameToSignedUrls"]["model.safetensors"]

    def chunks():
        with open(path, "rb") as stream:
            while chunk := stream.read(1024 * 1024):
                yield chunk

    started = time.perf_counter()
    with httpx.Client(timeout=600) as http:
        http.put(target, content=chunks(), headers={
            "Content-Type": "application/octet-stream", "Content-Length": str(size),
            "X-Goog-Content-Length-Range": f"{size},{size}"}).raise_for_status()
    seconds = time.perf_counter() - started
    api.delete("/models/plain").raise_for_status()
    print(json.dumps({"upload": seconds, "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
    """
)

PROVIDER = textwrap.dedent(
    """
    import json, os, resource, sys, time
    from pulumi.dynamic import ConfigureRequest
    from pulumi_fireworks._engine import FireworksProvider

    folder = sys.argv[1]
    provider = FireworksProvider("Model")
    provider.configure(ConfigureRequest({}))
    news = {"source": folder, "kind": "HF_BASE_MODEL", "model_id": "provider", "__name": "bench"}
    started = time.perf_counter()
    checked = provider.check({}, news)
    assert not checked.failures, checked.failures
    hashed = time.perf_counter()
    created = provider.create(checked.inputs)
    done = time.perf_counter()
    assert created.outs["state"] == "READY"
    provider.delete(created.id, created.outs)
    print(json.dumps({"check": hashed - started, "create": done - hashed,
                      "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
    """
)


def parse_size(text: str) -> int:
    match = re.fullmatch(r"(\d+)([KMG]?)", text.strip().upper())
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 256M, 2G)")
    return int(match[1]) * UNITS.get(match[2], 1)


def write_checkpoint(folder: Path, size: int) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model_type": "llama", "hidden_size": 4096}))
    (folder / "tokenizer_config.json").write_text('{"chat_template": "{{ messages }}"}')
    (folder / "tokenizer.json").write_text('{"version": "1.0"}')
    block = os.urandom(8 * 1024 * 1024)
    weights = folder / "model.safetensors"
    with open(weights, "wb") as out:
        left = size
        while left:
            out.write(block[: min(left, len(block))])
            left -= min(left, len(block))
    return weights


def run(script: str, *args: str, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", script, *args], env=env, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def start_emulator() -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "pulumi_fireworks.emulator", "--port", "0", "--api-key", KEY, "--account-id", ACCOUNT],
        stdout=subprocess.PIPE, text=True,
    )
    assert server.stdout is not None
    line = server.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+", line)
    if not match:
        server.kill()
        raise SystemExit(f"the emulator did not start: {line!r}")
    return server, match[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="256M,2G", help="comma-separated file sizes (default: 256M,2G)")
    parser.add_argument("--dir", default=None, help="where to write the temporary checkpoints (default: $TMPDIR)")
    args = parser.parse_args()
    sizes = [parse_size(s) for s in args.sizes.split(",")]

    server, url = start_emulator()
    env = {**os.environ, "FIREWORKS_BASE_URL": url, "FIREWORKS_API_KEY": KEY, "FIREWORKS_ACCOUNT_ID": ACCOUNT,
           "PULUMI_FIREWORKS_DIGEST_CACHE": "off"}
    rows = []
    try:
        for size in sizes:
            scratch = Path(tempfile.mkdtemp(prefix="fw-upload-bench-", dir=args.dir))
            try:
                weights = write_checkpoint(scratch / "checkpoint", size)
                plain = run(PLAIN, url, str(weights), str(size), env=env)
                ours = run(PROVIDER, str(scratch / "checkpoint"), env=env)
            finally:
                shutil.rmtree(scratch)
            rows.append((size, plain, ours))
    finally:
        server.terminate()
        server.wait(timeout=30)

    mib = 1024 * 1024
    print(f"{'file':>8}  {'plain PUT':>10}  {'provider create':>15}  {'ratio':>5}  {'check (hash)':>12}  "
          f"{'peak RSS plain':>14}  {'peak RSS provider':>17}")
    for size, plain, ours in rows:
        plain_rate, ours_rate = size / mib / plain["upload"], size / mib / ours["create"]
        print(f"{size / mib:>6.0f}Mi  {plain_rate:>6.0f}MiB/s  {ours_rate:>11.0f}MiB/s  {plain_rate / ours_rate:>5.2f}  "
              f"{ours['check']:>11.1f}s  {plain['peak_kib'] / 1024:>11.0f}MiB  {ours['peak_kib'] / 1024:>14.0f}MiB")
    print(f"(at {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs; ratio = plain throughput / provider throughput)")


if __name__ == "__main__":
    main()
