"""Admin API (accounts, keys, out-of-band edits), restart persistence and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fireworks import Fireworks

from pulumi_fireworks.emulator.testing import RunningEmulator, running_emulator
from tests.support.content import LLAMA

DEPLOYMENTS = "/v1/accounts/my-account/deployments"


# -- accounts and keys ---------------------------------------------------------------------------


def test_new_account_and_key_see_only_their_account(emulator: RunningEmulator) -> None:
    emulator.admin.add_account("team-b", display_name="Team B")
    key = emulator.admin.add_key("team-b")
    client = Fireworks(api_key=key["key"], account_id="team-b", base_url=emulator.url, max_retries=0)
    assert [a.name for a in client.accounts.list()] == ["accounts/team-b"]
    client.deployments.create(base_model=LLAMA, deployment_id="b-dep")
    own = httpx.get(emulator.url + DEPLOYMENTS, headers={"Authorization": f"Bearer {emulator.api_key}"})
    assert own.json()["deployments"] == []  # my-account does not see team-b's deployment
    assert client.models.get("qwen3-0p6b", account_id="fireworks").state == "READY"  # public reads work
    emulator.admin.revoke_key(key["keyId"])
    revoked = httpx.get(emulator.url + "/v1/accounts/team-b/deployments",
                        headers={"Authorization": f"Bearer {key['key']}"})
    assert revoked.status_code == 401
    assert {"keyId": key["keyId"], "account": "team-b", "revoked": True, "label": ""} in emulator.admin.keys()


def test_key_for_unknown_account_is_404(emulator: RunningEmulator) -> None:
    assert emulator.admin.http.post("/keys", json={"accountId": "ghost"}).status_code == 404


def test_reset_drops_added_keys(emulator: RunningEmulator) -> None:
    emulator.admin.add_account("temp")
    key = emulator.admin.add_key("temp", "fw-temp-key")
    emulator.admin.reset()
    response = httpx.get(emulator.url + "/v1/accounts", headers={"Authorization": f"Bearer {key['key']}"})
    assert response.status_code == 401


# -- out-of-band edits -----------------------------------------------------------------------------


def test_out_of_band_patch_is_seen_by_the_api(api: httpx.Client, emulator: RunningEmulator) -> None:
    api.post(DEPLOYMENTS, params={"deploymentId": "drift"}, json={"baseModel": LLAMA, "displayName": "mine"})
    name = "accounts/my-account/deployments/drift"
    patched = emulator.admin.patch_resource(name, {"displayName": "changed in the UI",
                                                   "autoscalingPolicy": {"scaleUpWindow": "90s"}})
    assert patched["autoscalingPolicy"]["scaleDownWindow"] == "600s"  # merge, not replace
    got = api.get(f"{DEPLOYMENTS}/drift").json()
    assert got["displayName"] == "changed in the UI" and got["autoscalingPolicy"]["scaleUpWindow"] == "90s"
    raw = emulator.admin.get_resource(name, record=True)
    assert raw["doc"]["displayName"] == "changed in the UI" and raw["deleted"] is False


def test_out_of_band_state_change_cancels_the_transition(api: httpx.Client, emulator: RunningEmulator) -> None:
    emulator.admin.set_lifecycle_default(outcome="STUCK")
    api.post(DEPLOYMENTS, params={"deploymentId": "manual"}, json={"baseModel": LLAMA})
    emulator.admin.patch_resource("accounts/my-account/deployments/manual", {"state": "READY"})
    assert api.get(f"{DEPLOYMENTS}/manual").json()["state"] == "READY"


def test_out_of_band_delete(api: httpx.Client, emulator: RunningEmulator) -> None:
    api.post(DEPLOYMENTS, params={"deploymentId": "vanish"}, json={"baseModel": LLAMA})
    emulator.admin.delete_resource("accounts/my-account/deployments/vanish")
    assert api.get(f"{DEPLOYMENTS}/vanish").status_code == 404
    assert emulator.admin.http.get("/accounts/my-account/deployments/vanish").status_code == 404


def test_admin_unknown_path_is_404_in_api_format(emulator: RunningEmulator) -> None:
    response = emulator.admin.http.get("/nothing-here")
    assert response.status_code == 404 and response.json()["code"] == 5


# -- persistence -------------------------------------------------------------------------------------


def test_restart_on_the_same_database_keeps_resources(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with running_emulator(db=db) as first:
        client = Fireworks(api_key=first.api_key, account_id=first.account_id, base_url=first.url, max_retries=0)
        client.deployments.create(base_model=LLAMA, deployment_id="survivor", display_name="persisted")
        client.deployments.create(base_model=LLAMA, deployment_id="soft-gone")
        client.deployments.delete("soft-gone")
        client.deployments.get("soft-gone")
        first.admin.add_account("extra")
        extra_key = first.admin.add_key("extra", "fw-extra-key")
    with running_emulator(db=db) as second:
        client = Fireworks(api_key=second.api_key, account_id=second.account_id, base_url=second.url,
                           max_retries=0)
        survivor = client.deployments.get("survivor")
        assert survivor.display_name == "persisted" and survivor.state == "READY"
        assert client.deployments.get("soft-gone").state == "DELETED"
        assert [d.name for d in client.deployments.list()] == ["accounts/my-account/deployments/survivor"]
        assert len(list(client.models.list(account_id="fireworks"))) == 11  # seeds not duplicated
        extra = httpx.get(second.url + "/v1/accounts/extra", headers={"Authorization": f"Bearer {extra_key['key']}"})
        assert extra.status_code == 200


def test_store_is_safe_under_concurrent_writers(emulator: RunningEmulator) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def work(i: int) -> int:
        with emulator.client() as c:
            c.post(DEPLOYMENTS, params={"deploymentId": f"par-{i}"}, json={"baseModel": LLAMA}).raise_for_status()
            return c.get(f"{DEPLOYMENTS}/par-{i}").status_code

    with ThreadPoolExecutor(16) as pool:
        assert set(pool.map(work, range(48))) == {200}
    listed = httpx.get(emulator.url + DEPLOYMENTS, params={"pageSize": 200},
                       headers={"Authorization": f"Bearer {emulator.api_key}"}).json()
    assert listed["totalSize"] == 48


# -- the command line ----------------------------------------------------------------------------------


def test_cli_prints_its_url_first_and_serves(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pulumi_fireworks.emulator", "--port", "0", "--db", str(tmp_path / "cli.db"),
         "--api-key", "cli-key", "--account-id", "cli-account", "--transition", "2.5"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # blocks until the server announces itself
        prefix = "Fireworks emulator listening on http://127.0.0.1:"
        assert first.startswith(prefix), first + (proc.stderr.read() if proc.poll() is not None else "")
        url = first.strip().rsplit(" ", 1)[1]
        response = httpx.get(url + "/v1/accounts", headers={"Authorization": "Bearer cli-key"})
        assert [a["name"] for a in response.json()["accounts"]] == ["accounts/cli-account"]
        assert httpx.get(url + "/emulator/v1/config").json()["transition"] == {"seconds": 2.5}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_cli_help_documents_the_defaults() -> None:
    env = {**os.environ, "COLUMNS": "200"}  # no line wrapping inside the defaults
    out = subprocess.run([sys.executable, "-m", "pulumi_fireworks.emulator", "--help"], capture_output=True,
                         text=True, check=True, env=env).stdout
    for default in ("8788", "fw-emulator-key", "my-account", ":memory:", "instant"):
        assert default in out


@pytest.mark.parametrize("args", [["--transition", "soon"]])
def test_cli_rejects_bad_arguments(args: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "pulumi_fireworks.emulator", *args], capture_output=True,
                            text=True)
    assert result.returncode == 2
