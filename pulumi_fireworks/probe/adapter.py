"""The LoRA adapter the probe uploads: valid, all zeros, for ``llama-v3p1-8b-instruct``.

PEFT's layout (``adapter_config.json`` and ``adapter_model.safetensors`` with the
``base_model.model.model.layers.<i>.self_attn.<module>.lora_{A,B}.weight`` tensors) with
the shapes Llama 3.1 8B takes (hidden size 4096, 32 layers, 8 KV heads of 128), rank 8 on
``q_proj`` and ``v_proj``, in BF16: about 6.8 MB. Zero weights change nothing in the base
model, and a model that is never loaded costs nothing. The shapes are real so that a
service which checks the tensors against the base model has nothing to refuse.
"""

from __future__ import annotations

import json
import struct

__all__ = ["BASE_MODEL", "RANK", "TARGET_MODULES", "adapter_files"]

BASE_MODEL = "accounts/fireworks/models/llama-v3p1-8b-instruct"
RANK = 8
TARGET_MODULES = ("q_proj", "v_proj")

_HF_BASE = "meta-llama/Llama-3.1-8B-Instruct"
_LAYERS = 32
_HIDDEN = 4096
#: Output size of each target module: q_proj is hidden -> hidden, v_proj hidden -> 8 KV heads x 128.
_OUT = {"q_proj": 4096, "v_proj": 1024}
_BF16 = 2


def adapter_config() -> bytes:
    return json.dumps(
        {
            "base_model_name_or_path": _HF_BASE,
            "peft_type": "LORA",
            "task_type": "CAUSAL_LM",
            "r": RANK,
            "lora_alpha": 2 * RANK,
            "lora_dropout": 0.0,
            "target_modules": list(TARGET_MODULES),
            "bias": "none",
        },
        indent=2,
    ).encode()


def safetensors() -> bytes:
    """A safetensors file (8-byte header length, JSON header, raw data) of zero tensors."""
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for layer in range(_LAYERS):
        for module in TARGET_MODULES:
            stem = f"base_model.model.model.layers.{layer}.self_attn.{module}"
            for part, shape in (("lora_A", [RANK, _HIDDEN]), ("lora_B", [_OUT[module], RANK])):
                size = shape[0] * shape[1] * _BF16
                header[f"{stem}.{part}.weight"] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + size]}
                offset += size
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)  # the data starts 8-byte aligned, as safetensors writes it
    return struct.pack("<Q", len(encoded)) + encoded + bytes(offset)


def adapter_files() -> dict[str, bytes]:
    """File name -> content of the adapter upload."""
    return {"adapter_config.json": adapter_config(), "adapter_model.safetensors": safetensors()}
