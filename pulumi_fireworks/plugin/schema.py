"""The Pulumi package schema of the ``fireworks`` plugin, generated from the declarations.

``python -m pulumi_fireworks.plugin.schema --write`` writes ``schema/plugin/pulumi-package.json``;
without ``--write`` it fails when that file is stale (CI runs it through the tests). The
source is the same JSON Schema every resource publishes in ``schema/`` (:mod:`.._schema`):
its descriptions (with the generated "Replaces ... on change." sentences), required inputs,
secrets, ``replaceOnChanges`` and enums, so nothing here is written twice. ``pulumi package
gen-sdk`` turns this file into SDKs for other languages.

Names: resources ``fireworks:index:<Type>``, object types ``fireworks:index:<Name>``, enums
named after their field (``AcceleratorType``), lookups ``fireworks:index:get<Thing>`` /
``list<Things>``. Properties keep the API's snake_case spelling in every language (module
docstring of :mod:`pulumi_fireworks.plugin`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any, Optional

from .._engine import registered_specs
from .._schema import SCHEMA_DIR, lookup_schema, resource_schema
from ..lookups.functions import CATALOG

PACKAGE = "fireworks"
MODULE = "index"
SCHEMA_FILE = SCHEMA_DIR / "plugin" / "pulumi-package.json"
ANY = {"$ref": "pulumi.json#/Any"}
ARCHIVE = {"$ref": "pulumi.json#/Archive"}

_CONFIG = {
    "apiKey": {"type": "string", "secret": True,
               "description": "Fireworks API key (else FIREWORKS_API_KEY)."},
    "accountId": {"type": "string",
                  "description": "Account id (else FIREWORKS_ACCOUNT_ID; else the account the key belongs to)."},
    "baseUrl": {"type": "string",
                "description": "API base URL (else FIREWORKS_BASE_URL; default https://api.fireworks.ai)."},
}


def resource_type(type_name: str) -> str:
    return f"{PACKAGE}:{MODULE}:{type_name}"


def function_token(python_name: str) -> str:
    """``get_quota`` -> ``fireworks:index:getQuota``."""
    head, _, rest = python_name.partition("_")
    return f"{PACKAGE}:{MODULE}:{head}{_pascal(rest)}"


def _pascal(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


class _Types:
    """Object and enum types met while converting, by token."""

    def __init__(self) -> None:
        self.types: dict[str, Any] = {}

    def convert(self, js: Mapping[str, Any], defs: Mapping[str, Any], hint: str) -> dict[str, Any]:
        """One JSON Schema (pydantic's) as a Pulumi type spec."""
        options = [o for o in js.get("anyOf", []) if o.get("type") != "null"]
        if options:
            if len(options) == 1:
                return self.convert(options[0], defs, hint)
            if any(o.get("$ref", "").endswith("/AssetInputs") for o in options):
                return ARCHIVE  # a local folder's path, or a pulumi Archive
            return ANY
        if "$ref" in js:
            name = js["$ref"].rsplit("/", 1)[-1]
            return self.object_type(name.removesuffix("Inputs"), defs[name], defs)
        if "enum" in js:
            return self.enum_type(_pascal(hint), [v for v in js["enum"] if v is not None])
        kind = js.get("type")
        if kind in ("string", "integer", "number", "boolean"):
            return {"type": kind}
        if kind == "array":
            return {"type": "array", "items": self.convert(js.get("items", {}), defs, hint)}
        if kind == "object" and isinstance(js.get("additionalProperties"), Mapping):
            return {"type": "object", "additionalProperties": self.convert(js["additionalProperties"], defs, hint)}
        return ANY

    def object_type(self, name: str, js: Mapping[str, Any], defs: Mapping[str, Any]) -> dict[str, Any]:
        token = resource_type(name)
        if token not in self.types:
            self.types[token] = {}  # placeholder: recursive types end here
            properties = self.properties(js, defs)
            self.types[token] = {"type": "object", "description": js.get("description", ""), "properties": properties,
                                 "required": sorted(js.get("required", []))}
        return {"$ref": f"#/types/{token}"}

    def enum_type(self, name: str, values: list[Any]) -> dict[str, Any]:
        token = resource_type(name)
        existing = self.types.get(token)
        if existing is not None and [v["value"] for v in existing["enum"]] != values:
            token = resource_type(f"{name}{len(values)}")
        self.types[token] = {"type": "string" if all(isinstance(v, str) for v in values) else "integer",
                             "enum": [{"value": v} for v in values]}
        return {"$ref": f"#/types/{token}"}

    def properties(self, js: Mapping[str, Any], defs: Mapping[str, Any],
                   secret: frozenset[str] = frozenset(), replaces: frozenset[str] = frozenset()) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, prop in js.get("properties", {}).items():
            spec = {**self.convert(prop, defs, name)}
            if prop.get("description"):
                spec["description"] = prop["description"]
            if name in secret or prop.get("x-facts", {}).get("secret"):
                spec["secret"] = True
            if name in replaces:
                spec["replaceOnChanges"] = True
            out[name] = spec
        return out


def _resource(types: _Types, schema: Mapping[str, Any], summary: str) -> dict[str, Any]:
    inputs, outputs = schema["inputs"], schema["outputs"]
    defs = {**inputs.get("$defs", {}), **outputs.get("$defs", {})}
    secret = frozenset(schema["x-secret-outputs"])
    replaces = frozenset(schema["x-replace-on-change"])
    input_props = types.properties(inputs, defs, secret, replaces)
    output_props = {**input_props, **types.properties(outputs, defs, secret)}
    return {
        "description": summary,
        "inputProperties": input_props,
        "requiredInputs": sorted(inputs.get("required", [])),
        "properties": output_props,
        "required": [],
    }


def _function(types: _Types, schema: Mapping[str, Any]) -> dict[str, Any]:
    arguments, result = schema["arguments"], schema["result"]
    defs = {**arguments.get("$defs", {}), **result.get("$defs", {})}
    return {
        "description": schema.get("description", ""),
        "inputs": {"properties": types.properties(arguments, defs), "required": sorted(arguments.get("required", []))},
        "outputs": {"properties": types.properties(result, defs), "required": sorted(result.get("required", []))},
    }


def package_schema(version: Optional[str] = None) -> dict[str, Any]:
    """The whole package schema (``version``: the plugin's, when serving it)."""
    types = _Types()
    resources = {resource_type(name): _resource(types, resource_schema(spec), spec.summary)
                 for name, spec in registered_specs().items()}
    functions = {function_token(e.function.__name__): _function(types, lookup_schema(e)) for e in CATALOG}
    doc: dict[str, Any] = {
        "name": PACKAGE,
        "displayName": "Fireworks AI",
        "description": "Fireworks AI control plane: deployments, models, LoRA loads, datasets, fine-tuning, "
                       "evaluators, secrets, users, API keys and quotas.",
        "keywords": ["pulumi", "fireworks", "category/ai"],
        "homepage": "https://docs.fireworks.ai",
        "config": {"variables": _CONFIG},
        "provider": {"description": "The Fireworks provider.", "inputProperties": _CONFIG},
        "resources": resources,
        "functions": functions,
        "types": dict(sorted(types.types.items())),
        "language": {"python": {"packageName": "pulumi_fireworks_plugin"},
                     "nodejs": {"packageName": "@pulumi-fireworks/fireworks"}},
    }
    if version:
        doc["version"] = version
    return doc


def render() -> str:
    return json.dumps(package_schema(), indent=2, sort_keys=False) + "\n"


def main(argv: Optional[list[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if "--write" in args:
        SCHEMA_FILE.write_text(text, encoding="utf-8")
        return 0
    if not SCHEMA_FILE.is_file() or SCHEMA_FILE.read_text(encoding="utf-8") != text:
        print(f"{SCHEMA_FILE} is stale: run `python -m pulumi_fireworks.plugin.schema --write`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

