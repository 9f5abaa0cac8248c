"""Evaluators: the official SDK against the emulator -- inline code and a real ``.tar.gz``
through the signed upload URLs, the build (BUILDING -> ACTIVE, or BUILD_FAILED for bad
code, with its message in the build log), lifecycle rules, the admin's ``fail_build`` /
``finish_build``, PATCH (rebuilds), ``prepareCodeUpload``, delete, and the refusals."""

from __future__ import annotations

import io
import tarfile
from typing import Any, NamedTuple, Optional

import fireworks
import httpx
import pytest
from fireworks import Fireworks
from fireworks.types import (
    EvaluatorCreateResponse,
    EvaluatorGetBuildLogEndpointResponse,
    EvaluatorGetResponse,
    EvaluatorGetUploadEndpointResponse,
    EvaluatorListResponse,
    EvaluatorUpdateResponse,
)

from pulumi_fireworks.emulator.testing import RunningEmulator

from .helpers import api_error, put_file, raw
from .strict import assert_sdk_parses

ACCOUNT = "accounts/my-account"
EVALUATORS = f"/v1/{ACCOUNT}/evaluators"
REWARD = "def score(row):\n    return 1.0\n"
GOOD = {"reward.py": REWARD, "helpers.py": "WEIGHT = 2\n"}


def inline(files: Optional[dict[str, str]] = None, *, entry_file: str = "reward.py", entry_func: str = "score",
           **fields: Any) -> dict[str, Any]:
    """An evaluator whose code comes in the body (SDK create params, snake_case)."""
    snippets = {"language": "python", "entry_file": entry_file, "entry_func": entry_func,
                "file_contents": GOOD if files is None else files}
    return {"criteria": [{"name": "reward", "type": "CODE_SNIPPETS", "code_snippets": snippets}], **fields}


