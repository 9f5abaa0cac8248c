"""Sending files to signed URLs: streamed with a declared length, retried, re-signed when
URLs expire, refused to non-https hosts, and checked against the planned digest.

Against the emulator (its signed URLs behave like GCS's: they expire, die when re-signed,
and answer errors in XML), except where a mock transport shows what goes on the wire."""

from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping

import httpx
import pytest

from pulumi_fireworks._content import CHUNK_SIZE, LocalFile, memory_file
from pulumi_fireworks._uploads import RESIGN_AFTER, SignedUrls, StepFailed, check_url, put_all
from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.support.content import LLAMA, sha256

ADAPTER = {"adapter_config.json": b'{"r": 8, "target_modules": ["q_proj"]}', "adapter_model.safetensors": b"\0" * 5000}


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    base = f"{emulator.url}/v1/accounts/{emulator.account_id}"
    with emulator.client(base_url=base) as client:
        yield client


def files_of(contents: Mapping[str, bytes]) -> list[LocalFile]:
    return [memory_file(name, data, name) for name, data in contents.items()]


def signer(api: httpx.Client, path: str, contents: Mapping[str, bytes], calls: list[int]) -> Callable[[], Mapping[str, str]]:
    def sign() -> Mapping[str, str]:
        calls.append(1)
        sizes = {name: str(len(data)) for name, data in contents.items()}
        body = api.post(f"{path}:getUploadEndpoint", json={"filenameToSize": sizes}).raise_for_status().json()
        return dict(body["filenameToSignedUrls"])

    return sign


def new_model(api: httpx.Client, model_id: str = "m") -> str:
    spec = {"kind": "HF_PEFT_ADDON", "peftDetails": {"baseModel": LLAMA, "r": 8, "targetModules": ["q_proj"]}}
    api.post("/models", json={"modelId": model_id, "model": spec}).raise_for_status()
    return f"/models/{model_id}"


def received(emulator: RunningEmulator, name: str) -> dict[str, str]:
    record = emulator.admin.get_resource(f"accounts/{emulator.account_id}/{name}", record=True)
    return {file: meta["sha256"] for file, meta in record["meta"]["upload"]["files"].items()}


def expected(contents: Mapping[str, bytes]) -> dict[str, str]:
    return {name: sha256(data) for name, data in contents.items()}


def test_files_arrive_byte_for_byte_and_the_model_validates(emulator: RunningEmulator, api: httpx.Client) -> None:
    path = new_model(api)
    urls = SignedUrls(signer(api, path, ADAPTER, []), ADAPTER, forgets_uploaded=False)
    put_all(files_of(ADAPTER), urls, expected(ADAPTER))
    assert received(emulator, "models/m") == expected(ADAPTER)
    api.get(f"{path}:validateUpload").raise_for_status()


def test_expired_urls_are_signed_again(emulator: RunningEmulator, api: httpx.Client) -> None:
    path, calls = new_model(api), []
    urls = SignedUrls(signer(api, path, ADAPTER, calls), ADAPTER, forgets_uploaded=False)
    emulator.admin.advance_clock(3601)  # the emulator's URLs live an hour, like the service's
    put_all(files_of(ADAPTER), urls, expected(ADAPTER), workers=1)
    assert len(calls) == 2  # one refusal (400 ExpiredToken), one new signing, every file then went
    assert received(emulator, "models/m") == expected(ADAPTER)


def test_urls_older_than_45_minutes_are_signed_again_before_a_file_starts(api: httpx.Client) -> None:
    now = [0.0]
    calls: list[int] = []
    urls = SignedUrls(signer(api, new_model(api), ADAPTER, calls), ADAPTER, forgets_uploaded=False, clock=lambda: now[0])
    urls.current("adapter_config.json")
    now[0] = RESIGN_AFTER + 1
    _, version = urls.current("adapter_config.json")
    assert (len(calls), version) == (2, 2)


def test_a_dataset_that_forgets_uploads_on_re_signing_gets_every_shard_again(
    emulator: RunningEmulator, api: httpx.Client
) -> None:
    shards = {"a.jsonl": b'{"x": 1}\n', "b.jsonl": b'{"x": 2}\n'}
    api.post("/datasets", json={"datasetId": "d", "dataset": {"userUploaded": {}, "exampleCount": "2"}}).raise_for_status()
    emulator.admin.add_fault(method="PUT", path="/emulator/uploads/*/b.jsonl", times=1,
                             action={"type": "error", "status": 403, "message": "expired"})
    calls: list[int] = []
    urls = SignedUrls(signer(api, "/datasets/d", shards, calls), shards, forgets_uploaded=True)
    put_all(files_of(shards), urls, expected(shards), workers=1)
    assert len(calls) == 2 and received(emulator, "datasets/d") == expected(shards)
    api.post("/datasets/d:validateUpload", json={}).raise_for_status()


def test_a_file_failing_for_good_is_named_after_its_attempts(emulator: RunningEmulator, api: httpx.Client) -> None:
    emulator.admin.add_fault(method="PUT", path="/emulator/uploads/*/adapter_model.safetensors",
                             action={"type": "error", "status": 503, "retryAfter": 0.25})
    path = new_model(api)
    urls = SignedUrls(signer(api, path, ADAPTER, []), ADAPTER, forgets_uploaded=False)
    waits: list[float] = []
    with pytest.raises(StepFailed) as failure:
        put_all(files_of(ADAPTER), urls, expected(ADAPTER), sleep=waits.append)
    assert failure.value.step == "upload of adapter_model.safetensors"
    assert "PUT answered 503 ServiceUnavailable" in failure.value.detail and "after 6 attempts" in failure.value.detail
    assert waits == [0.25] * 5  # Retry-After honoured between attempts


