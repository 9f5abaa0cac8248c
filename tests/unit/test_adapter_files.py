"""Which files of a LoRA adapter's source are uploaded, what is left out, and what the
preview says about it (``_adapter_files.py``), through the Model engine's ``check``."""

from __future__ import annotations

import json
import tarfile
import zipfile
from pathlib import Path
from typing import Any, Optional

import pytest

from pulumi_fireworks import _adapter_files, _content
from pulumi_fireworks._adapter_files import AdapterFiles, Where, left_out_entries, select
from pulumi_fireworks._content import DigestCache, LocalFile, content_of, folder_files, memory_file
from pulumi_fireworks._engine import engine_for
from tests.support.content import LLAMA, adapter, checkpoint, write_files

CONFIG = json.dumps({"r": 8, "target_modules": ["q_proj", "v_proj"], "peft_type": "LORA"}).encode()
SAFETENSORS = b"\0" * 64
BIN = b"\1" * 64
ADAPTER = {"adapter_config.json": CONFIG, "adapter_model.safetensors": SAFETENSORS}
TOKENIZER = {"tokenizer.json": b"{}", "tokenizer_config.json": b"{}", "special_tokens_map.json": b"{}"}


def trainer_checkpoint(step: int) -> dict[str, bytes]:
    """What a ``transformers`` Trainer writes into ``checkpoint-<step>/`` of a PEFT model."""
    files = {**ADAPTER, "optimizer.pt": b"o" * 32, "scheduler.pt": b"s", "rng_state.pth": b"r",
             "trainer_state.json": b"{}", "training_args.bin": b"t", "README.md": b"# card", **TOKENIZER}
    return {f"checkpoint-{step}/{name}": data for name, data in files.items()}