def targz(files: dict[str, str], top: Optional[str] = "reward") -> bytes:
    """A gzip tar of ``files``, under the folder ``top`` (None: at the archive's root)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{name}" if top else name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def upload(sdk: Fireworks, evaluator_id: str, data: bytes, name: str = "reward.tar.gz") -> None:
    """getUploadEndpoint, a PUT of the archive to its signed URL, validateUpload."""
    endpoint = sdk.evaluators.get_upload_endpoint(evaluator_id, filename_to_size={name: str(len(data))})
    response = put_file((endpoint.filename_to_signed_urls or {})[name], data)
    assert response.status_code == 200, response.text
    assert sdk.evaluators.validate_upload(evaluator_id, body={}) == {}


def build_log(sdk: Fireworks, evaluator_id: str) -> str:
    uri = sdk.evaluators.get_build_log_endpoint(evaluator_id).build_log_signed_uri
    assert uri
    response = httpx.get(uri, timeout=30)  # a signed URL: no API key
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return response.text


def states(sdk: Fireworks, evaluator_id: str, reads: int) -> list[Optional[str]]:
    return [sdk.evaluators.get(evaluator_id).state for _ in range(reads)]


# -- the two ways code arrives -------------------------------------------------------------------


def test_inline_code_builds_at_the_create_to_active(sdk: Fireworks) -> None:
    e = sdk.evaluators.with_raw_response
    created = assert_sdk_parses(EvaluatorCreateResponse, raw(
        e.create, evaluator_id="inline", evaluator=inline(display_name="Reward", description="scores rows",
                                                           requirements="numpy>=1.26\n")))
    assert created.name == f"{ACCOUNT}/evaluators/inline" and created.state == "BUILDING"
    assert created.created_by == "my-account@example.com" and created.create_time and created.update_time
    assert created.criteria and created.criteria[0].code_snippets
    assert created.criteria[0].code_snippets.file_contents == GOOD

    got = assert_sdk_parses(EvaluatorGetResponse, raw(e.get, "inline"))
    assert got.state == "ACTIVE" and got.status and got.status.code == "OK" and not got.status.message
    assert (got.display_name, got.description, got.requirements) == ("Reward", "scores rows", "numpy>=1.26\n")
    listed = raw(e.list)
    assert [item["name"] for item in listed["evaluators"]] == [created.name]
    for item in listed["evaluators"]:
        assert_sdk_parses(EvaluatorListResponse, item)

    log = build_log(sdk, "inline")
    assert "compiled reward.py" in log and "entry point reward.py::score: found" in log
    assert "requirements: 1 packages" in log and log.rstrip().endswith("build succeeded: the evaluator is ACTIVE")


def test_a_server_chosen_id_and_a_taken_one(sdk: Fireworks) -> None:
    generated = sdk.evaluators.create(evaluator=inline())
    evaluator_id = (generated.name or "").rsplit("/", 1)[1]
    assert evaluator_id and sdk.evaluators.get(evaluator_id).state == "ACTIVE"
    with pytest.raises(fireworks.ConflictError) as taken:
        sdk.evaluators.create(evaluator_id=evaluator_id, evaluator=inline())
    assert api_error(taken)[:2] == (409, 6)


@pytest.mark.parametrize("top", ["reward", None], ids=["under one folder", "at the archive root"])
def test_uploaded_code_waits_in_building_then_builds(sdk: Fireworks, top: Optional[str]) -> None:
    e = sdk.evaluators.with_raw_response
    created = assert_sdk_parses(EvaluatorCreateResponse, raw(
        e.create, evaluator_id="up", evaluator={"entry_point": "main.py::evaluate", "source": {"type": "TYPE_UPLOAD"}}))
    assert created.state == "BUILDING" and created.entry_point == "main.py::evaluate"
    assert states(sdk, "up", 3) == ["BUILDING"] * 3  # no code, no build: it waits, whatever the reads
    with pytest.raises(fireworks.BadRequestError) as no_log:
        sdk.evaluators.get_build_log_endpoint("up")
    assert api_error(no_log)[:2] == (400, 9) and "no build has started" in api_error(no_log)[2]

    data = targz({"main.py": "import helpers\n\n\nasync def evaluate(row):\n    return helpers.ONE\n",
                  "helpers.py": "ONE = 1\n", "requirements.txt": "requests[socks] == 2.32.3 ; python_version > '3'\n",
                  "data/examples.jsonl": "{}\n"}, top=top)
    endpoint = assert_sdk_parses(EvaluatorGetUploadEndpointResponse, raw(
        e.get_upload_endpoint, "up", filename_to_size={"up.tar.gz": str(len(data))}))
    url = (endpoint.filename_to_signed_urls or {})["up.tar.gz"]
    assert put_file(url, data).status_code == 200
    assert sdk.evaluators.get("up").state == "BUILDING"  # uploaded, not yet validated
    assert raw(e.validate_upload, "up", body={}) == {}
    got = assert_sdk_parses(EvaluatorGetResponse, raw(e.get, "up"))
    assert got.state == "ACTIVE" and got.status and got.status.code == "OK"
    log = build_log(sdk, "up")
    assert f"code: up.tar.gz ({len(data)} bytes)" in log and "unpacked: 2 Python files and 2 other files" in log
    assert "entry point main.py::evaluate: found" in log and "requirements: 1 packages" in log

    assert put_file(url, data).status_code == 403  # built: the URL no longer takes files
    for again in (lambda: sdk.evaluators.validate_upload("up", body={}),
                  lambda: sdk.evaluators.get_upload_endpoint("up", filename_to_size={"up.tar.gz": "10"})):
        with pytest.raises(fireworks.BadRequestError) as refused:
            again()
        status, code, message = api_error(refused)
        assert (status, code) == (400, 9) and "not waiting for code" in message


def test_inline_code_takes_no_upload(sdk: Fireworks) -> None:
    sdk.evaluators.create(evaluator_id="inline", evaluator=inline())
    with pytest.raises(fireworks.BadRequestError) as refused:
        sdk.evaluators.get_upload_endpoint("inline", filename_to_size={"code.tar.gz": "10"})
    assert api_error(refused)[1] == 9 and "came inline with the create" in api_error(refused)[2]


# -- builds that fail --------------------------------------------------------------------------


class Bad(NamedTuple):
    id: str
    files: dict[str, str]
    entry: str  # "<file>.py::<function>"
    message: str  # the status message, exactly
    requirements: Optional[str] = None


BAD_CODE = [
    Bad("syntax error", {"reward.py": "def score(row):\n    return row +\n"}, "reward.py::score",
        "reward.py:2: invalid syntax"),
    Bad("syntax error in another file", {**GOOD, "helpers.py": "WEIGHT = (\n"}, "reward.py::score",
        "helpers.py:1: '(' was never closed"),
    Bad("compile error ast alone accepts", {"reward.py": "return 1\n\ndef score(row):\n    return 1\n"},
        "reward.py::score", "reward.py:1: 'return' outside function"),
    Bad("missing entry function", {"reward.py": "def evaluate(row):\n    return 1\n"}, "reward.py::score",
        "entry point reward.py::score: no function 'score' in reward.py"),
    Bad("entry function not at the top level", {"reward.py": "class R:\n    def score(self):\n        return 1\n"},
        "reward.py::score", "entry point reward.py::score: no function 'score' in reward.py"),
    Bad("entry function only assigned", {"reward.py": "score = len\n"}, "reward.py::score",
        "entry point reward.py::score: no function 'score' in reward.py"),
    Bad("missing entry file", GOOD, "main.py::score", "entry point main.py::score: no file main.py in the code"),
    Bad("bad requirement", GOOD, "reward.py::score", "requirements.txt:3: not a requirement specifier: 'numpy=1.0'",
        "# pinned\nrequests>=2\nnumpy=1.0\n"),
]


@pytest.mark.parametrize("how", ["inline", "upload"])
@pytest.mark.parametrize("bad", BAD_CODE, ids=[b.id for b in BAD_CODE])
def test_bad_code_fails_the_build_with_the_message_in_its_log(sdk: Fireworks, how: str, bad: Bad) -> None:
    file, func = bad.entry.split("::")
    if how == "inline":
        sdk.evaluators.create(evaluator_id="bad", evaluator=inline(bad.files, entry_file=file, entry_func=func,
                                                                    **({"requirements": bad.requirements}
                                                                       if bad.requirements else {})))
    else:
        files = {**bad.files, **({"requirements.txt": bad.requirements} if bad.requirements else {})}
        sdk.evaluators.create(evaluator_id="bad", evaluator={"entry_point": bad.entry})
        upload(sdk, "bad", targz(files))
    failed = assert_sdk_parses(EvaluatorGetResponse, raw(sdk.evaluators.with_raw_response.get, "bad"))
    assert failed.state == "BUILD_FAILED" and failed.status
    assert (failed.status.code, failed.status.message) == ("INVALID_ARGUMENT", bad.message)
    endpoint = assert_sdk_parses(EvaluatorGetBuildLogEndpointResponse, raw(
        sdk.evaluators.with_raw_response.get_build_log_endpoint, "bad"))
    assert endpoint.build_log_signed_uri
    log = build_log(sdk, "bad")
    assert f"error: {bad.message}" in log and log.rstrip().endswith(f"BUILD FAILED (INVALID_ARGUMENT): {bad.message}")


@pytest.mark.parametrize(
    ("evaluator", "data", "code", "message"),
    [
        ({"entry_point": "main.py::evaluate"}, b"not a gzip file", "INVALID_ARGUMENT",
         "code.tar.gz: not a gzip-compressed tar archive"),
        ({}, targz({"main.py": "def evaluate(row):\n    return 1\n"}), "FAILED_PRECONDITION",
         "entry point: not set; uploaded code needs entry_point '<file>.py::<function>'"),
        ({"entry_point": "main.py::evaluate"}, targz({"../main.py": "def evaluate(row):\n    return 1\n"}, top=None),
         "INVALID_ARGUMENT", "code.tar.gz: '../main.py' lies outside the archive's folder"),
    ],
    ids=["not an archive", "no entry point", "a path outside the folder"],
)
def test_an_upload_that_cannot_build(sdk: Fireworks, evaluator: dict[str, Any], data: bytes, code: str,
                                     message: str) -> None:
    sdk.evaluators.create(evaluator_id="bad", evaluator=evaluator)  # type: ignore[arg-type]
    upload(sdk, "bad", data, "code.tar.gz")
    got = sdk.evaluators.get("bad")
    assert got.state == "BUILD_FAILED" and got.status and got.status.code == code
    assert (got.status.message or "").startswith(message)


def test_the_requirements_field_wins_over_the_archives_file(sdk: Fireworks) -> None:
    sdk.evaluators.create(evaluator_id="e", evaluator={"entry_point": "reward.py::score",
                                                        "requirements": "numpy\npandas\n"})
    upload(sdk, "e", targz({"reward.py": REWARD, "requirements.txt": "numpy ==\n"}))  # a bad line, unused
    assert states(sdk, "e", 1) == ["ACTIVE"] and "requirements: 2 packages" in build_log(sdk, "e")


def test_the_build_compiles_the_code_and_never_runs_it(sdk: Fireworks, tmp_path: Any) -> None:
    marker = tmp_path / "ran"
    code = f"open({str(marker)!r}, 'w').close()\nraise SystemExit(3)\n\n\n{REWARD}"
    sdk.evaluators.create(evaluator_id="e", evaluator=inline({"reward.py": code}))
    assert states(sdk, "e", 1) == ["ACTIVE"] and not marker.exists()


def test_validate_upload_waits_while_files_are_landing(sdk: Fireworks, emulator: RunningEmulator) -> None:
    emulator.admin.set_behaviour(upload_landing_checks=2)
    sdk.evaluators.create(evaluator_id="e", evaluator={"entry_point": "reward.py::score"})
    data = targz({"reward.py": REWARD})
    endpoint = sdk.evaluators.get_upload_endpoint("e", filename_to_size={"e.tar.gz": str(len(data))})
    assert put_file((endpoint.filename_to_signed_urls or {})["e.tar.gz"], data).status_code == 200
    for _ in range(2):
        with pytest.raises(fireworks.BadRequestError) as landing:
            sdk.evaluators.validate_upload("e", body={})
        assert api_error(landing)[1] == 9 and "still landing" in api_error(landing)[2]
    assert states(sdk, "e", 1) == ["BUILDING"]
    assert sdk.evaluators.validate_upload("e", body={}) == {}
    assert states(sdk, "e", 1) == ["ACTIVE"]


def test_the_admin_fails_a_build_with_a_message(sdk: Fireworks, emulator: RunningEmulator) -> None:
    created = sdk.evaluators.create(evaluator_id="good", evaluator=inline())
    stored = emulator.admin.fail_build(created.name or "", "pip install failed: no matching distribution")
    assert stored["state"] == "BUILD_FAILED"
    got = sdk.evaluators.get("good")
    assert got.state == "BUILD_FAILED" and got.status
    assert (got.status.code, got.status.message) == ("INTERNAL", "pip install failed: no matching distribution")
    assert build_log(sdk, "good").rstrip().endswith("pip install failed: no matching distribution")

    waiting = sdk.evaluators.create(evaluator_id="waiting", evaluator={"entry_point": "main.py::evaluate"})
    emulator.admin.fail_build(waiting.name or "", "no code")  # also before any code arrived
    assert sdk.evaluators.get("waiting").state == "BUILD_FAILED" and "no code" in build_log(sdk, "waiting")
    with pytest.raises(httpx.HTTPStatusError) as unknown:
        emulator.admin.fail_build(f"{ACCOUNT}/evaluators/nope", "x")
    assert unknown.value.response.status_code == 404


# -- the lifecycle ----------------------------------------------------------------------------


def test_a_stuck_build_stays_building_until_the_admin_finishes_it(sdk: Fireworks, emulator: RunningEmulator) -> None:
    emulator.admin.add_lifecycle_rule(collection="evaluators", states=["BUILDING"], outcome="STUCK")
    sdk.evaluators.create(evaluator_id="slow", evaluator=inline())
    sdk.evaluators.create(evaluator_id="broken", evaluator=inline({"reward.py": "def score(:\n"}))
    assert states(sdk, "slow", 3) == ["BUILDING"] * 3
    assert build_log(sdk, "slow").splitlines()[-1] == "building ..."
    assert emulator.admin.finish_build(f"{ACCOUNT}/evaluators/slow")["state"] == "ACTIVE"
    assert emulator.admin.finish_build(f"{ACCOUNT}/evaluators/broken")["state"] == "BUILD_FAILED"  # its real result
    assert states(sdk, "slow", 1) == ["ACTIVE"]
    with pytest.raises(httpx.HTTPStatusError) as done:  # nothing under way any more
        emulator.admin.finish_build(f"{ACCOUNT}/evaluators/slow")
    assert done.value.response.status_code == 400 and done.value.response.json()["code"] == 9


def test_builds_follow_lifecycle_timings_and_failure_rules(sdk: Fireworks, emulator: RunningEmulator) -> None:
    emulator.admin.add_lifecycle_rule(collection="evaluators", name=f"{ACCOUNT}/evaluators/counted",
                                      timing={"reads": 2})
    emulator.admin.add_lifecycle_rule(collection="evaluators", name=f"{ACCOUNT}/evaluators/timed",
                                      timing={"seconds": 300})
    emulator.admin.add_lifecycle_rule(collection="evaluators", name=f"{ACCOUNT}/evaluators/doomed",
                                      outcome="FAILED", message="builder out of disk", status_code="UNAVAILABLE")
    for evaluator_id in ("counted", "timed", "doomed"):
        sdk.evaluators.create(evaluator_id=evaluator_id, evaluator=inline())
    assert states(sdk, "counted", 3) == ["BUILDING", "BUILDING", "ACTIVE"]
    assert states(sdk, "timed", 2) == ["BUILDING", "BUILDING"]
    emulator.admin.advance_clock(300)
    assert states(sdk, "timed", 1) == ["ACTIVE"]
    doomed = sdk.evaluators.get("doomed")
    assert doomed.state == "BUILD_FAILED" and doomed.status
    assert (doomed.status.code, doomed.status.message) == ("UNAVAILABLE", "builder out of disk")


# -- update, prepareCodeUpload, delete ------------------------------------------------------------


def test_patch_with_a_mask_changes_only_those_fields_and_code_fields_rebuild(sdk: Fireworks) -> None:
    sdk.evaluators.create(evaluator_id="e", evaluator=inline(display_name="One", description="first"))
    assert states(sdk, "e", 1) == ["ACTIVE"]
    first_log = sdk.evaluators.get_build_log_endpoint("e").build_log_signed_uri or ""

    renamed = assert_sdk_parses(EvaluatorUpdateResponse, raw(
        sdk.evaluators.with_raw_response.update, "e", display_name="Two", description="ignored",
        extra_query={"updateMask": "display_name"}))
    assert (renamed.display_name, renamed.description, renamed.state) == ("Two", "first", "ACTIVE")
    assert renamed.criteria  # not in the mask: kept
    assert httpx.get(first_log).status_code == 200  # no rebuild: the same build's log

    broken = sdk.evaluators.update("e", entry_point="reward.py::nope", extra_query={"updateMask": "entry_point"})
    assert broken.state == "BUILDING"  # SDK: "Changing requirements or entry_point triggers a rebuild"
    failed = sdk.evaluators.get("e")
    assert failed.state == "BUILD_FAILED" and failed.status
    assert failed.status.message == "entry point reward.py::nope: no function 'nope' in reward.py"
    assert httpx.get(first_log).status_code == 404  # a newer build replaced that log

    fixed_code = {"reward.py": REWARD + "\n\ndef nope(row):\n    return 0.0\n"}
    sdk.evaluators.update("e", criteria=inline(fixed_code)["criteria"], extra_query={"updateMask": "criteria"})
    assert states(sdk, "e", 1) == ["ACTIVE"]


def test_prepare_code_upload_waits_for_new_code(sdk: Fireworks) -> None:
    sdk.evaluators.create(evaluator_id="e", evaluator=inline(entry_point="reward.py::score", display_name="One"))
    assert states(sdk, "e", 1) == ["ACTIVE"]
    prepared = sdk.evaluators.update("e", prepare_code_upload=True, display_name="not applied")
    assert prepared.state == "BUILDING" and prepared.display_name == "One"  # no mask: no field changes
    assert states(sdk, "e", 2) == ["BUILDING", "BUILDING"]
    upload(sdk, "e", targz({"reward.py": REWARD}))
    assert states(sdk, "e", 1) == ["ACTIVE"]
    assert "code: reward.tar.gz" in build_log(sdk, "e")


def test_delete(sdk: Fireworks, api: httpx.Client) -> None:
    sdk.evaluators.create(evaluator_id="e", evaluator=inline())
    assert raw(sdk.evaluators.with_raw_response.delete, "e") == {}
    with pytest.raises(fireworks.NotFoundError):
        sdk.evaluators.get("e")
    assert api.delete(f"{EVALUATORS}/e").status_code == 404


# -- refusals --------------------------------------------------------------------------------


class Row(NamedTuple):
    id: str
    method: str
    path: str  # under /v1/accounts/my-account/
    body: Any
    status: int
    code: int
    names: str  # what the message must contain
    query: Optional[dict[str, str]] = None


def body(**evaluator: Any) -> dict[str, Any]:
    return {"evaluatorId": "new", "evaluator": evaluator}


def snippets(**fields: Any) -> dict[str, Any]:
    good = {"entryFile": "reward.py", "entryFunc": "score", "fileContents": {"reward.py": REWARD}}
    return {"criteria": [{"type": "CODE_SNIPPETS", "codeSnippets": {k: v for k, v in {**good, **fields}.items()
                                                                       if v is not None}}]}


CREATE = "evaluatorsV2"
ROWS = [
    Row("bad id", "POST", CREATE, {"evaluatorId": "Bad_Id", "evaluator": {}}, 400, 3, "evaluator_id"),
    Row("taken id", "POST", CREATE, {"evaluatorId": "waiting", "evaluator": {}}, 409, 6, "waiting"),
    Row("no evaluator", "POST", CREATE, {"evaluatorId": "new"}, 400, 3, "evaluator"),
    Row("entry point not file::function", "POST", CREATE, body(entryPoint="main.py:evaluate"), 400, 3,
        "evaluator.entry_point"),
    Row("entry point not a .py file", "POST", CREATE, body(entryPoint="main.js::evaluate"), 400, 3,
        "evaluator.entry_point"),
    Row("unknown criterion type", "POST", CREATE, body(criteria=[{"type": "LLM_JUDGE"}]), 400, 3,
        "evaluator.criteria[0].type"),
    Row("code snippets without an entry file", "POST", CREATE, body(**snippets(entryFile=None)), 400, 3,
        "evaluator.criteria[0].code_snippets.entry_file"),
    Row("code snippets without an entry function", "POST", CREATE, body(**snippets(entryFunc=None)), 400, 3,
        "evaluator.criteria[0].code_snippets.entry_func"),
    Row("entry function not a name", "POST", CREATE, body(**snippets(entryFunc="score()")), 400, 3,
        "evaluator.criteria[0].code_snippets.entry_func"),
    Row("file outside the folder", "POST", CREATE, body(**snippets(fileContents={"../reward.py": REWARD})), 400, 3,
        "evaluator.criteria[0].code_snippets.file_contents"),
    Row("file contents not text", "POST", CREATE, body(**snippets(fileContents={"reward.py": 1})), 400, 3,
        "file_contents"),
    Row("unknown source type", "POST", CREATE, body(source={"type": "TYPE_FTP"}), 400, 3, "evaluator.source.type"),
    Row("default dataset not a name", "POST", CREATE, body(defaultDataset="train"), 400, 3,
        "evaluator.default_dataset"),
    Row("display name of 64 chars", "POST", CREATE, body(displayName="x" * 64), 400, 3, "evaluator.display_name"),
    Row("create on the v1 path", "POST", "evaluators", body(), 405, 12, "Method Not Allowed"),
    Row("two archives", "POST", "evaluators/waiting:getUploadEndpoint",
        {"filenameToSize": {"a.tar.gz": "10", "b.tar.gz": "10"}}, 400, 3, "filename_to_size"),
    Row("not an archive", "POST", "evaluators/waiting:getUploadEndpoint", {"filenameToSize": {"main.py": "10"}},
        400, 3, "filename_to_size['main.py']"),
    Row("archive above the emulator's limit", "POST", "evaluators/waiting:getUploadEndpoint",
        {"filenameToSize": {"big.tar.gz": str(17 * 1024 * 1024)}}, 400, 3, "filename_to_size['big.tar.gz']"),
    Row("no files", "POST", "evaluators/waiting:getUploadEndpoint", {"filenameToSize": {}}, 400, 3,
        "filename_to_size"),
    Row("validate before any registration", "POST", "evaluators/waiting:validateUpload", {}, 400, 9,
        "no files have been registered"),
    Row("validate a registered file never uploaded", "POST", "evaluators/registered:validateUpload", {}, 400, 3,
        "missing file code.tar.gz"),
    Row("upload endpoint of an unknown evaluator", "POST", "evaluators/nope:getUploadEndpoint",
        {"filenameToSize": {"a.tar.gz": "10"}}, 404, 5, "evaluators/nope"),
    Row("build log of an unknown evaluator", "GET", "evaluators/nope:getBuildLogEndpoint", None, 404, 5,
        "evaluators/nope"),
    Row("patch with a bad entry point", "PATCH", "evaluators/waiting", {"entryPoint": "x"}, 400, 3, "entry_point",
        {"updateMask": "entry_point"}),
    Row("patch of an unknown mask path", "PATCH", "evaluators/waiting", {}, 400, 3, "colour",
        {"updateMask": "colour"}),
    Row("source code download", "GET", "evaluators/waiting:getSourceCodeSignedUrl", None, 501, 12,
        "getSourceCodeSignedUrl"),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_bad_request(api: httpx.Client, row: Row) -> None:
    for evaluator_id in ("waiting", "registered"):
        api.post(f"/v1/{ACCOUNT}/evaluatorsV2", json={"evaluatorId": evaluator_id, "evaluator": {
            "entryPoint": "main.py::evaluate"}}).raise_for_status()
    api.post(f"{EVALUATORS}/registered:getUploadEndpoint",
             json={"filenameToSize": {"code.tar.gz": "10"}}).raise_for_status()
    response = api.request(row.method, f"/v1/{ACCOUNT}/{row.path}", params=row.query,
                           json=row.body if row.body is not None else None)
    assert response.status_code == row.status, response.text
    answer = response.json()
    assert answer["code"] == row.code and answer["details"] == []
    assert row.names in answer["message"], answer["message"]
    names = [e["name"] for e in api.get(EVALUATORS).json()["evaluators"]]
    assert names == [f"{ACCOUNT}/evaluators/registered", f"{ACCOUNT}/evaluators/waiting"]  # nothing else stored


def test_build_log_urls_are_signed_and_expire(sdk: Fireworks, emulator: RunningEmulator) -> None:
    sdk.evaluators.create(evaluator_id="e", evaluator=inline())
    uri = sdk.evaluators.get_build_log_endpoint("e").build_log_signed_uri or ""
    assert httpx.get(uri).status_code == 200
    token = uri.rsplit("/", 1)[1]
    tampered = uri[: -len(token)] + token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert httpx.get(tampered).status_code == 403
    upload_url = uri.replace("/emulator/buildlogs/", "/emulator/uploads/")  # a log token is no upload token
    assert httpx.put(upload_url, content=b"x", headers={"Content-Type": "application/octet-stream",
                                                         "X-Goog-Content-Length-Range": "1,1"}).status_code == 403
    emulator.admin.advance_clock(3601)
    expired = httpx.get(uri)
    assert expired.status_code == 400 and "<Code>ExpiredToken</Code>" in expired.text


def test_spelled_out_zero_values_are_what_the_sdk_describes(sdk: Fireworks, emulator: RunningEmulator) -> None:
    emulator.admin.set_behaviour(profile="pessimistic")
    e = sdk.evaluators.with_raw_response
    assert_sdk_parses(EvaluatorCreateResponse, raw(e.create, evaluator_id="e", evaluator=inline(
        source={"type": "TYPE_UNSPECIFIED"})))
    got = assert_sdk_parses(EvaluatorGetResponse, raw(e.get, "e"))
    assert got.state == "ACTIVE" and got.description == "" and got.source and got.source.type == "TYPE_UNSPECIFIED"
    for item in raw(e.list)["evaluators"]:
        assert_sdk_parses(EvaluatorListResponse, item)
