"""A non-Fireworks dynamic resource with a predictable id, for the review-summary engine test.

Why not ``tiny_resource``: its ids are random, and the golden Markdown of the review command
must be the same on every run. Importable (the engine env puts the repo on ``PYTHONPATH``), so
the provider is pickled by reference.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult

NOTE_TYPE = "pulumi-python:dynamic/notes:Note"


class NoteProvider(ResourceProvider):
    """Stores ``text``; its id is ``note-<resource name>``; a new text is an in-place update."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=f"note-{props['label']}", outs={"label": props["label"], "text": props["text"]})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=olds.get("text") != news.get("text"), replaces=[], delete_before_replace=False)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs={"label": news["label"], "text": news["text"]})

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class Note(pulumi.dynamic.Resource, module="notes", name="Note"):
    text: pulumi.Output[str]

    def __init__(self, name: str, text: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(NoteProvider(), name, {"label": name, "text": text}, opts)
