"""Write adapter/adapter_model.safetensors: a tiny, valid LoRA adapter for the example.

Real adapters come out of a training run (PEFT's `save_pretrained`); this one has the
same layout (rank 8 on q_proj and v_proj of one layer, safetensors format) but tiny
tensors, so the example ships in a few kilobytes. Deterministic: running it again
writes the same bytes, so `pulumi preview` shows no change.

    python make_adapter.py
"""

import json
import struct
from pathlib import Path

RANK, WIDTH = 8, 16


def tensor(rows: int, cols: int, seed: int) -> bytes:
    return b"".join(struct.pack("<f", ((i * 7 + seed) % 13 - 6) / 100.0) for i in range(rows * cols))


def main() -> None:
    tensors = {}
    for module, seed in (("q_proj", 1), ("v_proj", 2)):
        prefix = f"base_model.model.model.layers.0.self_attn.{module}"
        tensors[f"{prefix}.lora_A.weight"] = ([RANK, WIDTH], tensor(RANK, WIDTH, seed))
        tensors[f"{prefix}.lora_B.weight"] = ([WIDTH, RANK], bytes(4 * WIDTH * RANK))  # B starts at zero
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    data, offset = b"", 0
    for name, (shape, raw) in tensors.items():
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        data += raw
        offset += len(raw)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)  # the header is padded to 8 bytes
    path = Path(__file__).with_name("adapter") / "adapter_model.safetensors"
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + data)
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
