"""The live probe (``python -m pulumi_fireworks.probe``) against the emulator's profiles.

The probe is for the real API, which tests never reach: here it asks the emulator, whose
behaviour switches give each question's two answers, and every reported answer is
checked against the switch that produced it. Each run must leave the emulator as it
found it, and nothing it prints may be a credential.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

import pytest

from pulumi_fireworks._http import Client
from pulumi_fireworks.emulator.testing import RunningEmulator
from pulumi_fireworks.probe import AS_ASSUMED, CATALOGUE, GROUPS, NOT_ASKED, OTHER_ANSWER, UNCLEAR, main
from pulumi_fireworks.probe.adapter import RANK, TARGET_MODULES, adapter_files
from pulumi_fireworks.probe.questions import _route, is_zero, zero_paths
from pulumi_fireworks.probe.report import Finding, Leftover, Redactor, Report, render_table
from pulumi_fireworks.probe.session import Answer
from tests.support.inventory import server_objects

MODEL_PATH = r"^/v1/accounts/[^/]+/models/pf-probe-[0-9a-f]+-{}$"


def probe(emulator: RunningEmulator, *args: str, env: Optional[dict[str, str]] = None) -> tuple[int, str, str]:
    """Run the probe's command in this process; (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    environ = {"FIREWORKS_API_KEY": emulator.api_key} if env is None else env
    code = main(["--base-url", emulator.url, *args], environ=environ, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def probe_json(emulator: RunningEmulator, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = probe(emulator, "--json", *args)
    return code, json.loads(out)


def by_key(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for f in report["findings"]}


def answers(report: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """question -> (verdict, observed)."""
    return {key: (f["verdict"], f["observed"]) for key, f in by_key(report).items()}


def assert_emulator_agrees(emulator: RunningEmulator, report: dict[str, Any]) -> None:
    """Every switch the probe says answers like this server is the one the emulator has."""
    behaviour = emulator.admin.behaviour()
    reported = report["emulatorBehaviour"]
    assert reported and {k: behaviour[k] for k in reported} == reported


# -- the two profiles -------------------------------------------------------------------------------


def test_the_default_profile_gives_the_answers_the_provider_is_written_for(emulator: RunningEmulator) -> None:
    before = server_objects(emulator)
    code, report = probe_json(emulator)
    assert code == 0
    assert answers(report) == {
        "user-delete-route": (AS_ASSUMED, "present"),
        "missing-secret-get": (AS_ASSUMED, 404),
        "missing-secret-delete": (AS_ASSUMED, 404),
        "secret-update-mask": (AS_ASSUMED, "honoured"),
        "zero-values": (AS_ASSUMED, "omitted"),
        "validate-upload": (AS_ASSUMED, 0),
        "patch-update-mask": (AS_ASSUMED, "honoured"),
        "patch-without-mask": (AS_ASSUMED, "replaces"),
        # The provider assumes the less kind answer here; the default emulator is kinder.
        "conversation-config": (OTHER_ANSWER, "mutable"),
        "resign-keeps-uploads": (OTHER_ANSWER, "keeps"),
        "api-key-annotations": (AS_ASSUMED, "kept"),
        "quota-ids": (AS_ASSUMED, "accelerator-type ids"),
        "lora-loads": (NOT_ASKED, None),
    }
    assert_emulator_agrees(emulator, report)
    assert report["leftovers"] == [] and server_objects(emulator) == before
    assert report["accountId"] == emulator.account_id and [f["key"] for f in report["findings"]] == [q.key for q in CATALOGUE]


def test_the_pessimistic_profile_gives_the_other_answers_and_no_service_account_is_made(emulator: RunningEmulator) -> None:
    emulator.admin.set_behaviour(profile="pessimistic")
    emulator.admin.clear_requests()
    before = server_objects(emulator)
    code, report = probe_json(emulator)
    assert code == 0
    assert answers(report) == {
        "user-delete-route": (OTHER_ANSWER, "404"),
        "missing-secret-get": (OTHER_ANSWER, 500),
        "missing-secret-delete": (OTHER_ANSWER, 500),
        "secret-update-mask": (OTHER_ANSWER, "ignored"),
        "zero-values": (OTHER_ANSWER, "spelled out"),
        "validate-upload": (AS_ASSUMED, 3),
        "patch-update-mask": (AS_ASSUMED, "honoured"),
        "patch-without-mask": (AS_ASSUMED, "replaces"),
        "conversation-config": (AS_ASSUMED, "immutable"),
        "resign-keeps-uploads": (AS_ASSUMED, "forgets"),
        "api-key-annotations": (NOT_ASKED, None),
        "quota-ids": (AS_ASSUMED, "accelerator-type ids"),
        "lora-loads": (NOT_ASKED, None),
    }
    found = by_key(report)
    assert "a throw-away service account could not be deleted" in found["api-key-annotations"]["detail"]
    assert 'DELETE 404 NOT_FOUND "Not Found"' in found["user-delete-route"]["answer"]
    assert "firectl delete user" in found["user-delete-route"]["detail"]
    assert "3 FAILED_PRECONDITION" in found["validate-upload"]["answer"]
    assert "missing file" in found["resign-keeps-uploads"]["answer"]
    assert_emulator_agrees(emulator, report)
    assert report["leftovers"] == [] and server_objects(emulator) == before
    created = [r["path"] for r in emulator.admin.requests() if r["method"] == "POST"]
    assert created and not any("/users" in path for path in created)  # no service account was made


def test_dropped_annotations_are_reported_when_users_can_be_deleted(emulator: RunningEmulator) -> None:
    emulator.admin.set_behaviour(profile="pessimistic", user_delete_route="present")
    before = server_objects(emulator)
    code, report = probe_json(emulator, "--only", "user-delete", "--only", "api-key")
    assert code == 0
    found = by_key(report)
    assert answers(report)["api-key-annotations"] == (OTHER_ANSWER, "dropped")
    assert found["api-key-annotations"]["answer"] == "create answer: annotation absent; list: annotation absent"
    assert found["api-key-annotations"]["emulator"] == {"dropNewerFields": True}
    assert found["secret-update-mask"]["verdict"] == NOT_ASKED  # left out by --only
    assert report["leftovers"] == [] and server_objects(emulator) == before


@pytest.mark.parametrize("route", ["404", "405", "501"])
def test_each_way_a_gateway_lacks_the_user_delete_route_is_recognised(route: str, emulator: RunningEmulator) -> None:
    emulator.admin.set_behaviour(user_delete_route=route)
    code, report = probe_json(emulator, "--only", "user-delete", "--only", "api-key")
    assert code == 0
    assert answers(report)["user-delete-route"] == (OTHER_ANSWER, route)
    assert by_key(report)["user-delete-route"]["emulator"] == {"userDeleteRoute": route}
    assert answers(report)["api-key-annotations"] == (NOT_ASKED, None)


def test_files_that_never_land_are_unclear_and_the_models_are_still_removed(emulator: RunningEmulator) -> None:
    emulator.admin.set_behaviour(upload_landing_checks=10**6)
    before = server_objects(emulator)
    code, report = probe_json(emulator, "--only", "models", "--wait", "0.3")
    assert code == 0
    found = by_key(report)
    assert found["validate-upload"]["verdict"] == UNCLEAR and "no 200 within 0.3 s" in found["validate-upload"]["answer"]
    assert found["resign-keeps-uploads"]["verdict"] == UNCLEAR
    assert server_objects(emulator) == before


# -- cleaning up, and saying what is left ----------------------------------------------------------


def test_a_model_that_cannot_be_deleted_is_named_with_the_command_that_removes_it(emulator: RunningEmulator) -> None:
    emulator.admin.add_fault(method="DELETE", path_regex=MODEL_PATH.format("b"),
                             action={"type": "error", "status": 403, "message": "no"})
    code, out, err = probe(emulator, "--only", "models")
    assert code == 1
    left = [name for name in server_objects(emulator) if "/models/pf-probe-" in name]
    assert len(left) == 1 and left[0].endswith("-b")
    assert "LEFT BEHIND: 1 object(s)" in out
    assert f"model {left[0]}: DELETE answered 403" in out
    assert (f'curl -X DELETE -H "Authorization: Bearer $FIREWORKS_API_KEY" {emulator.url}/v1/{left[0]}') in out
    emulator.admin.clear_faults()
    emulator.admin.delete_resource(left[0])


def test_a_broken_question_is_reported_and_the_next_one_still_asked(
    emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any) -> dict[str, bytes]:
        raise RuntimeError("disk full")

    monkeypatch.setattr("pulumi_fireworks.probe.questions.adapter_files", broken)
    code, report = probe_json(emulator, "--only", "models", "--only", "api-key", "--only", "user-delete")
    assert code == 0
    found = by_key(report)
    for key in ("validate-upload", "resign-keeps-uploads"):
        assert found[key]["verdict"] == UNCLEAR
        assert found[key]["detail"] == "the probe stopped before an answer: RuntimeError: disk full"
    assert found["api-key-annotations"]["verdict"] == AS_ASSUMED


# -- credentials never printed ---------------------------------------------------------------------


def test_nothing_printed_is_a_credential(emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    sent_values: list[str] = []
    made_keys: list[str] = []
    original = Client.request

    def spy(self: Client, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        body = kwargs.get("json")
        if isinstance(body, dict) and body.get("value"):
            sent_values.append(body["value"])
        answer = original(self, method, path, **kwargs)
        if answer.get("key"):
            made_keys.append(answer["key"])
        return answer

    monkeypatch.setattr(Client, "request", spy)
    # A server that echoes the caller's key in an error message.
    emulator.admin.add_fault(method="DELETE", path_regex=r"^/v1/accounts/[^/]+/users/pf-probe-[0-9a-f]+-nobody$",
                             action={"type": "error", "status": 404, "code": 5, "message": f"Not Found for {emulator.api_key}"})
    outputs = [probe(emulator, "--only", "user-delete", "--only", "secret")[1:],
               probe(emulator, "--json", "--only", "user-delete", "--only", "secret")[1:]]
    emulator.admin.clear_faults()
    outputs.append(probe(emulator, "--only", "user-delete", "--only", "api-key")[1:])
    assert len(sent_values) == 4 and len(made_keys) == 1
    printed = "".join(out + err for out, err in outputs)
    for credential in [emulator.api_key, *sent_values, *made_keys]:
        assert credential not in printed
    assert "Not Found for [redacted]" in printed


def test_the_redactor_masks_every_credential_wherever_it_is() -> None:
    redact = Redactor("fw-secret-key", "", "abc")  # too short or empty values are not worth masking
    redact.add("v4lue")
    assert redact("key fw-secret-key, value v4lue, abc") == "key [redacted], value [redacted], abc"
    assert redact.scrub({"a": ["v4lue", 1, {"fw-secret-key": None}]}) == {"a": ["[redacted]", 1, {"[redacted]": None}]}


# -- usage ---------------------------------------------------------------------------------------


def test_it_refuses_to_run_without_a_key_or_with_a_key_sent_in_clear_text(emulator: RunningEmulator) -> None:
    code, out, err = probe(emulator, env={})
    assert code == 2 and out == "" and "No Fireworks API key" in err and "FIREWORKS_API_KEY" in err
    out_, err_ = io.StringIO(), io.StringIO()
    code = main(["--base-url", "http://example.com"], environ={"FIREWORKS_API_KEY": "k"}, stdout=out_, stderr=err_)
    assert code == 2 and "clear text" in err_.getvalue()


def test_a_refused_key_stops_it_before_anything_is_made(emulator: RunningEmulator) -> None:
    before = server_objects(emulator)
    code, out, err = probe(emulator, env={"FIREWORKS_API_KEY": "fw-not-a-key"})
    assert code == 2 and out == ""
    assert "could not start, nothing was made" in err and "401" in err and "fw-not-a-key" not in err
    assert server_objects(emulator) == before


def test_it_runs_as_a_module_and_prints_json(emulator: RunningEmulator) -> None:
    env = {**os.environ, "FIREWORKS_API_KEY": emulator.api_key, "FIREWORKS_BASE_URL": emulator.url}
    env.pop("FIREWORKS_ACCOUNT_ID", None)
    done = subprocess.run([sys.executable, "-m", "pulumi_fireworks.probe", "--json", "--only", "user-delete"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert answers(report)["user-delete-route"] == (AS_ASSUMED, "present")
    assert report["accountId"] == emulator.account_id  # found from the key, as the provider does
    assert emulator.api_key not in done.stdout + done.stderr


# -- the pieces -------------------------------------------------------------------------------------


def _answer(status: Optional[int], code: Optional[str] = None, message: str = "", ok: bool = False) -> Answer:
    return Answer("X", "/p", ok, status, code, message)


GET_404 = _answer(404, "NOT_FOUND", "user not found: accounts/a/users/pf-probe-1-nobody")


@pytest.mark.parametrize("delete, get, route", [
    (_answer(None, ok=True), GET_404, "present"),
    (_answer(404, "NOT_FOUND", "user not found: accounts/a/users/pf-probe-1-nobody"), GET_404, "present"),
    (_answer(404, "NOT_FOUND", "no such user"), _answer(404, "NOT_FOUND", "no such user"), "present"),
    (_answer(404, "NOT_FOUND", "Not Found"), GET_404, "404"),
    (_answer(404, None, "404 page not found"), GET_404, "404"),
    (_answer(405, "UNIMPLEMENTED", "Method Not Allowed"), GET_404, "405"),
    (_answer(501, "UNIMPLEMENTED", "Method Not Allowed"), GET_404, "501"),
    (_answer(404, "NOT_FOUND", "Not Found"), _answer(404, "NOT_FOUND", "Not Found"), None),
    (_answer(404, "NOT_FOUND", "something else"), GET_404, None),
    (_answer(403, "PERMISSION_DENIED", "admins only"), GET_404, None),
    (_answer(None, None, "connection reset"), GET_404, None),
])
def test_the_route_is_told_from_the_delete_and_get_answers(delete: Answer, get: Answer, route: Optional[str]) -> None:
    assert _route(delete, get, "pf-probe-1-nobody")[0] == route


def test_zero_values_are_found_at_any_depth() -> None:
    doc = {"a": 1, "b": "", "c": {"d": False, "e": "STATE_UNSPECIFIED", "f": "READY"}, "g": [{"h": 0}], "i": None,
           "j": "0", "k": [], "l": {}, "m": True}
    assert zero_paths(doc) == ['b=""', "c.d=false", 'c.e="STATE_UNSPECIFIED"', "g[0].h=0", "i=null", 'j="0"',
                               "k=[]", "l={}"]
    assert not is_zero("OK") and not is_zero(1) and is_zero(0.0)


def test_the_adapter_is_a_valid_safetensors_file_for_llama_3_1_8b() -> None:
    files = adapter_files()
    config = json.loads(files["adapter_config.json"])
    assert config["r"] == RANK and config["target_modules"] == list(TARGET_MODULES)
    data = files["adapter_model.safetensors"]
    (length,) = struct.unpack("<Q", data[:8])
    assert length % 8 == 0
    header = json.loads(data[8 : 8 + length])
    tensors = {k: v for k, v in header.items() if k != "__metadata__"}
    assert len(tensors) == 32 * 2 * 2
    end = 0
    for name, info in tensors.items():
        assert name.startswith("base_model.model.model.layers.") and name.endswith(".weight")
        start, stop = info["data_offsets"]
        assert start == end and stop - start == info["shape"][0] * info["shape"][1] * 2 and info["dtype"] == "BF16"
        end = stop
    assert tensors["base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight"]["shape"] == [1024, RANK]
    assert len(data) == 8 + length + end


def test_the_table_keeps_to_the_width_it_is_given() -> None:
    finding = Finding("k", "a question " * 8, "an assumption " * 10, answer="x" * 300, verdict=OTHER_ANSWER,
                      detail="how it copes " * 6)
    report = Report("https://api.example", "acme", [finding], [Leftover("model", "accounts/acme/models/m", "403", "curl ...")])
    table = render_table(report, Redactor(), width=100)
    assert max(len(line) for line in table.splitlines()) <= 100
    assert "the other answer: how" in table and "LEFT BEHIND: 1 object(s)" in table


def test_the_readme_documents_the_command_and_every_question() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("## Checking the real service", 1)[1].split("\n## ", 1)[0]
    assert "python -m pulumi_fireworks.probe" in section and "never runs in CI" in section
    for group in GROUPS:
        assert group == "lora-loads" or f"`{group}`" in section


def test_an_interrupted_run_removes_what_it_made_and_exits_130(
    emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("pulumi_fireworks.probe.questions._put", interrupted)  # Ctrl-C mid-upload
    before = server_objects(emulator)
    code, out, err = probe(emulator, "--only", "models")
    assert code == 130 and "probe: interrupted" in err
    assert "Nothing left behind" in out and server_objects(emulator) == before
