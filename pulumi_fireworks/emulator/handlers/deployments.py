"""Deployments: ``accounts/{account}/deployments/{deployment}``.

Sources: https://docs.fireworks.ai/api-reference/create-deployment, SDK ``fireworks/resources/deployments.py``.

Everything generic (ids, 409s, soft delete, ``updateMask``, lists) is the core's; this
module holds the deployment's checks (as data in :data:`FIELD_CHECKS`, cross-field rules
in :meth:`Deployments.validate`) and the server-side normalisation (defaults, shape
resolution, replica counts), plus ``:scale`` and ``:undelete``.

Choices where the public sources (the docs, SDK 1.2.30) are silent or ambiguous:

* ``baseModel`` that does not exist (or is not readable by the key) -> **404 NOT_FOUND**
  naming ``base_model`` (a missing referenced resource, as firectl's "model not found");
  a model that exists but is not READY (still uploading) -> 400 FAILED_PRECONDITION.
  A missing ``deploymentShape`` is also 404; a shape for another model, or one without
  a validated version, is 400 INVALID_ARGUMENT.
* ``acceleratorType`` together with ``deploymentShape`` is rejected (training SDK);
  ``acceleratorCount``/``precision`` with a shape must agree with the shape.
* ``maxReplicaCount`` has presence: absent -> ``max(min, 1)``, an explicit 0 stays 0.
* Speculative-decoding defaults (``draftModel``/``draftTokenCount`` from the base
  model) are applied on create only, never re-filled by an update.
* ``baseModel``, ``placement`` and ``deploymentTemplate`` are immutable (repeating the
  same value is fine; changing it is a 400). The protos' other IMMUTABLE fields are not
  enforced even under ``protoImmutableFields``: see ``proto_immutable_fields``.
* ``:scale`` sets the desired and current replica counts at once; values outside
  [minReplicaCount, maxReplicaCount] are a 400. ``:undelete`` re-provisions: the
  deployment goes through CREATING again.
* ``directRouteApiKeys`` are returned as stored (no source says GET redacts them).
* ``disableAutoDeploy``, ``skipImageTagValidation`` and ``acceptShapelessRisk`` are
  accepted and have no effect in the emulator.
* Deleting a deployment that serves LoRA addons needs ``ignoreChecks`` (the core's
  ``in_use_by``); the addons loaded on it are then unloaded with it (``UNDEPLOYING ->``
  gone), so nothing claims to be served by a deployment that no longer runs.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from ..._wire._enums import (
    ACCELERATOR_TYPES,
    DIRECT_ROUTE_TYPES,
    HOT_LOAD_BUCKET_TYPES,
    HOT_LOAD_TRANSITION_TYPES,
    LOAD_TARGET_KEYS,
    MULTI_REGIONS,
    PRECISIONS,
    REGIONS,
)
from ..._wire.deployment import Deployment, ScaleRequest
from ..errors import ApiError, Code, failed_precondition, invalid_field
from ..lifecycle import Settlement
from ..resource import Collection, parse_input
from ..routing import Request, Route
from ..seed import FALLBACK_DEFAULTS
from ..store import Record
from ..validation import duration, enum, enum_list, int_range, max_length, parse_duration, run_checks, timestamp
from ._refs import load_settled, visible
from .deployed_models import TRANSITIONS as LOAD_TRANSITIONS
from .deployment_shapes import latest_validated_versions, resolve_base_model, resolve_shape_version

#: Single-field checks, by proto field path. Absent fields are skipped.
FIELD_CHECKS = {
    "display_name": max_length(64),
    "accelerator_type": enum(ACCELERATOR_TYPES),
    "precision": enum(PRECISIONS),
    "direct_route_type": enum(DIRECT_ROUTE_TYPES),
    "hot_load_bucket_type": enum(HOT_LOAD_BUCKET_TYPES),
    "hot_load_transition_type": enum(HOT_LOAD_TRANSITION_TYPES),
    "placement.region": enum(REGIONS),
    "placement.multi_region": enum(MULTI_REGIONS),
    "placement.regions": enum_list(REGIONS),
    "min_replica_count": int_range(0),
    "max_replica_count": int_range(0),
    "max_with_revocable_replica_count": int_range(0),
    "accelerator_count": int_range(0),
    "draft_token_count": int_range(0),
    "ngram_speculation_length": int_range(0),
    "max_context_length": int_range(0),
    "max_concurrency_per_replica": int_range(0),
    "autoscaling_policy.scale_up_window": duration(max_seconds=3600),
    "autoscaling_policy.scale_down_window": duration(max_seconds=3600),
    "autoscaling_policy.scale_to_zero_window": duration(min_seconds=300),
    "expire_time": timestamp,
}

DEFAULT_AUTOSCALING = {
    "scaleUpWindow": "30s",
    "scaleDownWindow": "600s",
    "scaleToZeroWindow": "3600s",
}
DEFAULT_LOAD_TARGETS = {"default": 0.8}
MAX_SCALING_SCHEDULES = 5

#: Where a multi-region placement lands (the region is output only).
MULTI_REGION_HOME = {"GLOBAL": "US_IOWA_1", "US": "US_IOWA_1", "EUROPE": "EU_FRANKFURT_1", "APAC": "AP_TOKYO_1"}

_MODEL_NAME = re.compile(r"accounts/[^/]+/models/[^/]+\Z")
_SHAPE_NAME = re.compile(r"accounts/[^/]+/deploymentShapes/[^/]+(/versions/[^/]+)?\Z")
_CRON = re.compile(r"\S+(\s+\S+){4}\Z")


def _unset_unspecified(doc: dict[str, Any]) -> None:
    """``*_UNSPECIFIED`` enum values are the proto zero value: the same as absent."""
    for key in ("acceleratorType", "precision", "directRouteType", "hotLoadBucketType", "hotLoadTransitionType"):
        if str(doc.get(key, "")).endswith("_UNSPECIFIED"):
            doc.pop(key)
    placement = doc.get("placement") or {}
    for key in ("region", "multiRegion"):
        if str(placement.get(key, "")).endswith("_UNSPECIFIED"):
            placement.pop(key)


class Deployments(Collection):
    model = Deployment
    collection = "deployments"
    noun = "deployment"
    id_query_param = "deploymentId"
    validate_only_param = "validateOnly"
    create_state = "CREATING"
    update_state = "UPDATING"
    delete_state = "DELETING"
    soft_delete = True
    immutable_fields = frozenset({"base_model", "placement", "deployment_template"})
    # The 0.19.20 protos mark baseModel, placement, engine, forTraining, spot and
    # autoscalingPolicy IMMUTABLE. engine/forTraining/spot are not in the wire model
    # (dropped as unknown, so they cannot change anyway). autoscalingPolicy stays
    # mutable: firectl's `update deployment` documents --scale-up-window,
    # --scale-down-window, --scale-to-zero-window and --load-targets, so the service
    # does change the policy in place whatever the annotation says.
    proto_immutable_fields = frozenset({"base_model", "placement"})
    in_use_by = (("deployedModels", "deployment"),)

    def custom_routes(self) -> list[Route]:
        item = self.collection_path() + "/{id}"
        return [Route("PATCH", item + ":scale", self.scale), Route("POST", item + ":undelete", self.undelete)]

    def delete(self, req: Request) -> Any:
        store = req.backend.store
        with store.transaction():
            result = super().delete(req)
            for record in store.find("deployedModels", "deployment", self.resource_name(req), account=req.account):
                if record.doc.get("state") != "UNDEPLOYING":
                    req.backend.lifecycle.start(record, "UNDEPLOYING", gone=True, transitions=LOAD_TRANSITIONS)
                    store.put(record)
        return result

    # -- checks ----------------------------------------------------------------------------

    def validate(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        _unset_unspecified(doc)
        run_checks(self.model, doc, FIELD_CHECKS)
        self._check_autoscaling(doc.get("autoscalingPolicy") or {})
        self._check_placement(doc.get("placement"))
        low, high = doc.get("minReplicaCount"), doc.get("maxReplicaCount")
        if low is not None and high is not None and low > high:
            raise invalid_field("min_replica_count", f"{low} is greater than max_replica_count {high}")
        if doc.get("draftModel") and doc.get("ngramSpeculationLength"):
            raise invalid_field("draft_model", "draft_model and ngram_speculation_length are mutually exclusive")
        if doc.get("draftModel"):
            self._require_model(req, doc["draftModel"], "draft_model")
        base_model = doc.get("baseModel")
        if not base_model:
            raise invalid_field("base_model", "is required")
        if old is None:  # immutable: checked once, on create
            self._require_model(req, base_model, "base_model")
        if doc.get("deploymentShape") and doc.get("acceleratorType") and (
            old is None or doc.get("acceleratorType") != old.get("acceleratorType")
        ):
            raise invalid_field(
                "accelerator_type", "must not be set together with deployment_shape (the shape sets it)"
            )

    @staticmethod
    def _check_autoscaling(policy: dict[str, Any]) -> None:
        targets = policy.get("loadTargets") or {}
        for key, value in targets.items():
            field = f"autoscaling_policy.load_targets.{key}"
            if key not in LOAD_TARGET_KEYS:
                raise invalid_field(field, f"unsupported load target; use one of {', '.join(LOAD_TARGET_KEYS)}")
            if key == "default" and not 0 < value <= 1:
                raise invalid_field(field, f"{value} must be a fraction in (0, 1]")
            if value <= 0:
                raise invalid_field(field, f"{value} must be positive")
        schedules = policy.get("scalingSchedules") or {}
        if len(schedules) > MAX_SCALING_SCHEDULES:
            raise invalid_field("autoscaling_policy.scaling_schedules", f"at most {MAX_SCALING_SCHEDULES} schedules")
        for key, schedule in schedules.items():
            prefix = f"autoscaling_policy.scaling_schedules.{key}"
            for required in ("minReplicaCount", "schedule", "duration", "timezone"):
                if schedule.get(required) in (None, ""):
                    raise invalid_field(f"{prefix}.{_snake(required)}", "is required")
            if not _CRON.match(schedule["schedule"]):
                raise invalid_field(f"{prefix}.schedule", "must be a 5-field cron expression")
            seconds = parse_duration(f"{prefix}.duration", schedule["duration"])
            if seconds != int(seconds) or not 300 <= seconds <= 604800:
                raise invalid_field(f"{prefix}.duration", "must be whole seconds within [300s, 604800s]")
            if schedule["minReplicaCount"] < 0:
                raise invalid_field(f"{prefix}.min_replica_count", "must not be negative")

    @staticmethod
    def _check_placement(placement: Optional[dict[str, Any]]) -> None:
        if not placement:
            return
        given = [k for k in ("region", "multiRegion", "regions") if placement.get(k)]
        if len(given) > 1:
            raise invalid_field("placement", "exactly one of region, multi_region and regions may be set")

    def _require_model(self, req: Request, name: str, field: str) -> dict[str, Any]:
        if not _MODEL_NAME.match(name):
            raise invalid_field(field, f"{name!r} is not a model name (accounts/<account>/models/<model>)")
        # Settle the model's own pending transition first: a model whose validateUpload
        # has completed is READY for the next caller, whoever reads it first.
        record = load_settled(req, name)
        if not visible(req, record):
            raise ApiError(Code.NOT_FOUND, f"{field}: model not found: {name}")
        assert record is not None
        if record.doc.get("state") not in (None, "READY"):
            raise failed_precondition(f"{field}: model {name} is not ready (state {record.doc.get('state')})")
        return record.doc

    # -- normalisation ----------------------------------------------------------------------

    def normalize(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        store = req.backend.store
        doc.setdefault("minReplicaCount", 0)
        doc.setdefault("maxReplicaCount", max(doc["minReplicaCount"], 1))
        policy = doc.setdefault("autoscalingPolicy", {})
        for key, value in DEFAULT_AUTOSCALING.items():
            policy.setdefault(key, value)
        if not policy.get("loadTargets"):
            policy["loadTargets"] = dict(DEFAULT_LOAD_TARGETS)
        if old is None:
            placement = doc.get("placement") or {}
            if not any(placement.get(k) for k in ("region", "multiRegion", "regions")):
                placement = {"multiRegion": "GLOBAL"}
            doc["placement"] = placement
            doc["region"] = placement.get("region") or (placement.get("regions") or [None])[0] or \
                MULTI_REGION_HOME.get(placement.get("multiRegion", "GLOBAL"), "US_IOWA_1")
        self._apply_shape(req, doc, old)
        base = resolve_base_model(store, doc["baseModel"])
        base_record = store.get(base)
        defaults = dict(FALLBACK_DEFAULTS)
        if base_record is not None:
            defaults.update(base_record.meta.get("deploymentDefaults") or {})
            details = base_record.doc.get("baseModelDetails") or {}
            if "deploymentDefaults" not in base_record.meta and details.get("defaultPrecision"):
                defaults["precision"] = details["defaultPrecision"]
        for key in ("acceleratorType", "acceleratorCount", "precision"):
            doc.setdefault(key, defaults[key])
        if old is None and not req.flag("disableSpeculativeDecoding") and not doc.get("ngramSpeculationLength"):
            model = base_record.doc if base_record is not None else {}
            if not doc.get("draftModel") and model.get("defaultDraftModel"):
                doc["draftModel"] = model["defaultDraftModel"]
            if doc.get("draftModel") and not doc.get("draftTokenCount") and model.get("defaultDraftTokenCount"):
                doc["draftTokenCount"] = model["defaultDraftTokenCount"]
        if doc.get("directRouteType") and not doc.get("directRouteHandle"):
            rid = (old or {}).get("name", "").rsplit("/", 1)[-1] or req.query.get("deploymentId") or "deployment"
            doc["directRouteHandle"] = f"{rid}.{req.account}.direct.fireworks.ai"
        self._replicas(doc, old)

    def _apply_shape(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        """Pin ``deploymentShape`` to a version name and take the accelerator settings from it."""
        shape = doc.get("deploymentShape")
        if not shape:
            return
        version = self._shape_version(req, shape, doc, old)
        snapshot = version.doc.get("snapshot") or {}
        for key in ("acceleratorType", "acceleratorCount", "precision"):
            changed_by_caller = old is None or doc.get(key) != old.get(key)
            if doc.get(key) is not None and changed_by_caller and doc[key] != snapshot.get(key):
                raise invalid_field(
                    _snake(key), f"{doc[key]} conflicts with deployment shape {version.name} ({snapshot.get(key)})"
                )
            if snapshot.get(key) is not None:
                doc[key] = snapshot[key]
        doc["deploymentShape"] = version.name

    def _shape_version(
        self, req: Request, shape: str, doc: dict[str, Any], old: Optional[dict[str, Any]]
    ) -> Record:
        store = req.backend.store
        base = resolve_base_model(store, doc["baseModel"])
        if shape == "default":
            if old is not None:
                raise invalid_field("deployment_shape", '"default" is only accepted on create')
            versions = latest_validated_versions(store, base)
            if not versions:
                raise invalid_field("deployment_shape", f"no validated deployment shape for {base}")
            return versions[0]
        if not _SHAPE_NAME.match(shape):
            raise invalid_field("deployment_shape", f"{shape!r} is not a deployment shape name")
        unchanged = old is not None and shape == old.get("deploymentShape")
        skip = unchanged or req.flag("skipShapeValidation")
        version = resolve_shape_version(store, shape, skip_validation=skip)
        if version is None:
            if store.get(shape.split("/versions/")[0]) is not None and "/versions/" not in shape:
                raise invalid_field("deployment_shape", f"{shape} has no validated version")
            raise ApiError(Code.NOT_FOUND, f"deployment_shape: deployment shape not found: {shape}")
        if not version.doc.get("validated") and not skip:
            raise invalid_field("deployment_shape", f"{version.name} is not validated (see skip_shape_validation)")
        snapshot_base = (version.doc.get("snapshot") or {}).get("baseModel")
        if snapshot_base != base:
            raise invalid_field("deployment_shape", f"{version.name} is for {snapshot_base}, not {base}")
        return version

    @staticmethod
    def _replicas(doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        low, high = doc["minReplicaCount"], doc["maxReplicaCount"]
        previous = (old or {}).get("desiredReplicaCount")
        desired = previous if previous is not None else (low if low > 0 else min(1, high))
        desired = max(low, min(desired, high))
        doc["desiredReplicaCount"] = desired
        if doc.get("state") == "READY" or (old and old.get("state") == "READY"):
            doc["replicaCount"] = desired
            doc["replicaStats"] = {"readyReplicaCount": desired}
        else:
            doc.setdefault("replicaCount", 0)

    def on_settled(self, req: Request, record: Record, settlement: Settlement) -> None:
        doc = record.doc
        if settlement.to_state == "READY":
            desired = doc.get("desiredReplicaCount", 0)
            doc["replicaCount"] = desired
            doc["replicaStats"] = {"readyReplicaCount": desired}
        elif settlement.to_state in ("DELETED", "FAILED"):
            doc["replicaCount"] = 0
            doc["replicaStats"] = {}
            if settlement.to_state == "DELETED":
                doc["desiredReplicaCount"] = 0

    # -- custom methods ----------------------------------------------------------------------

    def scale(self, req: Request) -> Any:
        """``PATCH ...:scale {"replicaCount": n}`` -> ``{}``."""
        self.authorize(req, write=True)
        body = parse_input(ScaleRequest, req.json_object())
        count = body.get("replicaCount", 0)
        with req.backend.store.transaction():
            record = self.require(req, read=False)
            if record.deleted:
                raise failed_precondition(f"deployment {record.name} is deleted")
            doc = record.doc
            low, high = doc.get("minReplicaCount", 0), doc.get("maxReplicaCount", 1)
            if count < 0 or not low <= count <= high:
                raise invalid_field(
                    "replica_count", f"{count} is outside [min_replica_count {low}, max_replica_count {high}]"
                )
            doc["desiredReplicaCount"] = count
            if doc.get("state") == "READY":
                doc["replicaCount"] = count
                doc["replicaStats"] = {"readyReplicaCount": count}
            doc["updateTime"] = self.now(req)
            self.save(req, record)
        return {}

    def undelete(self, req: Request) -> Any:
        """``POST ...:undelete {}`` -> the deployment, provisioning again (CREATING)."""
        self.authorize(req, write=True)
        with req.backend.store.transaction():
            record = self.require(req, read=False)
            if not record.deleted and record.doc.get("state") != "DELETING":
                raise failed_precondition(f"deployment {record.name} is not deleted")
            if (record.meta.get("pending") or {}).get("target", "DELETED") is None:
                raise failed_precondition(f"deployment {record.name} is being hard-deleted")
            req.backend.lifecycle.cancel(record)
            record.deleted = False
            for key in ("deleteTime", "purgeTime"):
                record.doc.pop(key, None)
            record.doc["updateTime"] = self.now(req)
            self.start(req, record, self.create_state)
            self.save(req, record)
        return self.respond(req, record)


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", camel).lower()


COLLECTIONS = [Deployments()]
