"""``fireworks:Model`` — a custom model uploaded from local files: a LoRA adapter or a base model.

API object: ``accounts/{account}/models/{model_id}`` (https://docs.fireworks.ai/api-reference/create-model;
SDK ``fireworks/resources/models.py``). The create is four calls (the "4-step process" of
https://docs.fireworks.ai/models/uploading-custom-models): create (``UPLOADING``),
``:getUploadEndpoint`` with every file and its size, a PUT of each file to its signed URL,
``GET :validateUpload``; then the
wait for ``READY``. What is shared with Dataset (content digests, the upload step,
cleanup) is in ``_uploaded.py``; this file says what a model's files must be, what
they imply, and which inputs replace the model.

* A LoRA adapter (kind ``HF_PEFT_ADDON``, the default) is uploaded as
  ``adapter_config.json``, ``adapter_model.safetensors`` (or ``.bin``) and optionally
  ``fireworks.json``, the only files the service accepts; they are picked from the top
  level of the folder, and the rest (a ``README.md``, tokenizer files, checkpoints) is
  left out, as the preview says (see ``_adapter_files.py``). ``peft_details`` (rank,
  target modules) come from ``adapter_config.json`` unless given; ``base_model`` names
  the Fireworks model it was trained on.
* A base model (kind ``HF_BASE_MODEL``) is a Hugging Face checkpoint folder:
  ``config.json`` (without ``quantization_config``), weights (with their
  ``*.index.json`` when sharded) and tokenizer files. ``base_model_details`` default to
  ``checkpoint_format: HUGGINGFACE`` and the ``model_type`` of ``config.json``.
* Files, kind, base model and PEFT/base-model details replace the model (the API cannot
  change an uploaded model's files); every other field is updated in place.
"""

from __future__ import annotations

import json
import posixpath
from typing import Annotated, Any, Literal, Mapping, Optional

from pydantic import Field, field_validator
from pulumi.dynamic import CheckFailure

from ._adapter_files import adapter_upload
from ._content import Content, LocalFile, SourceError, content_of
from ._http import Client
from ._fields import SERVER_DECIDES, field
from ._inputs import InputsModel, is_unknown
from ._spec import Props
from ._types import AdoptExisting, Bool, DisplayName, Duration, Int, ModelName, ResourceId, adopt_field, at_least
from ._uploaded import SOURCE, ContentProblem, Source, UploadingEngine, source_files, source_form, uploaded_spec
from ._wire.model import (
    ADAPTER_CHAT_CONFIG,
    ADAPTER_CONFIG,
    BASE_CONFIG,
    NOT_WEIGHTS,
    PEFT_RANK_MAX,
    PEFT_RANK_MIN,
    SUPPORTED_TARGET_MODULES,
    CheckpointFormat,
    SnapshotType,
    TargetModule,
    TOKENIZER_CONFIG,
    TOKENIZER_VOCABS,
    WEIGHT_SUFFIXES,
)
from ._wire.model import Model as ModelWire

ADDON = "HF_PEFT_ADDON"
BASE = "HF_BASE_MODEL"
Kind = Literal["HF_PEFT_ADDON", "HF_BASE_MODEL"]
Rank = Annotated[Int, Field(ge=PEFT_RANK_MIN, le=PEFT_RANK_MAX)]


class PeftDetailsInputs(InputsModel):
    base_model: Optional[ModelName] = Field(default=None, description="Same as the model's base_model (set one).")
    r: Optional[Rank] = Field(default=None, description="LoRA rank, 4-64; read from adapter_config.json when unset.")
    target_modules: Optional[list[TargetModule]] = Field(
        default=None, min_length=1, description="Read from adapter_config.json when unset."
    )
    merge_addon_model_name: Optional[str] = None


class BaseModelDetailsInputs(InputsModel):
    # ``model_type`` starts with pydantic's reserved ``model_`` prefix.
    model_config = {**InputsModel.model_config, "protected_namespaces": ()}

    checkpoint_format: Optional[CheckpointFormat] = Field(default=None, description="Default HUGGINGFACE.")
    model_type: Optional[str] = Field(default=None, description="Default: model_type of config.json.")
    world_size: Optional[Int] = Field(default=None, ge=1, description="GPUs the model needs; the API's default is 1.")
    parameter_count: Optional[Int] = Field(default=None, ge=1)
    moe: Optional[Bool] = None
    tunable: Optional[Bool] = None
    supports_fireattention: Optional[Bool] = None
    supports_mtp: Optional[Bool] = None
    # No default_precision: SDK 1.2.30 has it on the Model it reads, not on the one it
    # sends (output only); clients send none (the docs' REST example, firectl), and a
    # base model's precisions come from its weights and `:prepare`.


