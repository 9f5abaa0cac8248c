"""A stack's life through the real engine: preview, up, refresh, update, export, destroy.

Also: the engine version, how a failing program is reported, and a Python policy pack. Which
interpreter runs the program for each runtime option: tests/langhost/test_language_host.py.
Assertions are on what the engine reported (change summaries, step ops per resource, state), not
only on exit codes.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pulumi import automation as auto

from tests.langhost.tiny_resource import TINY_TYPE
from tests.support.engine import (
    BUILT_ENGINE_VERSION,
    EngineEnv,
    engine_is_ours,
    write_python_policy_pack,
    write_python_project,
)


TINY_PROGRAM = """
    import pulumi
    from tests.langhost.tiny_resource import Tiny

    thing = Tiny("thing", value=pulumi.Config().get("value") or "hello")
    pulumi.export("value", thing.value)
    pulumi.export("length", thing.length)
"""


def _calls(engine_env: EngineEnv, method: str) -> list[dict]:
    return [c for c in engine_env.langhost_calls() if c["method"] == method]


def test_engine_version(engine_env: EngineEnv) -> None:
    out = engine_env.run_cli(["version"]).stdout.strip()
    if engine_is_ours(engine_env.bin_dir):
        assert out == BUILT_ENGINE_VERSION
    else:  # a user's own pulumi on PATH
        major, minor = (int(x) for x in re.match(r"v?(\d+)\.(\d+)", out).groups())  # type: ignore[union-attr]
        assert (major, minor) >= (3, 200), out


def test_stack_lifecycle(engine_env: EngineEnv, tmp_path: Path) -> None:
    project = write_python_project(tmp_path / "proj", "tiny-lifecycle", TINY_PROGRAM)
    stack = engine_env.stack(project)

    # 1. First preview: the stack and the resource are to be created.
    preview = stack.preview()
    assert preview.change_summary == {"create": 2}
    assert preview.ops_for_type(TINY_TYPE) == ["create"]
    # Helpers are found next to the binary and on PATH as the same file: no engine warning.
    assert "from $PATH" not in preview.stdout + preview.stderr

    # 2. up creates them; outputs computed by the dynamic provider.
    up = stack.up()
    assert up.change_summary == {"create": 2}
    assert up.ops_for_type(TINY_TYPE) == ["create"]
    assert up.outputs == {"value": "hello", "length": 5}

    # 3. Nothing changed: only "same".
    again = stack.preview()
    assert again.change_summary == {"same": 2}
    assert again.ops_for_type(TINY_TYPE) == ["same"]

    # 4. refresh reads the resource back; it is unchanged.
    refresh = stack.refresh()
    assert refresh.change_summary == {"same": 2}

    # 5. A changed input is an in-place update (not a replace), with the new output.
    stack.set_config("value", "world!")
    changed = stack.up()
    assert changed.change_summary == {"update": 1, "same": 1}
    assert changed.ops_for_type(TINY_TYPE) == ["update"]
    assert changed.outputs == {"value": "world!", "length": 6}

    # 6. The state holds the resource with its outputs.
    (tiny,) = stack.resources(TINY_TYPE)
    assert tiny["urn"].endswith(f"::{TINY_TYPE}::thing")
    assert tiny["id"].startswith("tiny-")
    assert tiny["outputs"]["value"] == "world!"
    assert tiny["outputs"]["length"] == 6
    assert "__provider" in tiny["inputs"]  # the pickled dynamic provider

    # 7. destroy deletes both; the stack is empty afterwards.
    destroy = stack.destroy()
    assert destroy.change_summary == {"delete": 2}
    assert stack.resources() == []

    if engine_is_ours(engine_env.bin_dir):
        # What the engine asked our language host: required packages, then the program (dry run
        # for previews, for real for updates; the Automation API's up skips the preview, and
        # refresh/destroy do not run the program).
        runs = _calls(engine_env, "Run")
        assert [r["dry_run"] for r in runs] == [True, False, True, False]
        assert _calls(engine_env, "GetRequiredPackages")
        assert all(c["packages"] == [] for c in _calls(engine_env, "GetRequiredPackages"))


def test_program_error_reaches_engine_output(engine_env: EngineEnv, tmp_path: Path) -> None:
    project = write_python_project(
        tmp_path / "proj",
        "failing",
        """
        def helper():
            raise ValueError("boom from the user program")

        helper()
        """,
    )
    stack = engine_env.stack(project)
    with pytest.raises(auto.CommandError) as caught:
        stack.preview()
    message = str(caught.value)
    # As with the official executor: the traceback, from the user's own frames on, is the stack's
    # error diagnostic, and the host answers `bail`, so the engine adds no "unhandled error" line.
    assert "Program failed with an unhandled exception:\n" in message
    assert "Traceback (most recent call last)" in message
    assert 'line 4, in <module>' in message and 'line 2, in helper' in message
    assert "ValueError: boom from the user program" in message
    assert "runpy" not in message and "pulumi-language-python-exec" not in message
    assert "an unhandled error occurred" not in message
    assert "1 errored" in message


POLICY_PACK = """
    from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


    def no_forbidden_value(args, report_violation):
        if args.resource_type.endswith(":Tiny") and args.props.get("value") == "forbidden":
            report_violation("tiny value 'forbidden' is not allowed here")


    PolicyPack(
        name="tiny-policy",
        enforcement_level=EnforcementLevel.MANDATORY,
        policies=[
            ResourceValidationPolicy(
                name="no-forbidden-tiny-value",
                description="Tiny resources must not use the value 'forbidden'.",
                validate=no_forbidden_value,
            )
        ],
    )
