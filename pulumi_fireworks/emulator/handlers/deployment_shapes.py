"""Deployment shapes and their versions (read-only, public under ``accounts/fireworks``),
and ``POST /v1/accounts/{account}/deploymentShapeVersions:match``.

Shapes are seeded (:mod:`..seed`); a shape's versions are snapshots, one of which is the
``latestValidated`` one a deployment naming the shape gets pinned to.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from ..._wire.deployment_shape import DeploymentShape, DeploymentShapeVersion, MatchDeploymentShapeVersionsRequest
from ..auth import PUBLIC_ACCOUNT
from ..errors import invalid_field
from ..resource import Collection, parse_input
from ..routing import Request, Route
from ..store import Record, Store


class DeploymentShapes(Collection):
    model = DeploymentShape
    collection = "deploymentShapes"
    noun = "deployment shape"
    methods = frozenset({"get", "list"})
    public_read = True

    def list_filter(self, req: Request) -> Optional[Callable[[dict[str, Any]], bool]]:
        target = req.query.get("targetModel")
        if not target:
            return None
        return lambda doc: doc.get("baseModel") == target


class DeploymentShapeVersions(Collection):
    model = DeploymentShapeVersion
    collection = "versions"
    list_key = "deploymentShapeVersions"
    noun = "deployment shape version"
    parent_template = "accounts/{account}/deploymentShapes/{shape}"
    methods = frozenset({"get", "list"})
    public_read = True

    def custom_routes(self) -> list[Route]:
        return [Route("POST", "/v1/accounts/{account}/deploymentShapeVersions:match", self.match)]

    def match(self, req: Request) -> Any:
        """The latest validated versions of every public shape for the request's base
        model (adapters resolve to their base model); empty when nothing fits."""
        self.authorize(req, write=False)
        body = parse_input(MatchDeploymentShapeVersionsRequest, req.json_object())
        deployment = (body.get("createDeploymentRequest") or {}).get("deployment") or {}
        base_model = deployment.get("baseModel")
        if not base_model:
            raise invalid_field("create_deployment_request.deployment.base_model", "is required")
        base_model = resolve_base_model(req.backend.store, base_model)
        versions = [
            self.view(req, r, single=False)
            for r in latest_validated_versions(req.backend.store, base_model)
            if not deployment.get("enableAddons") or r.doc.get("snapshot", {}).get("enableAddons", True)
        ]
        return {"deploymentShapeVersions": versions, "totalSize": len(versions)}


def resolve_base_model(store: Store, model_name: str) -> str:
    """An adapter (PEFT) model's base model; other models are their own base."""
    record = store.get(model_name)
    if record is not None:
        peft = record.doc.get("peftDetails") or {}
        if peft.get("baseModel"):
            return str(peft["baseModel"])
    return model_name


def latest_validated_versions(store: Store, base_model: str) -> list[Record]:
    return [
        r
        for r in store.find("versions", "snapshot.baseModel", base_model, account=PUBLIC_ACCOUNT)
        if r.doc.get("latestValidated")
    ]


def resolve_shape_version(store: Store, shape: str, *, skip_validation: bool) -> Optional[Record]:
    """``accounts/a/deploymentShapes/s`` -> its latest validated version (or, with
    ``skip_validation``, its newest version); a version name -> that version."""
    if "/versions/" in shape:
        return store.get(shape)
    if store.get(shape) is None:
        return None
    versions = store.list(shape, "versions")
    if skip_validation:
        return versions[-1] if versions else None
    validated = [v for v in versions if v.doc.get("latestValidated")]
    return validated[-1] if validated else None


COLLECTIONS = [DeploymentShapes(), DeploymentShapeVersions()]
