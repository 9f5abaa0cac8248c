"""JSON Schema of every resource's inputs and outputs, and of every lookup's arguments
and result (``schema/lookups/``), generated from the code.

``python -m pulumi_fireworks._schema --write`` refreshes ``schema/``; ``--check`` (run by
the tests) fails when the checked-in files no longer match the code.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
import typing
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from ._engine import registered_specs
from ._spec import ResourceSpec
from .lookups.functions import CATALOG, Lookup

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
LOOKUPS_DIR = "lookups"


_JSON_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}
"""JSON Schema type of a computed output's declared Python type (``spec.computed_types``)."""


def resource_schema(spec: ResourceSpec) -> dict[str, Any]:
    inputs = spec.inputs_model.model_json_schema(mode="validation")
    for name, prop in inputs.get("properties", {}).items():
        text = spec.input_description(name)
        if text:
            prop["description"] = text
    wire = spec.wire_model.model_json_schema(by_alias=False, mode="serialization")
    wire_props = wire.get("properties", {})
    outputs = {name: wire_props[name] for name in sorted(spec.server_view) if name in wire_props}
    for name in sorted(spec.computed_output_names):
        outputs[name] = {"type": _JSON_TYPES.get(spec.computed_types.get(name, "str"), "string")}
    outputs[spec.id_field] = {"type": "string"}
    extra: dict[str, Any] = {}
    if spec.computed_inputs:
        # Inputs the provider derives at check (content digests): diffed, never set by users.
        extra["x-computed-inputs"] = sorted(spec.computed_inputs)
    return {
        **extra,
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"fireworks:{spec.type_name}",
        "x-pulumi-type-token": f"pulumi-python:dynamic/fireworks:{spec.type_name}",
        "x-id": {"field": spec.id_field, "chosen-by": "server" if spec.id_source == "server" else "user or provider"},
        "x-replace-on-change": sorted(
            (spec.replace_on_change | set(spec.parent_fields) | {spec.id_field})
            & spec.input_names
        ),
        "x-create-only": sorted(spec.create_only),
        "x-provider-only": sorted(spec.provider_only),
        "x-write-only": sorted(spec.write_only),
        "x-returned-once": sorted(spec.returned_once),
        "x-secret-outputs": list(spec.secret_outputs),
        "inputs": inputs,
        "outputs": {
            "type": "object",
            "description": "Every input, echoed, plus the server's view below.",
            "properties": outputs,
            "$defs": wire.get("$defs", {}),
        },
    }


def lookup_schema(entry: Lookup) -> dict[str, Any]:
    """A lookup function's arguments (from its signature) and result (from its class)."""
    name = entry.function.__name__
    hints = typing.get_type_hints(entry.function)
    arguments: dict[str, Any] = {}
    required = []
    for arg, parameter in inspect.signature(entry.function).parameters.items():
        schema = TypeAdapter(hints[arg]).json_schema()
        schema["description"] = entry.arguments[arg]
        if parameter.default is inspect.Parameter.empty:
            required.append(arg)
        else:
            schema["default"] = parameter.default
        arguments[arg] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"pulumi_fireworks.{name}",
        "description": " ".join(inspect.cleandoc(entry.function.__doc__ or "").split("\n\n")[0].split()),
        "x-output-function": f"{name}_output",
        "arguments": {"type": "object", "properties": arguments, "required": required, "additionalProperties": False},
        "result": entry.result.model_json_schema(mode="serialization"),
    }


def _dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def render_all() -> dict[str, str]:
    """Path under ``schema/`` → content, for every registered resource and every lookup."""
    files = {f"{_file_stem(name)}.json": _dump(resource_schema(spec)) for name, spec in registered_specs().items()}
    files.update({f"{LOOKUPS_DIR}/{e.function.__name__}.json": _dump(lookup_schema(e)) for e in CATALOG})
    return files


def _file_stem(type_name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in type_name).lstrip("_")


def stale_files(directory: Path = SCHEMA_DIR) -> list[str]:
    expected = render_all()
    stale = [name for name, text in expected.items() if not (directory / name).is_file() or (directory / name).read_text() != text]
    present = [*directory.glob("*.json"), *directory.glob(f"{LOOKUPS_DIR}/*.json")]
    extra = [p.relative_to(directory).as_posix() for p in present if p.relative_to(directory).as_posix() not in expected]
    return sorted(stale + extra)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pulumi_fireworks._schema")
    parser.add_argument("--write", action="store_true", help="rewrite schema/*.json")
    parser.add_argument("--check", action="store_true", help="fail when schema/ is stale")
    args = parser.parse_args(argv)
    if args.write:
        for name, text in render_all().items():
            (SCHEMA_DIR / name).parent.mkdir(parents=True, exist_ok=True)
            (SCHEMA_DIR / name).write_text(text)
        return 0
    stale = stale_files()
    if stale:
        print(f"schema/ is stale: {', '.join(stale)}; run `python -m pulumi_fireworks._schema --write`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
