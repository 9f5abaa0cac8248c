"""``fireworks:DeployedModel`` — a LoRA addon loaded onto a dedicated deployment.

API object: ``accounts/{account}/deployedModels/{id}`` (https://docs.fireworks.ai/api-reference/create-deployed-model;
SDK ``fireworks/resources/lora.py``). What is special:
the server picks the id (so a lost create is found again by what it is: the model and
the deployment, which the API allows once), there is no FAILED state (an error in
``status`` is the failure), and the inputs that make it loadable belong to *other*
resources — so when the deployment and the model are declared in the same program, what
they declare is checked at preview.
"""

from __future__ import annotations

from typing import Annotated, Any, Mapping, Optional

from pulumi.dynamic import CheckResult

from ._engine import PEERS_KEY, ResourceEngine
from ._http import Client
from ._fields import SERVER_DECIDES, field
from ._inputs import InputsModel, is_unknown
from ._spec import Props, ResourceSpec
from ._types import Bool, DeploymentName, DisplayName, Duration, ModelName, at_least
from ._wire.deployed_model import DeployedModel as DeployedModelWire



SERVERLESS_REFUSED = (
    "Fireworks serves LoRA addons from dedicated (on-demand) deployments only; serverless loads are not "
    "supported (SDK 1.2.30: 'LoRA models require a dedicated deployment'; docs: 'Serverless deployment is "
    "not supported for LoRA models'). Load it onto a Deployment with enable_addons=True"
)
"""Why ``deployment`` is required. Older docs and firectl's ``load-lora`` still describe
serverless loads; both current sources refuse them, and a load onto a dedicated
deployment works under either reading, so the provider asks for one at preview."""

class DeployedModelInputs(InputsModel):
    """Validation and canonical form of DeployedModel inputs; the published input schema."""

    # Model and deployment only take effect at load time (firectl's load-lora).
    model: ModelName = field(
        "The LoRA addon to load: a model resource name, the Model resource, or a fine-tuning job (its trained model)",
        required=True, replaces=True, peer=("base_model", "peft_details", "training_config", "wait_until"),
    )
    deployment: DeploymentName = field(
        "The deployment to load it onto (one with enable_addons=True, or a hot-reload deployment): a resource "
        "name, or the Deployment resource",
        replaces=True, peer=("base_model", "enable_addons", "enable_hot_reload_latest_addon"),
        required_because=SERVERLESS_REFUSED,
    )
    display_name: Optional[DisplayName] = field(unset=SERVER_DECIDES)
    description: Optional[str] = field(unset="", max_length=999)
    default: Optional[Bool] = field("Serve this load when the model is queried without '#<deployment>'", unset=SERVER_DECIDES)
    public: Optional[Bool] = field(unset=False)
    replace_merged_addon: Optional[Bool] = field(
        "Needed to load onto a hot-reload deployment; replaces the addon merged there", create_only=True
    )
    wait_timeout: Optional[Annotated[Duration, at_least(1)]] = field(
        "How long load, update and unload wait; default 30m", provider_only=True
    )


