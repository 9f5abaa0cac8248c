"""What a dataset row must look like, per format, and one pass over a JSONL file.

The service checks rows only when a job uses the dataset, and then reports "invalid JSON
on line 42" (docs, "Common errors"); a preview can say the same before anything is
uploaded. The rules, from the fine-tuning guides:

* every line is one JSON object; an empty file, or an empty line, is refused;
* ``CHAT`` (supervised fine-tuning): ``messages``, a non-empty list of objects whose
  ``role`` is ``system``, ``user``, ``assistant`` or ``tool`` (function calling), a
  ``system`` message only first, ``content`` a string or a list of parts (images), or
  absent on an assistant turn that carries ``tool_calls``; at least one ``assistant``
  turn, since that is what the model learns from;
* ``RL`` (reinforcement fine-tuning): ``messages`` as for ``CHAT``, but the prompts alone
  (the model writes the answers), so no assistant turn is required;
* ``COMPLETION``: ``prompt`` and ``completion``, both strings. The guides no longer show
  this older format; these are the field names of Fireworks' (and OpenAI's) legacy
  completion fine-tuning, chosen here where the docs and the SDK are silent;
* no format (``FORMAT_UNSPECIFIED``): any JSON object.

:func:`scan` reads a file once for both its SHA-256 and its rows, so a dataset is hashed
and checked in a single pass.
"""

from __future__ import annotations

import typing

import hashlib
import json
from typing import Any, Iterable, Literal, Optional

from ._content import LocalFile, SourceError, read_chunks

Format = Literal["CHAT", "COMPLETION", "RL"]
FORMATS: tuple[str, ...] = typing.get_args(Format)
ROLES = ("system", "user", "assistant", "tool")


def row_problem(row: Any, format: Optional[str]) -> Optional[str]:
    """What is wrong with one row for ``format``, or ``None``."""
    if not isinstance(row, dict):
        return f"the row is a JSON {_kind(row)}, not an object"
    if format in ("CHAT", "RL"):
        return _messages_problem(row, need_assistant=format == "CHAT")
    if format == "COMPLETION":
        for field in ("prompt", "completion"):
            if not isinstance(row.get(field), str):
                return f"{field!r} must be a string: the COMPLETION format needs 'prompt' and 'completion'" + _got(row, field)
    return None


def _messages_problem(row: dict[str, Any], *, need_assistant: bool) -> Optional[str]:
    messages = row.get("messages")
    if not isinstance(messages, list) or not messages:
        return "'messages' must be a non-empty list of {\"role\": ..., \"content\": ...} objects" + _got(row, "messages")
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if not isinstance(message, dict):
            return f"{where} is a JSON {_kind(message)}, not an object"
        role = message.get("role")
        if role not in ROLES:
            return f"{where}.role is {role!r}; use one of {', '.join(ROLES)}"
        if role == "system" and index > 0:
            return f"{where}: a system message may only come first"
        content = message.get("content")
        if content is None and not (role == "assistant" and message.get("tool_calls")):
            return f"{where} has no content"
        if content is not None and not isinstance(content, (str, list)):
            return f"{where}.content must be a string or a list of parts, not a JSON {_kind(content)}"
    if need_assistant and not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages):
        return "no assistant message: a CHAT example needs the answer to learn from"
    return None


def _got(row: dict[str, Any], field: str) -> str:
    return f" (got a JSON {_kind(row[field])})" if field in row else " (it is missing)"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    return {dict: "object", list: "array", str: "string", int: "number", float: "number"}.get(type(value), "null")


def scan(file: LocalFile, format: Optional[str]) -> tuple[str, int]:
    """The file's SHA-256 and number of rows, after checking every row.

    Raises :class:`~._content.SourceError` naming the file, the line and the problem."""
    digest = hashlib.sha256()
    rows = 0
    number = 0
    pending = b""
    for chunk in read_chunks(file):
        digest.update(chunk)
        lines = (pending + chunk).split(b"\n")
        pending = lines.pop()
        for line in lines:
            number += 1
            _check_line(file, number, line, format)
            rows += 1
    if pending:
        number += 1
        _check_line(file, number, pending, format)
        rows += 1
    if rows == 0:
        raise SourceError(f"{file.where} is empty: a dataset needs at least one row")
    return digest.hexdigest(), rows


def _check_line(file: LocalFile, number: int, line: bytes, format: Optional[str]) -> None:
    line = line.removesuffix(b"\r")
    where = f"{file.where} line {number}"
    if not line.strip():
        raise SourceError(f"{where}: the line is empty; every line must be one JSON object")
    try:
        row = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise SourceError(f"{where}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise SourceError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    problem = row_problem(row, format)
    if problem:
        raise SourceError(f"{where}: {problem}")


def canonical_jsonl(rows: Iterable[Any]) -> bytes:
    """Inline rows as the JSONL file uploaded for them: one compact line per row, keys
    sorted (a Pulumi map has no order), and whole floats written as integers (Pulumi
    sends every number as a float, so 2 arrives as 2.0)."""
    return b"".join(json.dumps(_whole(row), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for row in rows)


def _whole(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole(v) for v in value]
    return value
