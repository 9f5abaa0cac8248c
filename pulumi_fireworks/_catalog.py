"""Every resource this package serves, in one list.

The engine looks a resource's behaviour up here by type name (the pickled provider in a
stack's state holds nothing else): this module imports the resource modules, never the
other way round, and the package face (``pulumi_fireworks/__init__.py``) is not needed.
A new resource is one more line in :data:`ENGINES`.
"""

from __future__ import annotations

from ._engine import ResourceEngine
from ._spec import ResourceSpec
from .api_key import ApiKeyEngine
from .dataset import DatasetEngine
from .deployed_model import DeployedModelEngine
from .deployment import DeploymentEngine
from .dpo_job import DpoJobEngine
from .evaluator import EvaluatorEngine
from .model import ModelEngine
from .reinforcement_fine_tuning_job import ReinforcementFineTuningJobEngine
from .secret import SecretEngine
from .supervised_fine_tuning_job import SupervisedFineTuningJobEngine
from .user import ServiceAccountEngine, UserEngine

from .quota import QuotaEngine
# new-resource: imports above (scripts/new-resource adds its lines here)

ENGINES: dict[str, ResourceEngine] = {
    engine.spec.type_name: engine
    for engine in (
        DeploymentEngine(),
        SecretEngine(),
        UserEngine(),
        ServiceAccountEngine(),
        ApiKeyEngine(),
        ModelEngine(),
        DatasetEngine(),
        DeployedModelEngine(),
        SupervisedFineTuningJobEngine(),
        DpoJobEngine(),
        EvaluatorEngine(),
        ReinforcementFineTuningJobEngine(),
        QuotaEngine(),
        # new-resource: engines above
    )
}


def specs() -> dict[str, ResourceSpec]:
    """Type name → spec of every resource, by name."""
    return {name: engine.spec for name, engine in sorted(ENGINES.items())}