# layout -> (files in the folder, uploaded, left-out entries as the note lists them)
LAYOUTS: dict[str, tuple[dict[str, bytes], list[str], list[str]]] = {
    "the adapter alone": (ADAPTER, ["adapter_config.json", "adapter_model.safetensors"], []),
    "PEFT save_pretrained": (
        {**ADAPTER, "README.md": b"---\nlibrary_name: peft\n---\n# Model Card"},
        ["adapter_config.json", "adapter_model.safetensors"], ["README.md"],
    ),
    "a Trainer output dir with checkpoints and the tokenizer": (
        {**ADAPTER, **TOKENIZER, "README.md": b"# card", "training_args.bin": b"t", "all_results.json": b"{}",
         "runs/Jan01/events.out.tfevents": b"e", **trainer_checkpoint(500), **trainer_checkpoint(1000)},
        ["adapter_config.json", "adapter_model.safetensors"],
        ["README.md", "all_results.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json",
         "training_args.bin", "checkpoint-500/", "checkpoint-1000/", "runs/"],
    ),
    "both weight formats: the safetensors": (
        {**ADAPTER, "adapter_model.bin": BIN}, ["adapter_config.json", "adapter_model.safetensors"], ["adapter_model.bin"],
    ),
    "pickled weights only": (
        {"adapter_config.json": CONFIG, "adapter_model.bin": BIN, "README.md": b"#"},
        ["adapter_config.json", "adapter_model.bin"], ["README.md"],
    ),
    "fireworks.json at the top, not below": (
        {**ADAPTER, "fireworks.json": b'{"conversation_config": {"style": "jinja"}}', "extra/fireworks.json": b"{}"},
        ["adapter_config.json", "adapter_model.safetensors", "fireworks.json"], ["extra/"],
    ),
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A program directory (relative paths resolve here), a fresh digest cache, and a
    process that has not said anything yet."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(_content, "_CACHE", DigestCache(tmp_path / "cache"))
    monkeypatch.setattr(_adapter_files, "_told", set())
    return tmp_path


def in_folder(folder: str, files: dict[str, bytes]) -> dict[str, bytes]:
    return {f"{folder}/{name}": data for name, data in files.items()}


def check(source: Any, name: str = "lora", **inputs: Any) -> Any:
    return engine_for("Model").check({}, {"source": source, "base_model": LLAMA, "__name": name, **inputs})


def failure_of(result: Any) -> str:
    assert result.failures, "expected a check failure"
    return str(result.failures[0].reason)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_the_upload_is_what_the_service_takes_from_the_top_level(
    project: Path, layout: str, capsys: pytest.CaptureFixture[str]
) -> None:
    files, uploaded, left_out = LAYOUTS[layout]
    write_files(project, in_folder("run", files))
    result = check("run")
    assert not result.failures, result.failures
    assert sorted(result.inputs["files"]) == uploaded  # the manifest the diff shows: exactly the upload
    # ... and the digest is that of a folder holding only those files
    write_files(project, in_folder("clean", {name: files[name] for name in uploaded}))
    assert result.inputs["content_digest"] == content_of(folder_files("clean")).digest
    assert result.inputs["peft_details"] == {"base_model": LLAMA, "r": 8, "target_modules": ["q_proj", "v_proj"]}
    said = capsys.readouterr().err
    if not left_out:
        assert said == ""
    else:
        count = sum(1 for name in files if name not in uploaded)
        assert said == (
            f"fireworks:Model 'lora': uploading {', '.join(uploaded)}; left out {', '.join(left_out)} "
            f"({count} file{'' if count == 1 else 's'}): a LoRA upload holds only adapter_config.json, one weights file "
            "(adapter_model.safetensors, else adapter_model.bin) and fireworks.json from the folder's top level; "
            "the service refuses any other file\n"
        )


def test_editing_what_is_left_out_changes_nothing_and_the_note_is_said_once_per_resource(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(project, in_folder("run", {**ADAPTER, "README.md": b"# v1", **trainer_checkpoint(10)}))
    first = check("run")
    again = check("run", display_name="other")  # check runs more than once per process
    other = check("run", name="other-lora")
    (project / "run/README.md").write_text("# v2, much longer than before")
    (project / "run/checkpoint-10/optimizer.pt").write_bytes(b"stepped")
    edited = check("run")
    digests = {r.inputs["content_digest"] for r in (first, again, other, edited)}
    assert len(digests) == 1 and edited.inputs["files"] == first.inputs["files"]
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(":", 2)[1] for line in lines] == ["Model 'lora'", "Model 'other-lora'"]
    assert "left out README.md, checkpoint-10/ (12 files)" in lines[0]
    # the adapter itself still counts
    (project / "run/adapter_model.safetensors").write_bytes(b"\2" * 64)
    assert check("run").inputs["content_digest"] not in digests


@pytest.mark.parametrize("layout,needle", [
    ("one checkpoint", "run has no adapter_config.json or adapter weights (adapter_model.safetensors or "
     "adapter_model.bin) at its top level; checkpoint-10/ holds an adapter: point source at run/checkpoint-10"),
    ("several checkpoints", "run has no adapter_config.json or adapter weights (adapter_model.safetensors or "
     "adapter_model.bin) at its top level; 3 checkpoints hold adapters (checkpoint-9/, checkpoint-10/, "
     "checkpoint-100/): point source at the one to upload, run/checkpoint-<step> (the latest is run/checkpoint-100); "
     "the provider does not pick one for you"),
    ("an adapter one folder down", "run has no adapter_config.json or adapter weights (adapter_model.safetensors "
     "or adapter_model.bin) at its top level; final/ holds an adapter: point source at run/final"),
    ("a config at the top, the weights in checkpoints", "run has no adapter weights (adapter_model.safetensors or "
     "adapter_model.bin) at its top level; 2 checkpoints hold adapters"),
    ("no config anywhere", "run has no adapter_config.json: a LoRA adapter needs adapter_config.json, "
     "adapter_model.safetensors or adapter_model.bin and optionally fireworks.json"),
    ("no weights anywhere", "run has no adapter weights (adapter_model.safetensors or adapter_model.bin)"),
])
def test_no_adapter_at_the_top_is_refused_naming_where_one_is(project: Path, layout: str, needle: str) -> None:
    files = {
        "one checkpoint": {**trainer_checkpoint(10), "README.md": b"#"},
        "several checkpoints": {**trainer_checkpoint(100), **trainer_checkpoint(9), **trainer_checkpoint(10), **TOKENIZER},
        "an adapter one folder down": in_folder("final", {**ADAPTER, "README.md": b"#"}),
        "a config at the top, the weights in checkpoints": {"adapter_config.json": CONFIG, **trainer_checkpoint(1),
                                                            **trainer_checkpoint(2)},
        "no config anywhere": {"adapter_model.safetensors": SAFETENSORS, "README.md": b"#"},
        "no weights anywhere": {"adapter_config.json": CONFIG, "README.md": b"#"},
    }[layout]
    write_files(project, in_folder("run", files))
    assert needle in failure_of(check("run/"))
    assert needle in failure_of(check({"archive": "run"}))


def test_archives_and_asset_archives_are_picked_from_the_same_way(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trainer = {**ADAPTER, **TOKENIZER, "README.md": b"# card", **trainer_checkpoint(5)}
    write_files(project, in_folder("run", trainer))
    with zipfile.ZipFile(project / "run.zip", "w") as zipped:
        for name, data in trainer.items():
            zipped.writestr(name, data)
        zipped.writestr("__MACOSX/._README.md", b"fork")
    with tarfile.open(project / "run.tgz", "w:gz") as tarred:
        for path in sorted((project / "run").rglob("*")):
            if path.is_file():
                tarred.add(path, path.relative_to(project / "run").as_posix())
    folder = check("run").inputs
    sources = [{"archive": "run.zip"}, {"archive": "run.tgz"}, {"archive": "run"}, {"assets": {
        "adapter_config.json": {"file": "run/adapter_config.json"},
        "adapter_model.safetensors": {"file": "run/adapter_model.safetensors"},
        "README.md": {"text": "# card"},
        "checkpoints": {"archive": "run"},
    }}]
    for index, source in enumerate(sources):
        checked = check(source, name=f"m{index}").inputs
        assert (checked["files"], checked["content_digest"]) == (folder["files"], folder["content_digest"]), source
    said = capsys.readouterr().err.splitlines()
    assert len(said) == 5 and len({line.split(": ", 1)[1] for line in said[:4]}) == 1  # the same note for each
    assert said[0].startswith("fireworks:Model 'lora': uploading adapter_config.json, adapter_model.safetensors; "
                              "left out README.md, special_tokens_map.json, tokenizer.json, tokenizer_config.json, "
                              "checkpoint-5/ (15 files)")
    assert "left out README.md, checkpoints/ (" in said[4]  # the AssetArchive's nested archive, as one entry


@pytest.mark.parametrize("source,needle", [
    ({"archive": "checkpoints.zip"}, "checkpoints.zip has no adapter_config.json or adapter weights "
     "(adapter_model.safetensors or adapter_model.bin) at its top level; 2 checkpoints hold adapters (checkpoint-1/, "
     "checkpoint-2/): make source a folder or archive with the files of the one to upload at its top level "
     "(the latest checkpoint is checkpoint-2/)"),
    ({"archive": "wrapped.zip"}, "wrapped.zip has no adapter_config.json or adapter weights (adapter_model.safetensors "
     "or adapter_model.bin) at its top level; run/ inside it holds an adapter: make source a folder or archive with "
     "run/'s files at its top level"),
    ({"assets": {"nested": {"archive": "wrapped.zip"}}}, "the AssetArchive has no adapter_config.json or adapter "
     "weights (adapter_model.safetensors or adapter_model.bin) at its top level; nested/run/ inside it holds an adapter"),
])
def test_archives_without_an_adapter_at_the_top_are_refused(project: Path, source: Any, needle: str) -> None:
    with zipfile.ZipFile(project / "checkpoints.zip", "w") as zipped:
        for name, data in {**trainer_checkpoint(1), **trainer_checkpoint(2)}.items():
            zipped.writestr(name, data)
    with zipfile.ZipFile(project / "wrapped.zip", "w") as zipped:  # `zip -r wrapped.zip run`
        for name, data in in_folder("run", {**ADAPTER, "README.md": b"#"}).items():
            zipped.writestr(name, data)
    assert needle in failure_of(check(source))


@pytest.mark.parametrize("extra,needle", [
    (adapter("run", r=128, extra={"README.md": b"#"}), "r (the LoRA rank) is 128"),
    (adapter("run", modules=("q_proj", "lm_head"), extra={"README.md": b"#"}), "target module 'lm_head' is not supported"),
    (adapter("run", extra={"README.md": b"#", "fireworks.json": b'{"conversation_config": {}}'}),
     "fireworks.json: conversation_config must be an object with a style"),
    (adapter("run", extra={"README.md": b"#", "adapter_config.json": b"[1]"}), "adapter_config.json must hold a JSON object"),
])
def test_the_adapter_checks_still_apply_with_files_left_out(project: Path, extra: dict[str, bytes], needle: str) -> None:
    write_files(project, extra)
    assert needle in failure_of(check("run"))


def test_a_base_model_keeps_every_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Base models are unchanged: the service takes extra files in a checkpoint (a model
    card, sub-folders), and a different pick would replace models already uploaded."""
    write_files(project, {**checkpoint("ckpt"), "ckpt/README.md": b"# card", "ckpt/original/params.json": b"{}"})
    checked = engine_for("Model").check({}, {"source": "ckpt", "kind": "HF_BASE_MODEL", "__name": "base"}).inputs
    assert sorted(checked["files"]) == ["README.md", "config.json", "model.safetensors", "original/params.json",
                                        "tokenizer.json", "tokenizer_config.json"]
    assert capsys.readouterr().err == ""


# -- the pieces -------------------------------------------------------------------------------


def files_named(*names: str) -> list[LocalFile]:
    return [memory_file(name, b"x", name) for name in names]


def test_the_note_lists_top_level_files_then_folders_and_stops_at_a_dozen() -> None:
    assert left_out_entries(["b/1", "README.md", "checkpoint-10/a", "checkpoint-9/a", "checkpoint-10/b", "a.txt"]) == [
        "README.md", "a.txt", "b/", "checkpoint-9/", "checkpoint-10/"]
    many = files_named("adapter_config.json", "adapter_model.safetensors", *(f"checkpoint-{i}/x" for i in range(20)))
    note = select(many, Where("run", True)).note("fireworks:Model 'x'")
    assert note is not None
    assert "left out checkpoint-0/, checkpoint-1/, " in note and "checkpoint-11/ and 8 more (20 files):" in note


def test_select_keeps_the_order_it_is_given_and_says_nothing_when_nothing_is_left_out() -> None:
    chosen = select(files_named("adapter_config.json", "adapter_model.bin", "fireworks.json"), Where("run", True))
    assert [f.name for f in chosen.upload] == ["adapter_config.json", "adapter_model.bin", "fireworks.json"]
    assert chosen.left_out == () and chosen.note("fireworks:Model 'x'") is None
    assert AdapterFiles((), ()).note("x") is None


def test_the_note_is_said_once_per_process(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(_adapter_files, "_told", set())
    for line in ("one", "two", "one"):
        _adapter_files.tell_once(line)
    assert capsys.readouterr().err == "one\ntwo\n"


def where(source: Any) -> Optional[Where]:
    return _adapter_files.where_of(source)


def test_how_sources_are_named(project: Path) -> None:
    (project / "dir").mkdir()
    (project / "a.zip").write_bytes(b"")
    assert where("dir/") == Where("dir", True)
    assert where({"archive": "dir"}) == Where("dir", True)
    assert where({"archive": "a.zip"}) == Where("a.zip", False)
    assert where({"assets": {}}) == Where("the AssetArchive", False)