class ConversationConfigInputs(InputsModel):
    style: str = Field(min_length=1, description="e.g. 'jinja'.")
    system: Optional[str] = None
    template: Optional[str] = Field(default=None, description="The Jinja template, when style is 'jinja'.")


class DateInputs(InputsModel):
    year: Int = Field(ge=1, le=9999)
    month: Int = Field(ge=1, le=12)
    day: Int = Field(ge=1, le=31)


class ModelInputs(InputsModel):
    """Validation and canonical form of Model inputs; the published input schema."""

    # The files cannot be uploaded again (content_digest replaces); kind and the details
    # are fixed at create; conversation_config is IMMUTABLE in the gateway proto
    # (fireworks-ai 0.19.20) although SDK 1.2.30's update accepts it: replacing works either way.
    source: Source = field(
        "The model's files: a local folder (relative to the program's directory), a pulumi.FileArchive "
        "(folder, .zip or .tar) or a pulumi.AssetArchive. Their content replaces the model on change",
        required=True, provider_only=True, arg_type="str | pulumi.Archive",
    )
    kind: Optional[Kind] = field("HF_PEFT_ADDON (a LoRA adapter, the default) or HF_BASE_MODEL", replaces=True,
                                 unset=SERVER_DECIDES)
    base_model: Optional[ModelName] = field("A LoRA adapter's base model (sent as peft_details.base_model)",
                                            replaces=True, provider_only=True)
    peft_details: Optional[PeftDetailsInputs] = field("LoRA details; read from adapter_config.json when unset",
                                                      replaces=True, unset=SERVER_DECIDES)
    base_model_details: Optional[BaseModelDetailsInputs] = field("Base-model details", replaces=True, unset=SERVER_DECIDES)
    model_id: Optional[ResourceId] = field("Id of the model; derived from the resource name and content when unset")
    display_name: Optional[DisplayName] = field(unset=SERVER_DECIDES)
    description: Optional[str] = field(unset="", max_length=999)
    github_url: Optional[str] = field(unset="")
    hugging_face_url: Optional[str] = field(unset="")
    public: Optional[Bool] = field("Publish the model to every Fireworks account", unset=False)
    conversation_config: Optional[ConversationConfigInputs] = field(replaces=True, unset=SERVER_DECIDES)
    context_length: Optional[Int] = field(unset=SERVER_DECIDES, ge=0)
    training_context_length: Optional[Int] = field(unset=SERVER_DECIDES, ge=0)
    supports_image_input: Optional[Bool] = field(unset=SERVER_DECIDES)
    supports_tools: Optional[Bool] = field(unset=SERVER_DECIDES)
    supports_lora: Optional[Bool] = field(unset=SERVER_DECIDES)
    use_hf_apply_chat_template: Optional[Bool] = field(unset=SERVER_DECIDES)
    default_draft_model: Optional[ModelName] = field(unset="")
    default_draft_token_count: Optional[Int] = field(unset=0, ge=1)
    deprecation_date: Optional[DateInputs] = field(unset=None)
    snapshot_type: Optional[SnapshotType] = field(unset=SERVER_DECIDES)
    wait_timeout: Optional[Annotated[Duration, at_least(1)]] = field("How long create and delete wait; default 1h",
                                                                     provider_only=True)
    adopt_existing: AdoptExisting = adopt_field()

    _source_form = field_validator("source", mode="before")(source_form)

    def cross_field_errors(self) -> list[tuple[str, str]]:
        errors: list[tuple[str, str]] = []
        if self.kind == BASE:
            for name in ("base_model", "peft_details"):
                if getattr(self, name) is not None:
                    errors.append((name, "belongs to a LoRA adapter (kind HF_PEFT_ADDON), not to kind HF_BASE_MODEL"))
        elif self.base_model_details is not None:
            errors.append(("base_model_details", "belongs to kind HF_BASE_MODEL; an adapter has peft_details"))
        peft_base = self.peft_details.base_model if self.peft_details else None
        if self.base_model and peft_base and peft_base != self.base_model:
            errors.append(("peft_details.base_model", f"is {peft_base} but base_model is {self.base_model}; set one of them"))
        if self.default_draft_model and self.default_draft_token_count is None:
            errors.append(("default_draft_token_count", "is required with default_draft_model"))
        return errors


