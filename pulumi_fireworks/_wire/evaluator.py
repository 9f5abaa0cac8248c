"""Evaluator: ``accounts/{account}/evaluators/{evaluator_id}``, reward code for RFT jobs.

Fields follow ``fireworks.types.EvaluatorGetResponse`` and ``EvaluatorCreateParams``
(SDK 1.2.30). Create is ``POST accounts/{a}/evaluatorsV2`` with ``{evaluatorId,
evaluator: {...}}``; get, patch and delete use ``accounts/{a}/evaluators/{id}``. Code
arrives one of two ways: inline, as ``criteria[].codeSnippets.fileContents``, or as a
``.tar.gz`` of a folder sent through ``:getUploadEndpoint`` / ``:validateUpload`` (what
Fireworks' own ``eval-protocol`` CLI does). The service then builds it: ``BUILDING`` →
``ACTIVE`` or ``BUILD_FAILED``.
"""

from __future__ import annotations

import typing
from typing import Literal, Optional

from ._base import Status, WireModel, output_only

EvaluatorState = Literal["STATE_UNSPECIFIED", "ACTIVE", "BUILDING", "BUILD_FAILED"]
EVALUATOR_STATES: tuple[str, ...] = typing.get_args(EvaluatorState)

CriterionType = Literal["TYPE_UNSPECIFIED", "CODE_SNIPPETS"]
SourceType = Literal["TYPE_UNSPECIFIED", "TYPE_UPLOAD", "TYPE_GITHUB", "TYPE_TEMPORARY"]


class CodeSnippets(WireModel):
    language: Optional[str] = None
    file_contents: Optional[dict[str, str]] = None  # file name -> its text
    entry_file: Optional[str] = None
    entry_func: Optional[str] = None


class Criterion(WireModel):
    name: Optional[str] = None
    type: Optional[str] = None
    description: Optional[str] = None
    code_snippets: Optional[CodeSnippets] = None


class EvaluatorSource(WireModel):
    type: Optional[str] = None
    github_repository_name: Optional[str] = None


class Evaluator(WireModel):
    name: Optional[str] = output_only()
    state: Optional[str] = output_only()
    status: Optional[Status] = output_only()
    create_time: Optional[str] = output_only()
    update_time: Optional[str] = output_only()
    created_by: Optional[str] = output_only()

    display_name: Optional[str] = None
    description: Optional[str] = None
    criteria: Optional[list[Criterion]] = None
    requirements: Optional[str] = None  # the text of a requirements.txt
    entry_point: Optional[str] = None  # "<file>.py::<function>" (eval-protocol's form)
    commit_hash: Optional[str] = None
    default_dataset: Optional[str] = None
    source: Optional[EvaluatorSource] = None


class CreateEvaluatorRequest(WireModel):
    """Body of ``POST accounts/{a}/evaluatorsV2``."""

    evaluator_id: Optional[str] = None
    evaluator: Evaluator


class BuildLogEndpoint(WireModel):
    """Answer of ``GET .../evaluators/{id}:getBuildLogEndpoint``."""

    build_log_signed_uri: Optional[str] = None
