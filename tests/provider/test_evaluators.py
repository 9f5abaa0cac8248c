"""Evaluators at the provider tier: code from a folder (packed, uploaded, built) or inline,
a build that fails (the service's message, where the log is, nothing left behind), and the
requirements read from the folder.

The generic lifecycle (create, refresh without drift, in-place update, replacement, delete,
a lost create response) runs in test_lifecycles.py; the whole stack through the engine is
tests/engine/test_reinforcement_fine_tuning.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import httpx
import pytest

from pulumi_fireworks._errors import ResourceError
from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.provider.conftest import Driver
from tests.support.content import write_files
from tests.support.inventory import server_objects

REWARD = {
    "reward/main.py": b"from helpers import clean\n\ndef evaluate(row):\n    return float(clean(row) == 'ok')\n",
    "reward/helpers.py": b"def clean(row):\n    return str(row).strip()\n",
    "reward/requirements.txt": b"numpy>=1.26\n",
    "reward/__pycache__/main.cpython-311.pyc": b"\0stale",
    "reward/.env": b"OPENAI_API_KEY=sk-never-uploaded\n",
}


def requests(emulator: RunningEmulator) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in emulator.admin.requests()]


def test_a_folder_is_packed_uploaded_and_built_without_caches_or_hidden_files(
    emulator: RunningEmulator, driver: Callable[..., Driver], tmp_path: Path
) -> None:
    write_files(tmp_path, REWARD)
    inputs = {"source": str(tmp_path / "reward"), "entry_point": "main.py::evaluate"}
    checked = driver("Evaluator", "reward").check(inputs)
    assert sorted(checked["files"]) == ["helpers.py", "main.py", "requirements.txt"]
    assert checked["requirements"] == "numpy>=1.26\n"  # read from the folder

    id_, state = driver("Evaluator", "reward").create(inputs)
    assert state["state"] == "ACTIVE" and state["entry_point"] == "main.py::evaluate"
    assert state["requirements"] == "numpy>=1.26\n"
    path = f"/v1/accounts/{emulator.account_id}/evaluators/{id_}"
    assert (f"POST", f"/v1/accounts/{emulator.account_id}/evaluatorsV2") in requests(emulator)
    assert ("POST", path + ":getUploadEndpoint") in requests(emulator)
    assert ("POST", path + ":validateUpload") in requests(emulator)
    assert "sk-never-uploaded" not in str(emulator.admin.requests())


def test_a_build_that_fails_fails_the_create_with_the_reason_and_the_log_and_leaves_nothing(
    emulator: RunningEmulator, driver: Callable[..., Driver], tmp_path: Path
) -> None:
    write_files(tmp_path, {**REWARD, "reward/helpers.py": b"def clean(row:\n    return row\n"})
    with pytest.raises(ResourceError) as failure:
        driver("Evaluator", "reward").create({"source": str(tmp_path / "reward"), "entry_point": "main.py::evaluate"})
    message = str(failure.value)
    assert "BUILD_FAILED" in message and "helpers.py:1:" in message, message
    assert "The build log: http" in message and "Its last lines:" in message
    assert "BUILD FAILED" in message.split("Its last lines:", 1)[1]  # quoted from the log before it went
    assert server_objects(emulator) == {}


def test_inline_code_is_sent_in_the_create_and_needs_no_upload(
    emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    snippets = {"file_contents": {"main.py": "def evaluate(row):\n    return 1.0\n"},
                "entry_file": "main.py", "entry_func": "evaluate"}
    d = driver("Evaluator", "inline")
    inputs = {"criteria": [{"name": "always", "code_snippets": snippets}]}
    id_, state = d.create(inputs)
    assert state["state"] == "ACTIVE"
    _, state, read_inputs = d.read(id_, state)
    assert d.diff(state, inputs, olds=read_inputs).changes is False  # what the service fills in is no drift
    with emulator.client() as http:
        [criterion] = http.get(f"/v1/{state['name']}").json()["criteria"]
    assert criterion["type"] == "CODE_SNIPPETS" and criterion["codeSnippets"]["language"] == "python"
    assert not any(path.endswith(":getUploadEndpoint") for _, path in requests(emulator))


def test_a_build_failed_by_the_service_names_its_message(
    emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    emulator.admin.add_lifecycle_rule(collection="evaluators", states=["BUILDING"], outcome="FAILED",
                                      message="Evaluator build timed out after 10 minutes")
    snippets = {"file_contents": {"main.py": "def evaluate(row):\n    return 1.0\n"},
                "entry_file": "main.py", "entry_func": "evaluate"}
    with pytest.raises(ResourceError, match="Evaluator build timed out after 10 minutes"):
        driver("Evaluator", "slow").create({"criteria": [{"name": "always", "code_snippets": snippets}]})
    assert server_objects(emulator) == {}
