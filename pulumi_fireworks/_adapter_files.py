"""Which files of a LoRA adapter's folder are uploaded, and what is left out.

The service takes only ``adapter_config.json``, the adapter weights and optionally
``fireworks.json`` in an addon upload (kind ``HF_PEFT_ADDON``), and refuses any other
file. The folders users have hold more: PEFT's ``save_pretrained`` writes a
``README.md`` model card beside the adapter, and a ``transformers`` Trainer's output
directory adds tokenizer files, ``training_args.bin`` and ``checkpoint-<step>/`` folders.
So the provider picks what the service takes, from the top level only:

* ``adapter_config.json``;
* one weights file: ``adapter_model.safetensors``, else ``adapter_model.bin``;
* ``fireworks.json`` when present.

Everything else is left out of the upload and of the content digest (editing the README
never replaces the model), and :func:`adapter_upload` says so on the provider's stderr,
once per resource and process: ``pulumi preview`` and ``pulumi up`` print those lines
among the stack's diagnostics. Where picking would be guessing, nothing is picked: a
folder with no adapter at its top level but adapters in sub-folders (a Trainer's
checkpoints) is refused, naming the folder to point ``source`` at.
"""

from __future__ import annotations

import posixpath
import re
import sys
import threading
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence

from ._content import LocalFile, SourceError, resolve
from ._wire.model import ADAPTER_CHAT_CONFIG, ADAPTER_CONFIG, ADAPTER_WEIGHTS

TAKEN = (
    f"{ADAPTER_CONFIG}, one weights file ({ADAPTER_WEIGHTS[0]}, else {ADAPTER_WEIGHTS[1]}) "
    f"and {ADAPTER_CHAT_CONFIG} from the folder's top level; the service refuses any other file"
)
"""What a LoRA upload holds, as the preview note says it."""

NEEDED = f"{ADAPTER_CONFIG}, {' or '.join(ADAPTER_WEIGHTS)} and optionally {ADAPTER_CHAT_CONFIG}"

MAX_LISTED = 12
"""Left-out entries the note names before it says "and N more"."""

_CHECKPOINT = re.compile(r"checkpoint-(\d+)")


@dataclass(frozen=True)
class Where:
    """A ``source`` as messages name it, and whether ``source`` can point into it."""

    text: str
    """``adapters/run``, ``run.zip``, ``the AssetArchive``."""
    folder: bool
    """A folder on disk (a path, or a ``FileArchive`` of a folder)."""


def where_of(source: Any) -> Where:
    """The plain ``source`` of a model (a path, ``{"archive": ...}`` or ``{"assets": ...}``)."""
    if isinstance(source, str):
        return Where(source.rstrip("/") or source, True)
    if source.get("archive") is not None:
        path = str(source["archive"])
        return Where(path.rstrip("/") or path, resolve(path).is_dir())
    return Where("the AssetArchive", False)


@dataclass(frozen=True)
class AdapterFiles:
    """The files of a source split into what is uploaded and what is left out."""

    upload: tuple[LocalFile, ...]
    left_out: tuple[LocalFile, ...]

    def note(self, label: str) -> Optional[str]:
        """The line the preview shows for the resource ``label``; ``None`` when nothing is left out."""
        if not self.left_out:
            return None
        entries = left_out_entries(f.name for f in self.left_out)
        shown = ", ".join(entries[:MAX_LISTED])
        if len(entries) > MAX_LISTED:
            shown += f" and {len(entries) - MAX_LISTED} more"
        count = len(self.left_out)
        return (
            f"{label}: uploading {', '.join(f.name for f in self.upload)}; left out {shown} "
            f"({count} file{'' if count == 1 else 's'}): a LoRA upload holds only {TAKEN}"
        )


def select(files: Sequence[LocalFile], where: Where) -> AdapterFiles:
    """What of ``files`` (a source's files, by their path inside it) a LoRA upload holds.

    Raises :class:`SourceError` when the top level lacks the config or the weights,
    saying which sub-folder holds an adapter when one does."""
    top = {f.name for f in files if "/" not in f.name}
    weights = next((w for w in ADAPTER_WEIGHTS if w in top), None)
    if ADAPTER_CONFIG not in top or weights is None:
        raise SourceError(_no_adapter_at_top(files, where, config=ADAPTER_CONFIG in top, weights=weights is not None))
    chosen = {ADAPTER_CONFIG, weights} | ({ADAPTER_CHAT_CONFIG} & top)
    return AdapterFiles(
        upload=tuple(f for f in files if f.name in chosen),
        left_out=tuple(f for f in files if f.name not in chosen),
    )


