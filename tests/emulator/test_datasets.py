"""Datasets: conformance, both upload paths (multipart and signed URLs via the SDK's own
helper), and the rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import fireworks
import httpx
import pytest
from fireworks import Fireworks
from fireworks.lib.dataset_upload import count_dataset_examples, upload_dataset_shards
from fireworks.types import Dataset, DatasetGetUploadEndpointResponse, DatasetUploadResponse

from pulumi_fireworks.emulator.testing import RunningEmulator

from .helpers import api_error, put_file, raw, self_signed_cert, serve_tls
from .strict import assert_sdk_parses

ROWS = b'{"messages": [{"role": "user", "content": "hi"}]}\n' * 3

UPLOADED = {"user_uploaded": {}, "example_count": "3", "format": "CHAT"}


def test_every_dataset_method_through_the_sdk(sdk: Fireworks) -> None:
    d = sdk.datasets.with_raw_response
    created = assert_sdk_parses(Dataset, raw(d.create, dataset_id="chat", dataset={**UPLOADED, "display_name": "C"}))
    assert created.state == "UPLOADING" and created.example_count == "3"
    assert created.name == "accounts/my-account/datasets/chat"

    body = raw(d.upload, "chat", file=("train.jsonl", ROWS))
    assert set(body) == {"id", "object", "bytes", "created_at", "filename", "purpose"}  # snake_case on the wire
    uploaded = assert_sdk_parses(DatasetUploadResponse, body)
    assert (uploaded.id, uploaded.object, uploaded.bytes, uploaded.filename) == ("chat", "file", len(ROWS),
                                                                                  "train.jsonl")
    assert uploaded.created_at and uploaded.purpose

    got = assert_sdk_parses(Dataset, raw(d.get, "chat"))
    assert got.state == "READY" and got.status and got.status.code == "OK"

    updated = assert_sdk_parses(Dataset, raw(d.update, "chat", display_name="Renamed"))
    assert updated.display_name == "Renamed" and updated.example_count == "3" and updated.format == "CHAT"

    listed = raw(d.list)
    assert [i["name"] for i in listed["datasets"]] == [created.name]
    for item in listed["datasets"]:
        assert_sdk_parses(Dataset, item)

    sdk.datasets.create(dataset_id="shards", dataset=UPLOADED)  # type: ignore[arg-type]
    endpoint = assert_sdk_parses(
        DatasetGetUploadEndpointResponse,
        raw(d.get_upload_endpoint, "shards", filename_to_size={"a.jsonl": str(len(ROWS))}),
    )
    assert put_file((endpoint.filename_to_signed_urls or {})["a.jsonl"], ROWS).status_code == 200
    assert raw(d.validate_upload, "shards", body={}) == {}
    assert sdk.datasets.get("shards").state == "READY"

    assert raw(d.delete, "chat") == {}
    with pytest.raises(fireworks.NotFoundError):
        sdk.datasets.get("chat")


def test_the_example_count_is_the_clients_never_counted(sdk: Fireworks) -> None:
    sdk.datasets.create(dataset_id="uncounted", dataset={"user_uploaded": {}})
    sdk.datasets.upload("uncounted", file=("rows.jsonl", ROWS))
    assert sdk.datasets.get("uncounted").example_count is None  # the client sent none
    sdk.datasets.create(dataset_id="counted", dataset={"user_uploaded": {}, "example_count": "7"})
    sdk.datasets.upload("counted", file=("rows.jsonl", ROWS))
    assert sdk.datasets.get("counted").example_count == "7"  # kept as sent (the file has 3 rows)


def test_the_token_estimate_is_the_uploaded_bytes_over_four_once_ready(sdk: Fireworks) -> None:
    """The review summary prices training from it (emulator: bytes / 4; the real tokenizer is unknown)."""
    sdk.datasets.create(dataset_id="tokens", dataset=UPLOADED)  # type: ignore[arg-type]
    assert sdk.datasets.get("tokens").estimated_token_count is None  # nothing uploaded, nothing counted
    sdk.datasets.upload("tokens", file=("rows.jsonl", ROWS))
    assert sdk.datasets.get("tokens").estimated_token_count == str(len(ROWS) // 4)  # 150 bytes -> "37"


def test_no_files_are_taken_while_an_upload_is_validated(sdk: Fireworks, emulator: RunningEmulator) -> None:
    emulator.admin.add_lifecycle_rule(collection="datasets", states=["UPLOADING"], timing={"reads": 5})
    sdk.datasets.create(dataset_id="busy", dataset=UPLOADED)  # type: ignore[arg-type]
    sdk.datasets.upload("busy", file=("a.jsonl", ROWS))
    for call in (lambda: sdk.datasets.upload("busy", file=("a.jsonl", ROWS)),
                 lambda: sdk.datasets.get_upload_endpoint("busy", filename_to_size={"a.jsonl": "5"})):
        with pytest.raises(fireworks.BadRequestError) as exc:
            call()
        assert api_error(exc)[1] == 9 and "being validated" in api_error(exc)[2]


def test_a_source_dataset_can_be_deleted_while_a_derived_one_names_it(sdk: Fireworks) -> None:
    sdk.datasets.create(dataset_id="src", dataset=UPLOADED)  # type: ignore[arg-type]
    sdk.datasets.upload("src", file=("a.jsonl", ROWS))
    sdk.datasets.create(dataset_id="derived", dataset={}, source_dataset_id="src")
    sdk.datasets.delete("src")  # documented choice: nothing emulated uses a dataset
    derived = sdk.datasets.get("derived")
    assert derived.state == "READY" and derived.transformed and derived.transformed.source_dataset_id == "src"


def test_list_pages_through_the_sdk_pager(sdk: Fireworks) -> None:
    for i in range(5):
        sdk.datasets.create(dataset_id=f"d{i}", dataset=UPLOADED)  # type: ignore[arg-type]
    first = sdk.datasets.list(page_size=2)
    assert len(first.datasets) == 2 and first.has_next_page()
    assert [d.name for d in sdk.datasets.list(page_size=2)] == [f"accounts/my-account/datasets/d{i}" for i in range(5)]


# -- the SDK's own multi-shard helper, against the emulator served over https -------------------------


@pytest.fixture
def tls_sdk(emulator: RunningEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fireworks]:
    """The SDK against the same emulator over https: ``upload_dataset_shards`` refuses
    non-https signed URLs, and the emulator signs URLs for the scheme it was reached by."""
    cert, key = self_signed_cert(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trusted by the SDK's and the helper's httpx clients
    with serve_tls(emulator.app, cert, key) as url:
        client = Fireworks(api_key=emulator.api_key, account_id=emulator.account_id, base_url=url, max_retries=0)
        yield client
        client.close()


def test_sdk_upload_helper_uploads_shards(tls_sdk: Fireworks, tmp_path: Path) -> None:
    shards = tmp_path / "shards"
    shards.mkdir()
    (shards / "part-0.jsonl").write_bytes(ROWS)
    (shards / "part-1.jsonl").write_bytes(ROWS[: len(ROWS) // 3])
    count = count_dataset_examples(str(shards))
    tls_sdk.datasets.create(dataset_id="sharded", dataset={"user_uploaded": {}, "example_count": str(count)})
    upload_dataset_shards(tls_sdk, "sharded", str(shards))
    dataset = tls_sdk.datasets.get("sharded")
    assert dataset.state == "READY" and dataset.example_count == "4"


def test_signed_urls_use_the_scheme_the_caller_used(tls_sdk: Fireworks) -> None:
    tls_sdk.datasets.create(dataset_id="s", dataset=UPLOADED)  # type: ignore[arg-type]
    urls = tls_sdk.datasets.get_upload_endpoint("s", filename_to_size={"a.jsonl": "10"}).filename_to_signed_urls
    assert (urls or {})["a.jsonl"].startswith("https://127.0.0.1:")


# -- upload rules --------------------------------------------------------------------------------------


def test_get_upload_endpoint_replaces_the_registered_files(sdk: Fireworks) -> None:
    sdk.datasets.create(dataset_id="ds", dataset=UPLOADED)  # type: ignore[arg-type]
    first = sdk.datasets.get_upload_endpoint("ds", filename_to_size={"a.jsonl": str(len(ROWS))})
    assert put_file((first.filename_to_signed_urls or {})["a.jsonl"], ROWS).status_code == 200
    second = sdk.datasets.get_upload_endpoint("ds", filename_to_size={"b.jsonl": str(len(ROWS))})
    # The earlier file and its URL are forgotten; only b.jsonl is expected now.
    assert put_file((first.filename_to_signed_urls or {})["a.jsonl"], ROWS).status_code == 403
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.datasets.validate_upload("ds", body={})
    assert "b.jsonl" in api_error(exc)[2]
    assert put_file((second.filename_to_signed_urls or {})["b.jsonl"], ROWS).status_code == 200
    sdk.datasets.validate_upload("ds", body={})
    assert sdk.datasets.get("ds").state == "READY"


def test_uploads_to_a_ready_dataset_are_refused(sdk: Fireworks) -> None:
    sdk.datasets.create(dataset_id="done", dataset=UPLOADED)  # type: ignore[arg-type]
    sdk.datasets.upload("done", file=("a.jsonl", ROWS))
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.datasets.upload("done", file=("a.jsonl", ROWS))
    assert api_error(exc)[1] == 9
    with pytest.raises(fireworks.BadRequestError):
        sdk.datasets.get_upload_endpoint("done", filename_to_size={"a.jsonl": "5"})
    assert sdk.datasets.validate_upload("done", body={}) is not None  # idempotent


def test_validate_before_any_upload_is_failed_precondition(sdk: Fireworks) -> None:
    sdk.datasets.create(dataset_id="empty", dataset=UPLOADED)  # type: ignore[arg-type]
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.datasets.validate_upload("empty", body={})
    assert api_error(exc)[1] == 9


def test_derived_dataset_settles_without_an_upload(sdk: Fireworks) -> None:
    sdk.datasets.create(dataset_id="src", dataset=UPLOADED)  # type: ignore[arg-type]
    with pytest.raises(fireworks.BadRequestError) as exc:  # the source is not READY yet
        sdk.datasets.create(dataset_id="derived", dataset={"format": "CHAT"}, source_dataset_id="src")
    assert api_error(exc)[1] == 9
    sdk.datasets.upload("src", file=("a.jsonl", ROWS))
    derived = sdk.datasets.create(dataset_id="derived", dataset={}, source_dataset_id="src")
    assert derived.state == "UPLOADING"
    got = sdk.datasets.get("derived")
    assert got.state == "READY" and got.transformed and got.transformed.source_dataset_id == "src"
    assert got.transformed.original_format == "CHAT"


def test_download_endpoint_is_unimplemented(api: httpx.Client, sdk: Fireworks) -> None:
    sdk.datasets.create(dataset_id="d", dataset=UPLOADED)  # type: ignore[arg-type]
    sdk.datasets.upload("d", file=("a.jsonl", ROWS))
    response = api.get("/v1/accounts/my-account/datasets/d:getDownloadEndpoint")
    assert response.status_code == 501 and response.json()["code"] == 12


# -- bad requests --------------------------------------------------------------------------------------

BAD_CREATES: list[tuple[str, dict[str, Any], int, int, str]] = [
    ("no dataset id", {"dataset": {"userUploaded": {}}}, 400, 3, "'dataset_id'"),
    ("bad dataset id", {"datasetId": "-x", "dataset": {}}, 400, 3, "'dataset_id'"),
    ("no dataset", {"datasetId": "x"}, 400, 3, "'dataset'"),
    ("example count not int64", {"datasetId": "x", "dataset": {"exampleCount": "many"}}, 400, 3,
     "'dataset.example_count'"),
    ("negative example count", {"datasetId": "x", "dataset": {"exampleCount": "-1"}}, 400, 3,
     "'dataset.example_count'"),
    ("unknown format", {"datasetId": "x", "dataset": {"format": "PARQUET"}}, 400, 3, "'dataset.format'"),
    ("two sources", {"datasetId": "x", "dataset": {"userUploaded": {}, "externalUrl": "gs://b/o"}}, 400, 3,
     "'dataset.external_url'"),
    ("external url scheme", {"datasetId": "x", "dataset": {"externalUrl": "ftp://b/o"}}, 400, 3,
     "'dataset.external_url'"),
    ("transformed without source", {"datasetId": "x", "dataset": {"transformed": {}}}, 400, 3,
     "'dataset.transformed.source_dataset_id'"),
    ("missing source dataset", {"datasetId": "x", "dataset": {}, "sourceDatasetId": "nope"}, 404, 5,
     "source_dataset_id"),
    ("source with upload", {"datasetId": "x", "dataset": {"userUploaded": {}}, "sourceDatasetId": "y"}, 400, 3,
     "'source_dataset_id'"),
    ("long display name", {"datasetId": "x", "dataset": {"displayName": "d" * 64}}, 400, 3,
     "'dataset.display_name'"),
]


@pytest.mark.parametrize("body,status,code,needle", [r[1:] for r in BAD_CREATES], ids=[r[0] for r in BAD_CREATES])
def test_bad_create(api: httpx.Client, body: dict[str, Any], status: int, code: int, needle: str) -> None:
    response = api.post("/v1/accounts/my-account/datasets", json=body)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code and needle in response.json()["message"]


def test_create_existing_id_is_409(sdk: Fireworks) -> None:
    sdk.datasets.create(dataset_id="dup", dataset=UPLOADED)  # type: ignore[arg-type]
    with pytest.raises(fireworks.ConflictError):
        sdk.datasets.create(dataset_id="dup", dataset=UPLOADED)  # type: ignore[arg-type]


BAD_UPLOAD_ENDPOINTS = [
    ("no files", {}, "'filename_to_size'"),
    ("not jsonl", {"filenameToSize": {"rows.csv": "10"}}, "filename_to_size['rows.csv']"),
    ("empty file", {"filenameToSize": {"rows.jsonl": "0"}}, "filename_to_size['rows.jsonl']"),
    ("nested name", {"filenameToSize": {"dir/rows.jsonl": "10"}}, "filename_to_size['dir/rows.jsonl']"),
]


@pytest.mark.parametrize("body,needle", [r[1:] for r in BAD_UPLOAD_ENDPOINTS], ids=[r[0] for r in BAD_UPLOAD_ENDPOINTS])
def test_bad_upload_endpoint_requests(api: httpx.Client, sdk: Fireworks, body: dict[str, Any], needle: str) -> None:
    sdk.datasets.create(dataset_id="up", dataset=UPLOADED)  # type: ignore[arg-type]
    response = api.post("/v1/accounts/my-account/datasets/up:getUploadEndpoint", json=body)
    assert response.status_code == 400 and response.json()["code"] == 3
    assert needle in response.json()["message"]


@pytest.mark.parametrize(
    "files,needle",
    [
        ({"other": ("a.jsonl", ROWS)}, "'file'"),
        ({"file": ("a.txt", ROWS)}, "'file'"),
        ({"file": ("a.jsonl", b"")}, "'file'"),
    ],
    ids=["no file part", "not jsonl", "empty"],
)
def test_bad_multipart_upload(api: httpx.Client, sdk: Fireworks, files: dict[str, Any], needle: str) -> None:
    sdk.datasets.create(dataset_id="up", dataset=UPLOADED)  # type: ignore[arg-type]
    response = api.post("/v1/accounts/my-account/datasets/up:upload", files=files)
    assert response.status_code == 400 and response.json()["code"] == 3
    assert needle in response.json()["message"]


def test_upload_that_is_not_multipart_is_400(api: httpx.Client, sdk: Fireworks) -> None:
    sdk.datasets.create(dataset_id="up", dataset=UPLOADED)  # type: ignore[arg-type]
    response = api.post("/v1/accounts/my-account/datasets/up:upload", json={"file": "rows"})
    assert response.status_code == 400 and "'file'" in response.json()["message"]


def test_only_the_display_name_changes(api: httpx.Client, sdk: Fireworks) -> None:
    sdk.datasets.create(dataset_id="fixed", dataset=UPLOADED)  # type: ignore[arg-type]
    response = api.patch("/v1/accounts/my-account/datasets/fixed", json={"exampleCount": "99"})
    assert response.status_code == 400 and "'example_count'" in response.json()["message"]


def test_the_multipart_limit_is_150_decimal_megabytes() -> None:
    # SDK: "This path can handle file sizes up to 150Mb" -- the smaller (decimal) reading.
    from pulumi_fireworks.emulator.rules.datasets import check_multipart_file

    check_multipart_file("rows.jsonl", 150_000_000)
    with pytest.raises(Exception) as exc:
        check_multipart_file("rows.jsonl", 150_000_001)
    assert "150000000" in str(exc.value) and "'file'" in str(exc.value)