def test_refusals_that_retrying_cannot_fix_fail_at_once(emulator: RunningEmulator, api: httpx.Client) -> None:
    emulator.admin.add_fault(method="PUT", path="/emulator/uploads/*", action={"type": "error", "status": 400})
    urls = SignedUrls(signer(api, new_model(api), ADAPTER, []), ADAPTER, forgets_uploaded=False)
    waits: list[float] = []
    with pytest.raises(StepFailed, match="PUT answered 400 InvalidArgument"):
        put_all(files_of(ADAPTER), urls, expected(ADAPTER), sleep=waits.append)
    assert waits == []


def test_bytes_that_differ_from_the_plan_are_reported(api: httpx.Client) -> None:
    urls = SignedUrls(signer(api, new_model(api), ADAPTER, []), ADAPTER, forgets_uploaded=False)
    planned = {**expected(ADAPTER), "adapter_model.safetensors": sha256(b"what was reviewed")}
    with pytest.raises(StepFailed, match="changed after the preview"):
        put_all(files_of(ADAPTER), urls, planned)


@pytest.mark.parametrize("url,allowed", [
    ("https://storage.googleapis.com/b/o?X-Goog-Signature=1", True),
    ("http://127.0.0.1:8080/emulator/uploads/t", True),
    ("http://localhost/u", True),
    ("http://[::1]/u", True),
    ("http://storage.example.com/b/o", False),
    ("ftp://127.0.0.1/u", False),
])
def test_files_go_to_https_or_to_this_machine_only(url: str, allowed: bool) -> None:
    if allowed:
        check_url("f", url)
    else:
        with pytest.raises(StepFailed, match="not https"):
            check_url("f", url)


def test_a_missing_url_is_named() -> None:
    with pytest.raises(StepFailed, match="no upload URL was given for b.bin"):
        SignedUrls(lambda: {"a.bin": "https://x/a"}, ["a.bin", "b.bin"], forgets_uploaded=False)


class CountingReads:
    """A file whose reads are counted (to see it streamed, not read whole)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.reads, self.offset = data, 0, 0

    def read(self, size: int, /) -> bytes:
        self.reads += 1
        chunk = self.data[self.offset : self.offset + size]
        self.offset += len(chunk)
        return chunk

    def close(self) -> None:
        pass

    def __enter__(self) -> "CountingReads":
        return self

    def __exit__(self, *exc: Any) -> None:
        pass


def test_a_file_is_streamed_in_chunks_with_its_length_declared() -> None:
    data = b"\5" * (CHUNK_SIZE * 2 + 10)
    stream = CountingReads(data)
    file = LocalFile("big.bin", len(data), "big.bin", lambda: stream)
    seen: list[httpx.Request] = []

    def storage(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        assert sum(len(chunk) for chunk in request.stream) == len(data)  # type: ignore[union-attr]
        return httpx.Response(200)

    urls = SignedUrls(lambda: {"big.bin": "https://storage.example/big"}, ["big.bin"], forgets_uploaded=False)
    with httpx.Client(transport=httpx.MockTransport(storage)) as http:
        put_all([file], urls, {"big.bin": sha256(data)}, http=http)
    [request] = seen
    assert request.headers["content-length"] == str(len(data)) and "transfer-encoding" not in request.headers
    assert request.headers["x-goog-content-length-range"] == f"{len(data)},{len(data)}"
    assert request.headers["content-type"] == "application/octet-stream" and "authorization" not in request.headers
    assert stream.reads == 4  # three chunks and the end: never the whole file at once


# -- what an interrupted earlier run left under the same derived id ---------------------------


def provider_for(emulator: RunningEmulator, type_name: str) -> Any:
    from pulumi_fireworks._config import Settings
    from pulumi_fireworks._engine import FireworksProvider
    from pulumi_fireworks._http import Client

    provider = FireworksProvider(type_name)
    provider._http_client = Client(Settings(api_key=emulator.api_key, base_url=emulator.url,
                                            account_id=emulator.account_id))
    return provider


@pytest.mark.parametrize("left_behind", ["being validated", "READY"])
def test_an_object_left_by_an_interrupted_run_is_finished_not_uploaded_twice(
    emulator: RunningEmulator, api: httpx.Client, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, left_behind: str
) -> None:
    from tests.support.content import write_files

    monkeypatch.chdir(tmp_path)
    write_files(tmp_path, {f"lora/{name}": data for name, data in ADAPTER.items()})
    provider = provider_for(emulator, "Model")
    checked = provider.check({}, {"source": "lora", "base_model": LLAMA, "__name": "lora", "__urn": "urn:lora"})
    model_id = checked.inputs["model_id"]
    # The earlier run: created, uploaded and validated; its validation still running (or done).
    path = new_model(api, model_id)
    urls = SignedUrls(signer(api, path, ADAPTER, []), ADAPTER, forgets_uploaded=False)
    put_all(files_of(ADAPTER), urls, expected(ADAPTER))
    if left_behind == "being validated":
        emulator.admin.add_lifecycle_rule(collection="models", states=["UPLOADING"], timing={"reads": 2})
    api.get(f"{path}:validateUpload").raise_for_status()
    emulator.admin.clear_requests()

    created = provider.create(checked.inputs)  # 409, taken over (the id is this resource's), finished
    assert created.id == model_id and created.outs["state"] == "READY"
    calls = [(r["method"], r["path"].rsplit("/", 1)[-1], r["status"]) for r in emulator.admin.requests()]
    assert ("GET", f"{model_id}:validateUpload", 200) not in calls  # nothing uploaded or validated again
    refused = ("POST", f"{model_id}:getUploadEndpoint", 400)  # "being validated": no more files taken
    assert (refused in calls) == (left_behind == "being validated")
    assert received(emulator, f"models/{model_id}") == expected(ADAPTER)