"""


def test_python_policy_pack(engine_env: EngineEnv, tmp_path: Path) -> None:
    project = write_python_project(tmp_path / "proj", "tiny-policy-target", TINY_PROGRAM)
    pack = write_python_policy_pack(tmp_path / "pack", POLICY_PACK)
    stack = engine_env.stack(project)

    ok = stack.preview(policy_packs=[str(pack)])
    assert ok.change_summary == {"create": 2}
    assert "tiny-policy" in ok.stdout  # the pack ran and passed

    stack.set_config("value", "forbidden")
    with pytest.raises(auto.CommandError) as caught:
        stack.preview(policy_packs=[str(pack)])
    message = str(caught.value)
    assert "no-forbidden-tiny-value" in message
    assert "[mandatory]" in message
    assert "tiny value 'forbidden' is not allowed here" in message

    if engine_is_ours(engine_env.bin_dir):
        plugin_runs = _calls(engine_env, "RunPlugin")
        assert plugin_runs and all(c["kind"] == "analyzer" for c in plugin_runs)
        assert {c["program_directory"] for c in plugin_runs} == {str(pack)}


def test_helpers_are_next_to_engine(engine_env: EngineEnv) -> None:
    """Our engine dir carries the helpers the engine launches (the repo's current copies)."""
    if not engine_is_ours(engine_env.bin_dir):
        # A user's install ships the official helpers instead; check they are there.
        assert (engine_env.bin_dir / "pulumi-language-python").exists()
        return
    repo_engine = Path(__file__).resolve().parents[2] / "scripts" / "engine"
    for name in ("pulumi-language-python", "pulumi-language-python-exec", "language_host.py",
                 "langhost_toolchain.py", "langhost_probe.py", "pulumi-resource-pulumi-python"):
        installed = engine_env.bin_dir / name
        assert installed.read_bytes() == (repo_engine / name).read_bytes(), name
        assert installed.stat().st_mode & 0o111, name


def test_config_and_settings_reach_program(engine_env: EngineEnv, tmp_path: Path) -> None:
    """Plain and secret config, project, stack and organization arrive in the program."""
    project = write_python_project(
        tmp_path / "proj",
        "config-check",
        """
        import pulumi
        from pulumi.runtime.config import is_config_secret

        cfg = pulumi.Config()
        pulumi.export("plain", cfg.require("plain"))
        pulumi.export("token", cfg.require_secret("token"))
        pulumi.export("token_key_is_secret", is_config_secret("config-check:token"))
        pulumi.export("where", f"{pulumi.get_organization()}/{pulumi.get_project()}/{pulumi.get_stack()}")
        """,
    )
    stack = engine_env.stack(project, stack_name="cfg", config={"plain": "p"}, secret_config={"token": "s3cr3t"})
    up = stack.up()
    assert up.outputs == {
        "plain": "p",
        "token": "s3cr3t",
        "token_key_is_secret": True,
        "where": "organization/config-check/cfg",
    }
    assert up.secret_outputs == {"token"}
