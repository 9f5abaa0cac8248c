"""Local files for Model and Dataset tests: a small LoRA adapter, a base-model checkpoint
and chat rows, as ``relative path -> bytes`` maps to write into a project."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

#: Base models the emulator seeds (as the real catalogue has them), used across the tests.
LLAMA = "accounts/fireworks/models/llama-v3p1-8b-instruct"
QWEN = "accounts/fireworks/models/qwen3-0p6b"


def adapter(folder: str, *, r: Any = 8, modules: Any = ("q_proj", "v_proj"), weights: bytes = b"\0" * 4096,
            extra: dict[str, bytes] | None = None) -> dict[str, bytes]:
    config = {"r": r, "target_modules": list(modules) if isinstance(modules, tuple) else modules,
              "base_model_name_or_path": "meta-llama/Llama-3.1-8B-Instruct", "peft_type": "LORA"}
    files = {"adapter_config.json": json.dumps(config).encode(), "adapter_model.safetensors": weights, **(extra or {})}
    return {f"{folder}/{name}": data for name, data in files.items()}


def checkpoint(folder: str, *, config: dict[str, Any] | None = None, tokenizer: bool = True) -> dict[str, bytes]:
    files = {
        "config.json": json.dumps(config or {"model_type": "llama", "hidden_size": 64}).encode(),
        "model.safetensors": b"\1" * 8192,
    }
    if tokenizer:
        files["tokenizer_config.json"] = b'{"chat_template": "{{ messages }}"}'
        files["tokenizer.json"] = b'{"version": "1.0"}'
    return {f"{folder}/{name}": data for name, data in files.items()}


def chat_rows(count: int, answer: str = "hello") -> bytes:
    rows = [{"messages": [{"role": "user", "content": f"question {i}"}, {"role": "assistant", "content": answer}]}
            for i in range(count)]
    return b"".join(json.dumps(row).encode() + b"\n" for row in rows)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_files(directory: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` (relative path -> bytes) below ``directory``."""
    for relative, data in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
