"""List and mask machinery shared by every collection: field paths, AIP-160 filters,
``orderBy``, page tokens and ``readMask``/``updateMask`` projection.

Field paths are proto field names (snake_case, ``.`` for sub-fields), resolved against
the resource's wire model, so an unknown path is a 400 naming it. camelCase spellings are
accepted too (grpc-gateway resolves both). Map-valued fields (``annotations``,
``autoscaling_policy.load_targets``) take one free-form key segment.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import types
import typing
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional, Sequence

from pydantic import BaseModel
from pydantic.alias_generators import to_camel, to_snake

from .errors import invalid_argument, invalid_field

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


# -- field paths -------------------------------------------------------------------------


def _unwrap(annotation: Any) -> Any:
    """``Optional[X]`` -> ``X``."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
    return annotation


def resolve_path(model: type[BaseModel], path: str) -> list[str]:
    """``"autoscaling_policy.scale_up_window"`` -> ``["autoscalingPolicy", "scaleUpWindow"]``.

    Raises ValueError (message: the offending path) for a path the model does not have.
    """
    wire: list[str] = []
    current: Any = model
    segments = path.strip().split(".")
    for i, segment in enumerate(segments):
        if current is dict:  # free-form map key
            wire.append(segment)
            if i != len(segments) - 1:
                raise ValueError(path)
            return wire
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            raise ValueError(path)
        name = to_snake(segment) if segment not in current.model_fields else segment
        info = current.model_fields.get(name)
        if info is None or not segment:
            raise ValueError(path)
        wire.append(info.alias or to_camel(name))
        inner = _unwrap(info.annotation)
        current = dict if typing.get_origin(inner) is dict else inner
    return wire