def adapter_upload(label: str, files: Sequence[LocalFile], source: Any) -> list[LocalFile]:
    """The files of a LoRA adapter's ``source`` to upload (see :func:`select`); what is
    left out is said on stderr, once per process for each resource ``label``."""
    chosen = select(files, where_of(source))
    note = chosen.note(label)
    if note is not None:
        tell_once(note)
    return list(chosen.upload)


# -- the note on stderr -------------------------------------------------------------------

_told: set[str] = set()
_told_lock = threading.Lock()


def tell_once(line: str) -> None:
    """Write ``line`` to stderr unless this process already did: ``check`` runs more than
    once per resource (preview, then ``up``; again before a create). The dynamic
    provider's stderr is shown by the CLI among the stack's diagnostics."""
    with _told_lock:
        if line in _told:
            return
        _told.add(line)
    print(line, file=sys.stderr, flush=True)


# -- helpers --------------------------------------------------------------------------------


def left_out_entries(names: Iterable[str]) -> list[str]:
    """Left-out files as the note lists them: top-level files by name, then each top-level
    folder once (``checkpoint-500/``), in natural order (``checkpoint-9`` before ``-10``)."""
    files: set[str] = set()
    folders: set[str] = set()
    for name in names:
        head, slash, _ = name.partition("/")
        (folders if slash else files).add(head + slash)
    return sorted(files, key=_natural) + sorted(folders, key=_natural)


def _natural(text: str) -> list[Any]:
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part]


def nested_adapters(files: Iterable[LocalFile]) -> list[str]:
    """Sub-folders holding an adapter (its config and weights), in natural order."""
    by_folder: dict[str, set[str]] = {}
    for f in files:
        folder, name = posixpath.split(f.name)
        if folder:
            by_folder.setdefault(folder, set()).add(name)
    found = [d for d, names in by_folder.items() if ADAPTER_CONFIG in names and names & set(ADAPTER_WEIGHTS)]
    return sorted(found, key=_natural)


def _latest_checkpoint(folders: Sequence[str]) -> Optional[str]:
    steps = {d: int(m[1]) for d in folders if (m := _CHECKPOINT.fullmatch(posixpath.basename(d)))}
    return max(steps, key=lambda d: steps[d]) if steps else None


def _no_adapter_at_top(files: Sequence[LocalFile], where: Where, *, config: bool, weights: bool) -> str:
    nested = nested_adapters(files)
    weights_text = f"adapter weights ({' or '.join(ADAPTER_WEIGHTS)})"
    if not nested:
        if not config:
            return f"{where.text} has no {ADAPTER_CONFIG}: a LoRA adapter needs {NEEDED}"
        return f"{where.text} has no {weights_text}"
    missing = " or ".join(m for m, present in ((ADAPTER_CONFIG, config), (weights_text, weights)) if not present)
    head = f"{where.text} has no {missing} at its top level"
    if len(nested) == 1:
        [only] = nested
        if where.folder:
            return f"{head}; {only}/ holds an adapter: point source at {where.text}/{only}"
        return f"{head}; {only}/ inside it holds an adapter: make source a folder or archive with {only}/'s files at its top level"
    kinds = "checkpoints" if all(_CHECKPOINT.fullmatch(posixpath.basename(d)) for d in nested) else "folders"
    listed = ", ".join(f"{d}/" for d in nested[:MAX_LISTED]) + (f" and {len(nested) - MAX_LISTED} more" if len(nested) > MAX_LISTED else "")
    latest = _latest_checkpoint(nested)
    if where.folder and kinds == "checkpoints":
        todo = f"point source at the one to upload, {where.text}/checkpoint-<step> (the latest is {where.text}/{latest})"
    elif where.folder:
        todo = f"point source at the one to upload, e.g. {where.text}/{nested[0]}"
        todo += f" (the latest checkpoint is {where.text}/{latest})" if latest else ""
    else:
        todo = "make source a folder or archive with the files of the one to upload at its top level"
        todo += f" (the latest checkpoint is {latest}/)" if latest else ""
    return f"{head}; {len(nested)} {kinds} hold adapters ({listed}): {todo}; the provider does not pick one for you"
