"""Dataset rows: the rules per format, line numbers in errors, and inline rows as JSONL."""

from __future__ import annotations

from typing import Any, Optional

import pytest

from pulumi_fireworks._content import SourceError, memory_file
from pulumi_fireworks._jsonl import canonical_jsonl, row_problem, scan
from tests.support.content import sha256

USER = {"role": "user", "content": "hi"}
ANSWER = {"role": "assistant", "content": "hello"}

ROWS: list[tuple[str, Optional[str], Any, Optional[str]]] = [
    ("chat", "CHAT", {"messages": [{"role": "system", "content": "be brief"}, USER, ANSWER]}, None),
    ("chat with tool calls", "CHAT", {"messages": [USER, {"role": "assistant", "tool_calls": [{"type": "function"}]},
                                                   {"role": "tool", "content": "42"}, ANSWER]}, None),
    ("chat with image parts", "CHAT", {"messages": [{"role": "user", "content": [{"type": "text"}]}, ANSWER]}, None),
    ("chat without messages", "CHAT", {"prompt": "x"}, "'messages' must be a non-empty list"),
    ("chat messages not a list", "CHAT", {"messages": "hi"}, "(got a JSON string)"),
    ("chat unknown role", "CHAT", {"messages": [{"role": "bot", "content": "x"}, ANSWER]}, "messages[0].role is 'bot'"),
    ("chat system later", "CHAT", {"messages": [USER, {"role": "system", "content": "x"}, ANSWER]},
     "messages[1]: a system message may only come first"),
    ("chat no content", "CHAT", {"messages": [{"role": "user"}, ANSWER]}, "messages[0] has no content"),
    ("chat content a number", "CHAT", {"messages": [{"role": "user", "content": 3}, ANSWER]}, "content must be a string"),
    ("chat no answer", "CHAT", {"messages": [USER]}, "no assistant message"),
    ("rl prompt only", "RL", {"messages": [USER], "ground_truth": "4"}, None),
    ("rl no messages", "RL", {"prompt": "x"}, "'messages' must be a non-empty list"),
    ("completion", "COMPLETION", {"prompt": "a", "completion": "b"}, None),
    ("completion missing", "COMPLETION", {"prompt": "a"}, "'completion' must be a string"),
    ("no format: any object", None, {"anything": [1, 2]}, None),
    ("not an object", None, [1, 2], "the row is a JSON array, not an object"),
]


@pytest.mark.parametrize("format,row,problem", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_row_rules(format: Optional[str], row: Any, problem: Optional[str]) -> None:
    found = row_problem(row, format)
    assert (found is None) if problem is None else (found is not None and problem in found), found


@pytest.mark.parametrize("data,needle", [
    (b"", "rows.jsonl is empty"),
    (b'{"a": 1}\n\n{"a": 2}\n', "line 2: the line is empty"),
    (b'{"a": 1}\n{"a": \n', "line 2: not valid JSON (Expecting value at column 7)"),
    (b'{"a": 1}\n[1]\n', "line 2: the row is a JSON array"),
    (b'{"a": "\xff"}\n', "line 1: not UTF-8 text"),
])
def test_scan_names_the_file_and_the_line(data: bytes, needle: str) -> None:
    with pytest.raises(SourceError, match=needle.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        scan(memory_file("rows.jsonl", data, "rows.jsonl"), None)


def test_scan_counts_rows_and_hashes_in_one_pass() -> None:
    data = b'{"a": 1}\r\n{"a": 2}\n{"a": 3}'  # CRLF and no final newline are fine
    assert scan(memory_file("r.jsonl", data, "r.jsonl"), None) == (sha256(data), 3)


def test_inline_rows_become_canonical_jsonl() -> None:
    rows = [{"b": 2.0, "a": [1.5, {"z": 1.0}]}, {"text": "é"}]
    assert canonical_jsonl(rows) == b'{"a":[1.5,{"z":1}],"b":2}\n{"text":"\xc3\xa9"}\n'