class DeployedModelEngine(ResourceEngine):
    spec = ResourceSpec(
        type_name="DeployedModel",
        collection="deployedModels",
        collection_key="deployedModels",
        inputs_model=DeployedModelInputs,
        wire_model=DeployedModelWire,
        id_field="deployed_model_id",
        id_source="server",
        # No FAILED state: a load that fails keeps an error in `status` (see the engine).
        ready_states=frozenset({"DEPLOYED"}),
        default_wait_timeout=1800.0,  # firectl's load-lora --wait default
        computed_output_names=frozenset({"inference_model"}),
        summary=(
            "A LoRA addon loaded onto a dedicated deployment. ``model`` and ``deployment`` take a resource name or the "
            "resource itself; given the resource, what it declares is checked at preview (addons enabled, same base model)."
        ),
        example=(
            'base = "accounts/fireworks/models/llama-v3p1-8b-instruct"\n'
            'dep = fireworks.Deployment("multi-lora", base_model=base, enable_addons=True)\n'
            'lora = fireworks.Model("support", source="./adapters/support", base_model=base)\n'
            'load = fireworks.DeployedModel("support", model=lora, deployment=dep)\n'
            'pulumi.export("model", load.inference_model)   # pass as model= to chat/completions'
        ),
        output_docs={"inference_model": "What to pass as ``model=``: ``<model>#<deployment>``."},
    )

    def check(self, olds: Props, news: Props) -> CheckResult:
        result = super().check(olds, news)
        if result.failures:
            return result
        problems = _peer_problems(result.inputs, news.get(PEERS_KEY) or {})
        if problems:
            return CheckResult(news, [self.failure(field, why) for field, why in problems])
        return result

    def failure_reported(self, live: Mapping[str, Any]) -> Optional[str]:
        # Fireworks' own older SDK (fireworks-ai 0.19.20, llm.py) treats a load in
        # STATE_UNSPECIFIED as failed to deploy; the state's absence means the same on a
        # server that omits zero values. A load always has a state while it is alive.
        state = live.get("state")
        if not state or state == "STATE_UNSPECIFIED":
            return f"the API reports no state for the load (STATE_UNSPECIFIED, which Fireworks' SDK treats as a failed load){_status(live)}"
        return super().failure_reported(live)

    def failed_on_server(self, olds: Props) -> Optional[str]:
        if olds.get("name") and olds.get("state") in (None, "", "STATE_UNSPECIFIED"):
            return f"a load with no state (STATE_UNSPECIFIED){_status(olds)}"
        return super().failed_on_server(olds)

    def create_query(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {"replaceMergedAddon": True} if props.get("replace_merged_addon") else {}

    def find_created(self, client: Client, props: Mapping[str, Any]) -> Any:
        # The API loads a model at most once per deployment: a
        # load of this model at this place is the one an earlier create made.
        path = self.spec.collection_path(client.account_id, props)
        for load in client.paginate(path, self.spec.collection_key):
            if load.get("model") == props.get("model") and (load.get("deployment") or None) == props.get("deployment"):
                if load.get("state") != "UNDEPLOYING":
                    return load
        return None

    def computed_outputs(self, inputs: Mapping[str, Any], live: Mapping[str, Any]) -> dict[str, Any]:
        model, deployment = inputs.get("model"), inputs.get("deployment")
        return {"inference_model": f"{model}#{deployment}" if deployment else model}


def _status(live: Mapping[str, Any]) -> str:
    status = live.get("status")
    message = status.get("message") if isinstance(status, dict) else None
    return f": {message}" if message else ""


def _peer_problems(inputs: Mapping[str, Any], peers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What the deployment and model declared in the same program say against this load."""
    problems: list[tuple[str, str]] = []
    deployment = peers.get("deployment") or {}
    if inputs.get("deployment") and deployment and not inputs.get("replace_merged_addon"):
        addons, hot = deployment.get("enable_addons"), deployment.get("enable_hot_reload_latest_addon")
        if not any(is_unknown(v) for v in (addons, hot)) and not addons:
            how = "or set replace_merged_addon=True here" if hot else "(multi-LoRA)"
            problems.append(("deployment", f"deployment {deployment.get('resource')!r} does not accept LoRA addons: "
                             f"set enable_addons=True on it {how}"))
    model = peers.get("model") or {}
    wait = model.get("wait_until")
    if isinstance(wait, str) and not is_unknown(wait) and wait != "completed":
        problems.append(("model", f"job {model.get('resource')!r} returns before its model is trained "
                         f"(wait_until={wait!r}): set wait_until='completed' on it to load what it trains"))
    peft = model.get("peft_details")
    config = model.get("training_config")  # a DPO job's settings
    base = (model.get("base_model") or (peft.get("base_model") if isinstance(peft, Mapping) else None)
            or (config.get("base_model") if isinstance(config, Mapping) else None))
    served = deployment.get("base_model")
    if served and base and not is_unknown(served) and not is_unknown(base) and served != base:
        problems.append(("model", f"the addon's base model is {base} but deployment "
                         f"{deployment.get('resource')!r} serves {served}; load it onto a deployment of {base}"))
    return problems


SPEC = DeployedModelEngine.spec
