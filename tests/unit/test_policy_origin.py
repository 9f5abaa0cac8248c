"""The policy pack's requirements.txt installs pulumi-fireworks the way the running package was
installed (PEP 610 ``direct_url.json``), for each origin pip records; no network, no pip.

Distributions are fabricated as ``.dist-info``/``.egg-info`` folders read through
``importlib.metadata.PathDistribution``, the class the real lookup returns.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

import pytest

from pulumi_fireworks.policy import __main__ as cli
from pulumi_fireworks.policy import write_pack
from pulumi_fireworks.policy.origin import POLICY_SDK_FALLBACK, Origin, installed_origin, origin_from
from pulumi_fireworks.policy.scaffold import next_steps, pack_directory

REPO = Path(__file__).resolve().parents[2]
WHEEL = "pulumi_fireworks-0.1.0-py3-none-any.whl"
COMMIT = "7921be1537eac1e97bc40179a57f0349c2aee67d"


def project(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "pyproject.toml").write_text('[project]\nname = "pulumi-fireworks"\n')
    return path


# --- origin_from: one direct_url.json per origin -------------------------------------------


def test_an_index_install_pins_the_installed_version() -> None:
    origin = origin_from(None, "0.1.0")
    assert origin.requirement == "pulumi-fireworks==0.1.0"
    assert origin.problem is None
    assert "--find-links" in origin.source  # the only way to get 0.1.0 today


def test_a_local_wheel_is_installed_again_from_that_file(tmp_path: Path) -> None:
    wheel = tmp_path / "dist dir" / WHEEL
    wheel.parent.mkdir()
    wheel.write_bytes(b"")
    recorded = {"url": wheel.as_uri(), "archive_info": {"hashes": {"sha256": "00"}}}
    origin = origin_from(recorded, "0.1.0")
    assert origin.requirement == f"pulumi-fireworks @ {wheel.as_uri()}"
    assert "%20" in origin.requirement  # a valid URL, spaces and all
    assert origin.source == f"the wheel {wheel}"
    assert origin.problem is None


def test_a_wheel_deleted_since_is_written_with_the_problem_and_what_to_do(tmp_path: Path) -> None:
    wheel = tmp_path / WHEEL
    origin = origin_from({"url": wheel.as_uri(), "archive_info": {}}, "0.1.0")
    assert origin.requirement == f"pulumi-fireworks @ {wheel.as_uri()}"
    assert origin.problem is not None
    assert f"the wheel {wheel} no longer exists" in origin.problem
    assert "--requirement" in origin.problem and "pulumi-fireworks @ file:///path/to/checkout" in origin.problem
    lines = origin.lines()
    assert lines[-1] == origin.requirement
    assert all(line.startswith("# ") for line in lines[:-1])
    assert any(line.startswith("# PROBLEM: the wheel") for line in lines)


def test_a_local_folder_is_a_direct_reference_to_it(tmp_path: Path) -> None:
    checkout = project(tmp_path / "checkout")
    origin = origin_from({"url": checkout.as_uri(), "dir_info": {}}, "0.1.0")
    assert origin == Origin(f"pulumi-fireworks @ {checkout.as_uri()}", f"the folder {checkout}")


def test_an_editable_checkout_stays_editable(tmp_path: Path) -> None:
    checkout = project(tmp_path / "checkout")
    origin = origin_from({"url": checkout.as_uri(), "dir_info": {"editable": True}}, "0.1.0")
    assert origin.requirement == f"-e {checkout.as_uri()}"
    assert "editable" in origin.source and origin.problem is None


def test_a_folder_that_no_longer_holds_the_project_is_a_problem(tmp_path: Path) -> None:
    origin = origin_from({"url": (tmp_path / "gone").as_uri(), "dir_info": {"editable": True}}, "0.1.0")
    assert origin.problem is not None and "no longer holds the pulumi-fireworks project" in origin.problem


def test_a_git_install_is_pinned_to_the_commit_it_recorded() -> None:
    recorded = {
        "url": "https://git.example.com/acme/pulumi-fireworks.git",
        "vcs_info": {"vcs": "git", "requested_revision": "main", "commit_id": COMMIT},
    }
    origin = origin_from(recorded, "0.1.0")
    assert origin.requirement == f"pulumi-fireworks @ git+https://git.example.com/acme/pulumi-fireworks.git@{COMMIT}"
    assert origin.source.endswith(f"at commit {COMMIT}") and origin.problem is None

    # ssh, a subdirectory, and a URL that already carries the prefix
    ssh = origin_from({"url": "ssh://git@git.example.com/acme/mono.git", "subdirectory": "pulumi-fireworks",
                       "vcs_info": {"vcs": "git", "commit_id": COMMIT}}, "0.1.0")
    assert ssh.requirement == (
        f"pulumi-fireworks @ git+ssh://git@git.example.com/acme/mono.git@{COMMIT}#subdirectory=pulumi-fireworks"
    )
    prefixed = origin_from({"url": "git+https://h/r", "vcs_info": {"vcs": "git", "commit_id": COMMIT}}, "0.1.0")
    assert prefixed.requirement == f"pulumi-fireworks @ git+https://h/r@{COMMIT}"


def test_a_remote_archive_is_installed_from_its_url() -> None:
    url = f"https://files.example.com/{WHEEL}"
    origin = origin_from({"url": url, "archive_info": {}}, "0.1.0")
    assert origin == Origin(f"pulumi-fireworks @ {url}", f"the wheel {url}")


# --- installed_origin: which installation the running code comes from ---------------------


def dist_info(
    site: Path, version: str = "0.1.0", direct_url: Optional[dict[str, Any]] = None,
    requires: tuple[str, ...] = ("pulumi-policy<2,>=1.13", "pytest>=8; extra == \"test\""),
    suffix: str = "dist-info",
) -> importlib.metadata.Distribution:
    """An installed distribution's metadata folder in ``site``."""
    folder = site / f"pulumi_fireworks-{version}.{suffix}" if suffix == "dist-info" else site / f"pulumi_fireworks.{suffix}"
    folder.mkdir(parents=True)
    lines = ["Metadata-Version: 2.1", "Name: pulumi-fireworks", f"Version: {version}"]
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    (folder / ("METADATA" if suffix == "dist-info" else "PKG-INFO")).write_text("\n".join(lines) + "\n")
    if direct_url is not None:
        (folder / "direct_url.json").write_text(json.dumps(direct_url))
    return importlib.metadata.PathDistribution(folder)