class ModelEngine(UploadingEngine):
    spec = uploaded_spec(
        type_name="Model",
        collection="models",
        collection_key="models",
        inputs_model=ModelInputs,
        wire_model=ModelWire,
        id_field="model_id",
        # Create takes {"modelId": ..., "model": {...}} (SDK fireworks/types/model_create_params.py).
        id_param="modelId",
        create_wrapper="model",
        output_docs={
            "name": "Resource name, ``accounts/<account>/models/<id>``: what deployments and LoRA loads name.",
            "deployed_model_refs": "Where the model is loaded (the API fills this on Get only).",
        },
        summary=(
            "A custom model uploaded from local files: a LoRA adapter or a base model. The files are hashed at "
            "preview: a changed, added or removed file replaces the model (a new one is uploaded, then the old one "
            "deleted); unchanged files never do."
        ),
        example=(
            'lora = fireworks.Model(\n'
            '    "support-lora",\n'
            '    source="./adapters/support",        # adapter_config.json + adapter_model.safetensors\n'
            '    base_model="accounts/fireworks/models/llama-v3p1-8b-instruct",\n'
            ')\n'
            'base = fireworks.Model("my-base", source="./checkpoints/my-7b", kind="HF_BASE_MODEL")'
        ),
        # No FAILED state: a failed validation leaves the model UPLOADING with an error
        # status, which the engine's wait reports.
        ready_states=frozenset({"READY"}),
    )
    content_inputs = (SOURCE, "kind", "peft_details", "base_model_details")

    def complete_inputs(self, checked: Props) -> list[CheckFailure]:
        # Always sent: the API's default kind (an adapter) is not firectl's (a base model).
        checked["kind"] = kind = checked.get("kind") or ADDON
        peft = checked.get("peft_details") or {}
        if kind == ADDON and not is_unknown(peft):
            base = checked.get("base_model") or peft.get("base_model")
            if base is None:
                return [self.failure("base_model", "is required for a LoRA adapter: the Fireworks model it was trained on, "
                                     "e.g. accounts/fireworks/models/llama-v3p1-8b-instruct (a base model needs kind='HF_BASE_MODEL')")]
            checked["base_model"] = base
        return super().complete_inputs(checked)

    def content(self, checked: Props) -> Content:
        files = source_files(checked[SOURCE], "a model's files are")
        if checked["kind"] == ADDON:
            files = adapter_upload(self.describe(checked, None), files, checked[SOURCE])
            checked["peft_details"] = _adapter_details(checked, files)
        else:
            checked["base_model_details"] = _base_model_details(checked, files)
        return content_of(files)

    def upload(self, client: Client, props: Props, path: str, content: Content) -> None:
        # Whether a second :getUploadEndpoint keeps a model's files already sent is not
        # documented (for datasets it forgets them): files sent before a re-signing are
        # sent again, which is right under either answer.
        self.send_signed(client, props, path, content.files, forgets_uploaded=True)
        self.validate_upload(client, props, path, "GET")

    def wire_body(self, props: Mapping[str, Any], fields: Any) -> dict[str, Any]:
        details = props.get("base_model_details")
        if isinstance(details, dict) and details.get("parameter_count") is not None:
            # int64 travels as a JSON string (SDK fireworks/types/base_model_details_param.py: parameter_count: str)
            props = {**props, "base_model_details": {**details, "parameter_count": str(int(details["parameter_count"]))}}
        return super().wire_body(props, fields)

    def equivalent(self, field: str, desired: Any, live: Any) -> bool:
        if field == "base_model_details.parameter_count" and isinstance(live, str) and live.isdigit():
            return isinstance(desired, (int, float)) and int(desired) == int(live)
        return False


