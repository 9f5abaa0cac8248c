"""Read-only seed data: the public ``fireworks`` account's base models, deployment shapes
and shape versions, plus the configured account and its API key.

Seeding is "insert if absent", so restarting on an existing database keeps its state.
Per-base-model deployment defaults (accelerator type/count, precision used when a
deployment names no shape) are emulator knowledge, not API fields: they live in the
model record's ``meta["deploymentDefaults"]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, Optional

from .._wire.account import Account
from .._wire.deployment_shape import DeploymentShape, DeploymentShapeVersion
from .._wire.model import BaseModelDetails, ConversationConfig, Model
from .auth import PUBLIC_ACCOUNT
from .store import Record

if TYPE_CHECKING:
    from .backend import Backend

SEED_TIME = "2025-01-15T00:00:00Z"
PUBLIC_MODELS = f"accounts/{PUBLIC_ACCOUNT}/models"

#: Fallback deployment defaults for a model without its own (own uploads, adapters).
FALLBACK_DEFAULTS = {"acceleratorType": "NVIDIA_A100_80GB", "acceleratorCount": 1, "precision": "FP16"}


class BaseModelSeed(NamedTuple):
    id: str
    display_name: str
    parameter_count: str
    model_type: str
    context_length: int
    accelerator: tuple[str, int, str]  # deployment default: type, count, precision
    moe: bool = False
    chat: bool = True
    tools: bool = True
    image: bool = False
    mtp: bool = False
    draft: Optional[tuple[str, int]] = None  # default draft model id, token count
    hf: str = ""


BASE_MODELS: tuple[BaseModelSeed, ...] = (
    BaseModelSeed("deepseek-v3p1", "DeepSeek V3.1", "671026419200", "deepseek_v3", 163840,
                  ("NVIDIA_H200_141GB", 8, "FP8"), moe=True, mtp=True, hf="deepseek-ai/DeepSeek-V3.1"),
    BaseModelSeed("llama-v3p1-8b-instruct", "Llama 3.1 8B Instruct", "8030261248", "llama", 131072,
                  ("NVIDIA_A100_80GB", 1, "FP16"), hf="meta-llama/Llama-3.1-8B-Instruct"),
    BaseModelSeed("llama-v3p2-1b-instruct", "Llama 3.2 1B Instruct", "1235814400", "llama", 131072,
                  ("NVIDIA_A100_80GB", 1, "FP16"), tools=False, hf="meta-llama/Llama-3.2-1B-Instruct"),
    BaseModelSeed("llama-v3p2-3b-instruct", "Llama 3.2 3B Instruct", "3212749824", "llama", 131072,
                  ("NVIDIA_A100_80GB", 1, "FP16"), tools=False, hf="meta-llama/Llama-3.2-3B-Instruct"),
    BaseModelSeed("llama-v3p3-70b-instruct", "Llama 3.3 70B Instruct", "70553706496", "llama", 131072,
                  ("NVIDIA_H100_80GB", 2, "FP8"), draft=("llama-v3p2-1b-instruct", 4),
                  hf="meta-llama/Llama-3.3-70B-Instruct"),
    BaseModelSeed("gpt-oss-120b", "OpenAI gpt-oss-120b", "116829156672", "gpt_oss", 131072,
                  ("NVIDIA_H100_80GB", 2, "FP8"), moe=True, hf="openai/gpt-oss-120b"),
    BaseModelSeed("qwen3-235b-a22b", "Qwen3 235B A22B", "235093634560", "qwen3_moe", 131072,
                  ("NVIDIA_H200_141GB", 4, "FP8"), moe=True, hf="Qwen/Qwen3-235B-A22B"),
    BaseModelSeed("qwen3-0p6b", "Qwen3 0.6B", "751632384", "qwen3", 40960,
                  ("NVIDIA_A100_80GB", 1, "FP16"), hf="Qwen/Qwen3-0.6B"),
    BaseModelSeed("qwen2p5-vl-32b-instruct", "Qwen2.5-VL 32B Instruct", "33452718336", "qwen2_5_vl", 128000,
                  ("NVIDIA_H100_80GB", 2, "FP16"), image=True, hf="Qwen/Qwen2.5-VL-32B-Instruct"),
    BaseModelSeed("kimi-k2-instruct-0905", "Kimi K2 Instruct 0905", "1026408232448", "kimi_k2", 262144,
                  ("NVIDIA_H200_141GB", 8, "FP8"), moe=True, hf="moonshotai/Kimi-K2-Instruct-0905"),
    BaseModelSeed("mixtral-8x7b", "Mixtral MoE 8x7B", "46702792704", "mixtral", 32768,
                  ("NVIDIA_A100_80GB", 2, "FP16"), moe=True, chat=False, tools=False,
                  hf="mistralai/Mixtral-8x7B-v0.1"),
)


class ShapeSeed(NamedTuple):
    id: str
    base_model: str
    preset: str
    accelerator: tuple[str, int, str]
    #: (version id, validated); the last validated one is ``latestValidated``.
    versions: tuple[tuple[str, bool], ...]


SHAPES: tuple[ShapeSeed, ...] = (
    ShapeSeed("llama-v3p1-8b-instruct-fast", "llama-v3p1-8b-instruct", "FAST",
              ("NVIDIA_H100_80GB", 1, "FP8"), (("v1", True), ("v2", True))),
    ShapeSeed("llama-v3p1-8b-instruct-minimal", "llama-v3p1-8b-instruct", "MINIMAL",
              ("NVIDIA_A100_80GB", 1, "FP16"), (("v1", True), ("v2", True), ("v3", False))),
    ShapeSeed("llama-v3p3-70b-instruct-throughput", "llama-v3p3-70b-instruct", "THROUGHPUT",
              ("NVIDIA_H200_141GB", 4, "FP8"), (("v1", True),)),
    ShapeSeed("deepseek-v3p1-fast", "deepseek-v3p1", "FAST",
              ("NVIDIA_H200_141GB", 8, "FP8"), (("v1", True), ("v2", True))),
    ShapeSeed("qwen3-0p6b-minimal", "qwen3-0p6b", "MINIMAL",
              ("NVIDIA_A100_80GB", 1, "FP16"), (("v1", True),)),
    ShapeSeed("gpt-oss-120b-throughput", "gpt-oss-120b", "THROUGHPUT",
              ("NVIDIA_H100_80GB", 4, "FP8"), (("v1", False),)),
)


def _model(seed: BaseModelSeed) -> dict[str, Any]:
    accel_type, world_size, precision = seed.accelerator
    model = Model(
        display_name=seed.display_name,
        description=f"{seed.display_name} (emulated public base model)",
        kind="HF_BASE_MODEL",
        base_model_details=BaseModelDetails(
            world_size=world_size,
            checkpoint_format="HUGGINGFACE",
            parameter_count=seed.parameter_count,
            moe=seed.moe,
            tunable=True,
            model_type=seed.model_type,
            supports_fireattention=True,
            default_precision="FP16" if precision == "FP16" else "FP8",
            supports_mtp=seed.mtp or None,
        ),
        public=True,
        conversation_config=ConversationConfig(style="jinja") if seed.chat else None,
        context_length=seed.context_length,
        supports_image_input=seed.image,
        supports_tools=seed.tools,
        supports_lora=True,
        hugging_face_url=f"https://huggingface.co/{seed.hf}" if seed.hf else None,
        default_draft_model=f"{PUBLIC_MODELS}/{seed.draft[0]}" if seed.draft else None,
        default_draft_token_count=seed.draft[1] if seed.draft else None,
    ).to_wire()
    model.update(
        name=f"{PUBLIC_MODELS}/{seed.id}",
        createTime=SEED_TIME,
        updateTime=SEED_TIME,
        state="READY",
        status={"code": "OK", "message": ""},
        calibrated=True,
        tunable=True,
        supportsServerless=seed.id in ("deepseek-v3p1", "llama-v3p1-8b-instruct", "gpt-oss-120b"),
        supportedPrecisions=["FP16", "FP8"],
    )
    return model


def _shape_docs(seed: ShapeSeed) -> list[tuple[str, dict[str, Any]]]:
    base = f"{PUBLIC_MODELS}/{seed.base_model}"
    model_seed = next(m for m in BASE_MODELS if m.id == seed.base_model)
    accel_type, count, precision = seed.accelerator
    shape_name = f"accounts/{PUBLIC_ACCOUNT}/deploymentShapes/{seed.id}"
    snapshot = DeploymentShape(
        display_name=f"{model_seed.display_name} ({seed.preset.lower()})",
        base_model=base,
        model_type=model_seed.model_type,
        parameter_count=model_seed.parameter_count,
        accelerator_type=accel_type,
        accelerator_count=count,
        precision=precision,
        preset_type=seed.preset,
        max_context_length=model_seed.context_length,
    ).to_wire()
    latest = max((i for i, (_, ok) in enumerate(seed.versions) if ok), default=None)
    docs = [(shape_name, {**snapshot, "name": shape_name, "createTime": SEED_TIME, "updateTime": SEED_TIME})]
    for i, (version, validated) in enumerate(seed.versions):
        name = f"{shape_name}/versions/{version}"
        created = f"2025-01-{15 + i:02d}T00:00:00Z"
        doc = DeploymentShapeVersion(validated=validated, latest_validated=i == latest, public=True).to_wire()
        doc.update(name=name, createTime=created,
                   snapshot={**snapshot, "name": shape_name, "createTime": SEED_TIME, "updateTime": created})
        docs.append((name, doc))
    return docs


def account_doc(account_id: str, *, display_name: Optional[str] = None, email: Optional[str] = None,
                created: str = SEED_TIME) -> dict[str, Any]:
    doc = Account(
        display_name=display_name or account_id,
        email=email or f"{account_id}@example.com",
        account_type="ACCOUNT_TYPE_UNSPECIFIED",
    ).to_wire()
    doc.update(name=f"accounts/{account_id}", createTime=created, updateTime=created, state="READY",
               status={"code": "OK", "message": ""}, suspendState="UNSUSPENDED")
    return doc


def seed_records() -> list[Record]:
    records = [Record(f"accounts/{PUBLIC_ACCOUNT}", account_doc(PUBLIC_ACCOUNT, display_name="Fireworks AI",
                                                                email="support@fireworks.ai"))]
    for model in BASE_MODELS:
        accel_type, count, precision = model.accelerator
        defaults = {"acceleratorType": accel_type, "acceleratorCount": count, "precision": precision}
        records.append(Record(f"{PUBLIC_MODELS}/{model.id}", _model(model), {"deploymentDefaults": defaults}))
    for shape in SHAPES:
        records.extend(Record(name, doc) for name, doc in _shape_docs(shape))
    return records


def seed(backend: "Backend") -> None:
    """Insert the seeds that are missing, the configured account, and its key."""
    config, store = backend.config, backend.store
    with store.transaction():
        for record in seed_records() + [Record(f"accounts/{config.account_id}", account_doc(config.account_id))]:
            if store.get(record.name) is None:
                store.insert(record)
        store.add_credential(config.account_id, config.api_key, label="configured key")