def package_in(site: Path) -> Path:
    package = site / "pulumi_fireworks"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    return package


def test_installed_from_a_wheel_with_the_policy_sdk_range_it_requires(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    wheel = tmp_path / WHEEL
    wheel.write_bytes(b"")
    dist = dist_info(site, direct_url={"url": wheel.as_uri(), "archive_info": {}},
                     requires=("httpx<1", "pulumi_policy >=1.14, <2", "pulumi-policy==9; extra == \"x\""))
    origin, policy_sdk = installed_origin(package_in(site), [dist])
    assert origin.requirement == f"pulumi-fireworks @ {wheel.as_uri()}"
    assert policy_sdk == "pulumi_policy >=1.14, <2"


def test_installed_from_an_index(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    origin, policy_sdk = installed_origin(package_in(site), [dist_info(site, version="0.2.0")])
    assert origin.requirement == "pulumi-fireworks==0.2.0"
    assert policy_sdk == "pulumi-policy<2,>=1.13"


def test_a_checkout_in_development_is_the_editable_install_not_its_build_metadata(tmp_path: Path) -> None:
    """A dev environment: ``pip install -e`` recorded the checkout; running from the checkout
    also puts its ``pulumi_fireworks.egg-info`` (no direct_url.json) first on sys.path, and
    another environment's copy is around too. The editable install is the one that counts."""
    checkout = project(tmp_path / "checkout")
    package = package_in(checkout)
    in_tree = dist_info(checkout, suffix="egg-info")
    elsewhere = tmp_path / "other-venv"
    package_in(elsewhere)
    other = dist_info(elsewhere, direct_url={"url": (tmp_path / WHEEL).as_uri(), "archive_info": {}})
    editable = dist_info(tmp_path / "venv", direct_url={"url": checkout.as_uri(), "dir_info": {"editable": True}})
    origin, _ = installed_origin(package, [in_tree, other, editable])
    assert origin.requirement == f"-e {checkout.as_uri()}"
    # Without any installation (PYTHONPATH=checkout), the checkout is the origin all the same.
    assert installed_origin(package, [in_tree])[0].requirement == f"-e {checkout.as_uri()}"
    assert installed_origin(package, [])[0].requirement == f"-e {checkout.as_uri()}"


def test_no_metadata_at_all_is_a_problem_naming_the_folder(tmp_path: Path) -> None:
    package = package_in(tmp_path / "somewhere")
    origin, policy_sdk = installed_origin(package, [])
    assert origin.requirement == "pulumi-fireworks"
    assert origin.problem is not None and str(package) in origin.problem
    assert policy_sdk == POLICY_SDK_FALLBACK


def test_the_fallback_policy_sdk_range_and_the_template_are_pyproject_s() -> None:
    [policy_sdk] = re.findall(r'^\s*"(pulumi-policy[^"]*)",', (REPO / "pyproject.toml").read_text(), re.M)
    assert POLICY_SDK_FALLBACK == policy_sdk
    assert (pack_directory() / "requirements.txt").read_text().splitlines() == ["pulumi-fireworks", policy_sdk]


# --- write_pack and `new` -------------------------------------------------------------------


def test_write_pack_writes_the_origin_and_the_policy_sdk(tmp_path: Path) -> None:
    origin = Origin("pulumi-fireworks @ file:///w/x.whl", "the wheel /w/x.whl", "the wheel /w/x.whl no longer exists")
    target = write_pack(tmp_path / "pack", requirement=origin)
    assert (target / "requirements.txt").read_text().splitlines() == [
        "# pulumi-fireworks as installed where the pack was written: the wheel /w/x.whl",
        "# PROBLEM: the wheel /w/x.whl no longer exists",
        "pulumi-fireworks @ file:///w/x.whl",
        installed_origin()[1],
    ]


def test_new_in_this_environment_writes_the_editable_checkout_and_the_next_commands(tmp_path: Path) -> None:
    """This suite runs from ``pip install -e .`` (scripts/env.sh)."""
    done = subprocess.run([sys.executable, "-m", "pulumi_fireworks.policy", "new", "./fireworks-policy"],
                          capture_output=True, text=True, cwd=tmp_path, check=True)
    requirements = (tmp_path / "fireworks-policy" / "requirements.txt").read_text().splitlines()
    assert [line for line in requirements if not line.startswith("#")] == [
        f"-e {REPO.as_uri()}", "pulumi-policy<2,>=1.13"
    ]
    assert done.stderr == ""
    assert f"from the checkout {REPO} (editable" in done.stdout
    assert [f"  {step}" for step in next_steps("./fireworks-policy")] == [
        "  python3 -m venv ./fireworks-policy/venv",
        "  ./fireworks-policy/venv/bin/pip install -r ./fireworks-policy/requirements.txt",
        "  pulumi preview --policy-pack ./fireworks-policy",
    ]
    assert "\n".join(f"  {step}" for step in next_steps("./fireworks-policy")) in done.stdout


def test_new_warns_when_the_origin_is_gone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    gone = origin_from({"url": (tmp_path / WHEEL).as_uri(), "archive_info": {}}, "0.1.0")
    monkeypatch.setattr(cli, "installed_origin", lambda: (gone, POLICY_SDK_FALLBACK))
    assert cli.main(["new", str(tmp_path / "pack")]) == 0
    out, err = capsys.readouterr()
    assert err.startswith(f"warning: the wheel {tmp_path / WHEEL} no longer exists")
    assert "pulumi preview --policy-pack" in out
    assert "# PROBLEM: the wheel" in (tmp_path / "pack" / "requirements.txt").read_text()


def test_next_steps_quote_what_the_shell_would_split() -> None:
    assert next_steps("my packs/guard/") == [
        "python3 -m venv 'my packs/guard/venv'",
        "'my packs/guard/venv/bin/pip' install -r 'my packs/guard/requirements.txt'",
        "pulumi preview --policy-pack 'my packs/guard'",
    ]