def _json_object(file: LocalFile) -> dict[str, Any]:
    try:
        value = json.loads(file.read_small())
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceError(f"{file.where} is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise SourceError(f"{file.where} must hold a JSON object")
    return value


def _adapter_details(checked: Props, files: list[LocalFile]) -> dict[str, Any]:
    """``peft_details`` completed from ``adapter_config.json``, after checking the files
    (the ones to upload, as :func:`~._adapter_files.adapter_upload` picks them)."""
    by_name = {f.name: f for f in files}
    config_file = by_name[ADAPTER_CONFIG]
    config = _json_object(config_file)
    if ADAPTER_CHAT_CONFIG in by_name:
        conversation = _json_object(by_name[ADAPTER_CHAT_CONFIG]).get("conversation_config")
        if conversation is not None and not (isinstance(conversation, dict) and conversation.get("style")):
            raise SourceError(f"{by_name[ADAPTER_CHAT_CONFIG].where}: conversation_config must be an object with a style (e.g. 'jinja')")
    given = checked.get("peft_details") or {}
    peft: dict[str, Any] = {"base_model": checked.get("base_model"), "r": given.get("r"), "target_modules": given.get("target_modules")}
    rank = config.get("r")
    if peft["r"] is None:
        if isinstance(rank, bool) or not isinstance(rank, int) or not PEFT_RANK_MIN <= rank <= PEFT_RANK_MAX:
            raise SourceError(f"{config_file.where}: r (the LoRA rank) is {rank!r}; Fireworks takes a whole number from {PEFT_RANK_MIN} to {PEFT_RANK_MAX}")
        peft["r"] = rank
    elif rank is not None and rank != peft["r"]:
        raise ContentProblem("peft_details.r", f"is {peft['r']} but {config_file.where} says r={rank!r}; the service refuses the mismatch")
    if peft["target_modules"] is None:
        modules = config.get("target_modules")
        if not isinstance(modules, list) or not modules or not all(isinstance(m, str) for m in modules):
            raise SourceError(f"{config_file.where}: target_modules is {modules!r}; Fireworks needs a list of module names "
                              f"(patterns such as 'all-linear' are not accepted)")
        unsupported = [m for m in modules if m not in SUPPORTED_TARGET_MODULES]
        if unsupported:
            raise SourceError(f"{config_file.where}: target module {unsupported[0]!r} is not supported; Fireworks supports "
                              f"{', '.join(SUPPORTED_TARGET_MODULES)}")
        peft["target_modules"] = modules
    if given.get("merge_addon_model_name") is not None:
        peft["merge_addon_model_name"] = given["merge_addon_model_name"]
    return peft


def _base_model_details(checked: Props, files: list[LocalFile]) -> dict[str, Any]:
    """``base_model_details`` completed from ``config.json``, after checking the files."""
    by_name = {f.name: f for f in files}
    folder = _folder(checked)
    if BASE_CONFIG not in by_name:
        raise SourceError(f"{folder} has no {BASE_CONFIG}: a base model is a Hugging Face checkpoint folder")
    config = _json_object(by_name[BASE_CONFIG])
    if "quantization_config" in config:
        raise SourceError(f"{by_name[BASE_CONFIG].where} has a quantization_config: Fireworks does not take quantized "
                          f"checkpoints; upload the unquantized weights (the service quantizes them itself)")
    weights = [n for n in by_name if n.endswith(WEIGHT_SUFFIXES) and posixpath.basename(n) not in NOT_WEIGHTS]
    if not weights:
        raise SourceError(f"{folder} has no weights (*.safetensors or *.bin)")
    for suffix in WEIGHT_SUFFIXES:
        shards = [n for n in weights if n.endswith(suffix)]
        if len(shards) > 1 and not any(n.endswith(f"{suffix}.index.json") for n in by_name):
            raise SourceError(f"{folder} has {len(shards)} *{suffix} shards but no *{suffix}.index.json to tie them together")
    if TOKENIZER_CONFIG not in by_name:
        raise SourceError(f"{folder} has no {TOKENIZER_CONFIG}")
    if not set(TOKENIZER_VOCABS) & set(by_name):
        raise SourceError(f"{folder} has no tokenizer ({', '.join(TOKENIZER_VOCABS)})")
    details = dict(checked.get("base_model_details") or {})
    details.setdefault("checkpoint_format", "HUGGINGFACE")
    if isinstance(config.get("model_type"), str):
        details.setdefault("model_type", config["model_type"])
    return details


def _folder(checked: Props) -> str:
    source = checked[SOURCE]
    if isinstance(source, str):
        return source
    return str(source.get("archive") or "the AssetArchive")


SPEC = ModelEngine.spec


# -- the typed Python surface --------------------------------------------------------