def omit_zero_values(model: type[BaseModel], doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` as protojson writes it by default: fields holding their zero value
    (``false``, ``0``, ``""``, an ``*_UNSPECIFIED`` enum, an empty list or map) are left out.

    Zero values "may be omitted from responses" (protojson's default, which gateways built
    on grpc-gateway use unless told to emit them); we omit them, the
    stricter case for clients, so a provider that confuses "absent" with "changed"
    shows up as a perpetual diff in our own tests. Sub-messages are kept even when all
    their fields are zero (protojson writes a set message as ``{}``); map entries and
    list items are values, not fields, and are kept as they are.
    """
    out: dict[str, Any] = {}
    by_alias = {info.alias or to_camel(name): info for name, info in model.model_fields.items()}
    for key, value in doc.items():
        if _is_zero(value):
            continue
        info = by_alias.get(key)
        inner = _unwrap(info.annotation) if info is not None else None
        if isinstance(value, dict) and isinstance(inner, type) and issubclass(inner, BaseModel):
            value = omit_zero_values(inner, value)
        out[key] = value
    return out


#: Enum-typed wire fields and their zero value (the wire models keep enums as plain
#: strings, so this is where a zero enum is known to be ``*_UNSPECIFIED``).
_ENUM_ZEROS = {
    "state": "STATE_UNSPECIFIED",
    "kind": "KIND_UNSPECIFIED",
    "format": "FORMAT_UNSPECIFIED",
    "acceleratorType": "ACCELERATOR_TYPE_UNSPECIFIED",
    "precision": "PRECISION_UNSPECIFIED",
    "defaultPrecision": "PRECISION_UNSPECIFIED",
    "directRouteType": "DIRECT_ROUTE_TYPE_UNSPECIFIED",
    "region": "REGION_UNSPECIFIED",
    "multiRegion": "MULTI_REGION_UNSPECIFIED",
    "checkpointFormat": "CHECKPOINT_FORMAT_UNSPECIFIED",
    "accountType": "ACCOUNT_TYPE_UNSPECIFIED",
    "presetType": "PRESET_TYPE_UNSPECIFIED",
    "snapshotType": "FULL_SNAPSHOT",  # this enum's zero value is its first, real, member
    "suspendState": "UNSUSPENDED",  # likewise
    "hotLoadBucketType": "BUCKET_TYPE_UNSPECIFIED",
    "hotLoadTransitionType": "HOT_LOAD_TRANSITION_TYPE_UNSPECIFIED",
    "encryptionState": "ENCRYPTION_STATE_UNSPECIFIED",
    "originalFormat": "FORMAT_UNSPECIFIED",
    "code": "OK",
    "method": "METHOD_UNSPECIFIED",  # a DPO job's lossConfig.method
    "type": "TYPE_UNSPECIFIED",  # an evaluator's criteria[].type and source.type
}


#: int64 fields, which proto3 JSON carries as strings: their zero is ``"0"``.
_INT64_STRINGS = frozenset({"exampleCount", "estimatedTokenCount", "parameterCount", "units"})


def _is_message_string(key: str) -> bool:
    """Timestamps and durations are messages on the wire (``google.protobuf.Timestamp``,
    ``Duration``) that JSON spells as strings: unset, they are ``null``, not ``""``."""
    return key.endswith(("Time", "Window")) or key in ("duration", "lastUsed")


def emit_zero_values(model: type[BaseModel], doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` as a gateway with protojson's ``EmitUnpopulated`` writes it: every field of
    ``model``, unset ones with their zero value (``""``, ``0``, ``false``, ``[]``, ``{}``,
    ``*_UNSPECIFIED`` for enums, ``null`` for messages). Many gateways answer like this,
    so clients must treat a spelled-out zero exactly like an absent field."""
    out = dict(doc)
    for name, info in model.model_fields.items():
        key = info.alias or to_camel(name)
        value = out.get(key)
        inner = _unwrap(info.annotation)
        origin = typing.get_origin(inner)
        if isinstance(value, dict) and isinstance(inner, type) and issubclass(inner, BaseModel):
            out[key] = emit_zero_values(inner, value)
        elif value is None:
            out[key] = _zero_of(key, inner, origin)
    return out


def _zero_of(key: str, annotation: Any, origin: Any) -> Any:
    if origin is list or annotation is list:
        return []
    if origin is dict or annotation is dict:
        return {}
    if annotation is bool:
        return False
    if annotation in (int, float):
        return 0
    if annotation is str:
        if _is_message_string(key):
            return None
        return "0" if key in _INT64_STRINGS else _ENUM_ZEROS.get(key, "")
    return None  # a message (or anything else): null


def _is_zero(value: Any) -> bool:
    if value is None or value is False or value == "" or value == [] or value == {}:
        return True
    if isinstance(value, str):
        return value.endswith("_UNSPECIFIED")
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0


def get_path(doc: Any, wire_path: Sequence[str]) -> Any:
    for key in wire_path:
        if not isinstance(doc, dict) or key not in doc:
            return None
        doc = doc[key]
    return doc


def set_path(doc: dict[str, Any], wire_path: Sequence[str], value: Any) -> None:
    """Set (or, for ``None``, remove) the value at ``wire_path``, creating parents."""
    for key in wire_path[:-1]:
        child = doc.get(key)
        if not isinstance(child, dict):
            if value is None:
                return
            child = doc[key] = {}
        doc = child
    if value is None:
        doc.pop(wire_path[-1], None)
    else:
        doc[wire_path[-1]] = value


def parse_mask(model: type[BaseModel], mask: Optional[str], param: str) -> Optional[list[list[str]]]:
    """A comma-separated field mask -> wire paths; None for absent/empty/``*`` (all fields)."""
    if mask is None or mask.strip() in ("", "*"):
        return None
    paths = []
    for raw in mask.split(","):
        try:
            paths.append(resolve_path(model, raw.strip()))
        except ValueError:
            raise invalid_field(param, f"unknown field path {raw.strip()!r}") from None
    return paths


def project(doc: dict[str, Any], paths: Optional[list[list[str]]]) -> dict[str, Any]:
    """Only the fields of ``doc`` listed in ``paths`` (a ``readMask``); all if None."""
    if paths is None:
        return doc
    out: dict[str, Any] = {}
    for path in paths:
        value = get_path(doc, path)
        if value is not None:
            set_path(out, path, value)
    return out


# -- filters (AIP-160 subset) ------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<op><=|>=|!=|=|<|>|:)
      | (?P<word>[A-Za-z_][A-Za-z0-9_.\-]*|-?\d+(?:\.\d+)?)
      | (?P<bad>\S)
    )""",
    re.VERBOSE,
)

Predicate = Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class _Comparison:
    path: list[str]
    op: str
    value: Any

    def __call__(self, doc: dict[str, Any]) -> bool:
        actual: Any = get_path(doc, self.path)  # compared as the filter's literal; TypeError: no match
        expected = self.value
        if isinstance(expected, bool):
            actual = bool(actual)
        elif isinstance(expected, (int, float)):
            try:
                actual = float(actual) if actual is not None else 0.0
            except (TypeError, ValueError):
                return False
        else:
            if self.op == ":":
                if isinstance(actual, list):
                    return expected in [str(a) for a in actual] or (expected == "*" and bool(actual))
                if expected == "*":
                    return actual not in (None, "", [], {})
            actual = "" if actual is None else str(actual).lower() if isinstance(actual, bool) else str(actual)
        op = "=" if self.op == ":" else self.op
        try:
            return bool({
                "=": actual == expected,
                "!=": actual != expected,
                "<": actual < expected,
                ">": actual > expected,
                "<=": actual <= expected,
                ">=": actual >= expected,
            }[op])
        except TypeError:
            return False


