"""Input values as the preview JSON holds them, made safe and comparable.

Why: the engine writes secrets, unknowns and its own bookkeeping into the same property bags
as the user's inputs. Before anything is compared or shown, each value is normalised here:

* secrets become :data:`SECRET`, whether the JSON masked them (``"[secret]"`` in the preview
  document, a signature object with ``"ciphertext": "[secret]"`` in the event stream), or holds
  them in plain text in a field that is known to be secret (:func:`secret_fields`);
* values unknown until ``up`` (outputs of other resources) become :data:`UNKNOWN`;
* hidden keys of dynamic resources (``__provider``, ``__name``, anything starting ``__``) go.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Optional

from .._engine import registered_specs
from .._spec import ResourceSpec

SIGNATURE_KEY = "4dabf18193072939515e22adb298388d"
"""Key that marks a special value in serialised Pulumi properties (sdk/go/common/resource/sig)."""

_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
_RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e"

UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""How the engine serialises a value that is unknown during preview."""

MASKED_SECRET = "[secret]"
"""How ``pulumi preview --json`` writes a secret (pkg/backend/display/json.go)."""

FIREWORKS_TYPE_PREFIX = "pulumi-python:dynamic/fireworks:"

def _fireworks_spec(type_token: str) -> Optional[ResourceSpec]:
    if not type_token.startswith(FIREWORKS_TYPE_PREFIX):
        return None
    return registered_specs().get(type_token[len(FIREWORKS_TYPE_PREFIX):])


def recorded_outputs(type_token: str) -> frozenset[str]:
    """Outputs a Fireworks resource records with its checked inputs (its ``name`` and what
    follows from it, so previews of dependents are exact): not inputs a user changes."""
    spec = _fireworks_spec(type_token)
    return spec.output_names if spec else frozenset()


class Marker(enum.Enum):
    """A value that is not shown as itself."""

    SECRET = "[secret]"
    UNKNOWN = "(known after up)"

    def __str__(self) -> str:
        return self.value


SECRET = Marker.SECRET
UNKNOWN = Marker.UNKNOWN


def secret_fields(type_token: str, additional: Iterable[str] = ()) -> frozenset[str]:
    """Top-level fields of a resource of ``type_token`` whose values must never be shown.

    ``additional`` is the resource's ``additionalSecretOutputs`` from the JSON, which covers
    any resource that declares its secret fields, Fireworks or not.
    """
    # The resources mark these secret themselves; naming them here is the second lock,
    # for JSON that holds them in plain text.
    spec = _fireworks_spec(type_token)
    known = frozenset(spec.secret_outputs) if spec else frozenset()
    return known | frozenset(additional)


def is_hidden(key: str) -> bool:
    """Keys the dynamic-provider machinery adds (``__provider`` holds the pickled provider)."""
    return key.startswith("__")


def normalise(value: Any) -> Any:
    """``value`` with secrets as :data:`SECRET` and unknowns as :data:`UNKNOWN`."""
    if isinstance(value, str):
        if value == MASKED_SECRET:
            return SECRET
        if value == UNKNOWN_SENTINEL:
            return UNKNOWN
        return value
    if isinstance(value, Mapping):
        signature = value.get(SIGNATURE_KEY)
        if signature == _SECRET_SIG:
            return SECRET
        if signature == _OUTPUT_SIG:
            if value.get("secret"):
                return SECRET
            return normalise(value["value"]) if "value" in value else UNKNOWN
        if signature == _RESOURCE_REF_SIG:
            return str(value.get("urn", ""))
        return {str(k): normalise(v) for k, v in value.items() if k != SIGNATURE_KEY}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    return value


def visible_inputs(inputs: Mapping[str, Any], secrets: Iterable[str]) -> dict[str, Any]:
    """The inputs a reviewer may see: hidden keys dropped, ``None`` dropped, secrets masked."""
    secret_set = frozenset(secrets)
    shown: dict[str, Any] = {}
    for key, value in inputs.items():
        if is_hidden(key) or value is None:
            continue
        shown[key] = SECRET if key in secret_set else normalise(value)
    return shown


def plaintext_in(value: Any) -> Iterator[str]:
    """Every plain string inside ``value`` (to be redacted wherever else it turns up)."""
    if isinstance(value, str):
        if value not in (MASKED_SECRET, UNKNOWN_SENTINEL):
            yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key != SIGNATURE_KEY:
                yield from plaintext_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from plaintext_in(item)


def contains(value: Any, marker: Marker) -> bool:
    if value is marker:
        return True
    if isinstance(value, Mapping):
        return any(contains(v, marker) for v in value.values())
    if isinstance(value, list):
        return any(contains(v, marker) for v in value)
    return False


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def join_path(prefix: str, key: str) -> str:
    """``autoscaling_policy`` + ``scale_up_window`` -> ``autoscaling_policy.scale_up_window``;
    keys that are not identifiers are quoted: ``annotations["team.name"]``."""
    if _IDENTIFIER.match(key):
        return f"{prefix}.{key}" if prefix else key
    return f"{prefix}[{json.dumps(key)}]"


def flatten(value: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted paths; lists and scalars are leaves.

    Why: a change deep inside ``autoscaling_policy`` should read as one line with its path,
    not as two whole objects side by side.
    """
    leaves: dict[str, Any] = {}
    for key, item in value.items():
        path = join_path(prefix, str(key))
        if isinstance(item, Mapping) and item:
            leaves.update(flatten(item, path))
        else:
            leaves[path] = item
    return leaves


def display(value: Any) -> str:
    """One-line text for a normalised value: strings as written, everything else as JSON."""
    if isinstance(value, Marker):
        return value.value
    if isinstance(value, str):
        if value.isprintable():
            return value
        return json.dumps(value)
    return json.dumps(_jsonable(value), sort_keys=True, separators=(", ", ": "))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Marker):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value
