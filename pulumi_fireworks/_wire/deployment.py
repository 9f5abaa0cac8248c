"""Deployment: ``accounts/{account_id}/deployments/{deployment_id}``.

Fields follow ``fireworks.types.Deployment`` (SDK 1.2.30) plus the fields newer
OpenAPI documents add (``annotations``, ``maxConcurrencyPerReplica``,
``autoscalingPolicy.scalingSchedules``, ...; marked :func:`newer_spec`), which the real
service returns.
"""

from __future__ import annotations

from typing import Optional

from ._base import Status, WireModel, newer_spec, output_only


class ScalingSchedule(WireModel):
    """A cron-driven floor on the replica count (newer spec)."""

    min_replica_count: Optional[int] = None
    schedule: Optional[str] = None
    duration: Optional[str] = None
    timezone: Optional[str] = None
    description: Optional[str] = None
    disabled: Optional[bool] = None


class AutoscalingPolicy(WireModel):
    scale_up_window: Optional[str] = None
    scale_down_window: Optional[str] = None
    scale_to_zero_window: Optional[str] = None
    load_targets: Optional[dict[str, float]] = None
    scaling_schedules: Optional[dict[str, ScalingSchedule]] = newer_spec()


class Placement(WireModel):
    """Exactly one of the three is set."""

    region: Optional[str] = None
    multi_region: Optional[str] = None
    regions: Optional[list[str]] = None


class AutoTune(WireModel):
    long_prompt: Optional[bool] = None


class ReplicaStats(WireModel):
    pending_scheduling_replica_count: Optional[int] = None
    downloading_model_replica_count: Optional[int] = None
    initializing_replica_count: Optional[int] = None
    ready_replica_count: Optional[int] = None
    revocable_replica_count: Optional[int] = newer_spec()
    effective_replica_count: Optional[float] = newer_spec()


class Deployment(WireModel):
    # Identity and server view (output only).
    name: Optional[str] = output_only()
    create_time: Optional[str] = output_only()
    update_time: Optional[str] = output_only()
    delete_time: Optional[str] = output_only()
    purge_time: Optional[str] = output_only()
    state: Optional[str] = output_only()
    status: Optional[Status] = output_only()
    desired_replica_count: Optional[int] = output_only()
    replica_count: Optional[int] = output_only()
    replica_stats: Optional[ReplicaStats] = output_only()
    region: Optional[str] = output_only()
    direct_route_handle: Optional[str] = output_only()
    cluster: Optional[str] = output_only()
    num_peft_device_cached: Optional[int] = output_only()

    # Settable.
    base_model: Optional[str] = None
    display_name: Optional[str] = None
    description: Optional[str] = None
    expire_time: Optional[str] = None
    min_replica_count: Optional[int] = None
    max_replica_count: Optional[int] = None
    max_with_revocable_replica_count: Optional[int] = None
    autoscaling_policy: Optional[AutoscalingPolicy] = None
    accelerator_type: Optional[str] = None
    accelerator_count: Optional[int] = None
    precision: Optional[str] = None
    deployment_shape: Optional[str] = None
    deployment_template: Optional[str] = None
    enable_addons: Optional[bool] = None
    enable_hot_reload_latest_addon: Optional[bool] = None
    draft_model: Optional[str] = None
    draft_token_count: Optional[int] = None
    ngram_speculation_length: Optional[int] = None
    enable_mtp: Optional[bool] = None
    enable_session_affinity: Optional[bool] = None
    direct_route_type: Optional[str] = None
    direct_route_api_keys: Optional[list[str]] = None
    auto_tune: Optional[AutoTune] = None
    placement: Optional[Placement] = None
    max_context_length: Optional[int] = None
    disable_deployment_size_validation: Optional[bool] = None
    enable_hot_load: Optional[bool] = None
    hot_load_bucket_type: Optional[str] = None
    hot_load_bucket_url: Optional[str] = None
    active_model_version: Optional[str] = None
    target_model_version: Optional[str] = None
    pricing_plan_id: Optional[str] = None
    annotations: Optional[dict[str, str]] = newer_spec()
    max_concurrency_per_replica: Optional[int] = newer_spec()
    preemptible: Optional[bool] = newer_spec()
    # Training hot-load (the training SDK PATCHes them by updateMask).
    hot_load_trainer_job: Optional[str] = newer_spec()
    hot_load_transition_type: Optional[str] = newer_spec()


class ScaleRequest(WireModel):
    replica_count: Optional[int] = None