def _unquote(literal: str, text: str) -> str:
    """A filter string literal (double or single quoted, backslash escapes) -> its value."""
    body = literal[1:-1]
    if literal[0] == "'":
        body = re.sub(r'(?<!\\)"', r'\\"', body.replace("\\'", "'"))
    try:
        return str(json.loads('"' + body + '"', strict=False))
    except ValueError:
        raise invalid_field("filter", f"bad string literal {literal} in {text!r}") from None


def parse_filter(model: type[BaseModel], text: Optional[str]) -> Predicate:
    """``state="READY" AND base_model="accounts/fireworks/models/x"`` -> predicate.

    Supports comparisons (``= != < > <= >= :``) of a field path with a quoted string, a
    number, ``true``/``false`` or a bare enum word, joined by ``AND``. Anything else
    (``OR``, ``NOT``, parentheses, functions) is a 400.
    """
    if text is None or not text.strip():
        return lambda doc: True
    tokens: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "bad"
        tokens.append((kind, m.group(kind)))
    if any(kind == "bad" for kind, _ in tokens):
        raise invalid_field("filter", f"unsupported filter syntax in {text!r}")
    comparisons: list[_Comparison] = []
    i = 0
    while i < len(tokens):
        if comparisons:
            if tokens[i] != ("word", "AND"):
                raise invalid_field("filter", f"unsupported filter {text!r}: only AND-joined comparisons")
            i += 1
        if i + 3 > len(tokens) or tokens[i][0] != "word" or tokens[i + 1][0] != "op":
            raise invalid_field("filter", f"malformed filter {text!r}")
        path_text, op, (vkind, vtext) = tokens[i][1], tokens[i + 1][1], tokens[i + 2]
        try:
            path = resolve_path(model, path_text)
        except ValueError:
            raise invalid_field("filter", f"unknown field {path_text!r}") from None
        value: Any
        if vkind == "str":
            value = _unquote(vtext, text)
        elif vkind == "word" and vtext in ("true", "false"):
            value = vtext == "true"
        elif vkind == "word" and re.fullmatch(r"-?\d+(?:\.\d+)?", vtext):
            value = float(vtext)
        elif vkind == "word":
            value = vtext
        else:
            raise invalid_field("filter", f"malformed filter {text!r}")
        comparisons.append(_Comparison(path, op, value))
        i += 3
    return lambda doc: all(c(doc) for c in comparisons)


# -- ordering ------------------------------------------------------------------------------


def parse_order_by(model: type[BaseModel], text: Optional[str], default: str) -> list[tuple[list[str], bool]]:
    """``"create_time desc, name"`` -> [(wire path, descending)]."""
    spec = text if text and text.strip() else default
    keys = []
    for part in spec.split(","):
        words = part.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise invalid_field("order_by", f"malformed order_by {spec!r}")
        try:
            path = resolve_path(model, words[0])
        except ValueError:
            raise invalid_field("order_by", f"unknown field {words[0]!r}") from None
        keys.append((path, len(words) == 2 and words[1].lower() == "desc"))
    return keys


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return (1, int(value))  # int64 travels as a string
    return (2, json.dumps(value, sort_keys=True) if not isinstance(value, str) else value)


def sort_docs(docs: list[dict[str, Any]], keys: Iterable[tuple[list[str], bool]]) -> list[dict[str, Any]]:
    """Stable multi-key sort; ``docs`` arrive in insertion order, the final tie-breaker."""
    out = list(docs)
    for path, desc in reversed(list(keys)):
        out.sort(key=lambda d: _sort_key(get_path(d, path)), reverse=desc)
    return out


# -- pagination ------------------------------------------------------------------------------


def page_size(raw: Optional[str]) -> int:
    if raw is None or raw == "":
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        raise invalid_field("page_size", f"not an integer: {raw!r}") from None
    if size < 0:
        raise invalid_field("page_size", "must not be negative")
    return DEFAULT_PAGE_SIZE if size == 0 else min(size, MAX_PAGE_SIZE)


def _fingerprint(parts: Sequence[Any]) -> str:
    return hashlib.sha256(json.dumps(list(parts)).encode()).hexdigest()[:16]


def encode_page_token(offset: int, request_parts: Sequence[Any]) -> str:
    raw = json.dumps({"o": offset, "f": _fingerprint(request_parts)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page_token(token: Optional[str], request_parts: Sequence[Any]) -> int:
    """The offset a token points at; 0 for no token. The token is bound to the other
    list parameters (AIP-158): changing them between pages is a 400."""
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset, fingerprint = int(data["o"]), data["f"]
    except (ValueError, KeyError, TypeError):
        raise invalid_field("page_token", "invalid page token") from None
    if fingerprint != _fingerprint(request_parts) or offset < 0:
        raise invalid_argument(
            "invalid value for field 'page_token': the other list parameters must match the call "
            "that returned the token"
        )
    return offset
