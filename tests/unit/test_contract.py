"""A contract every registered resource keeps: its type token, typed arguments and
outputs matching its spec, a fresh schema file, an example or engine test using it, and
agreement with the emulator about what can change in place."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import pulumi_fireworks
from pulumi_fireworks import _schema
from pulumi_fireworks._engine import registered_specs
from pulumi_fireworks._resource import FireworksResource
from pulumi_fireworks._spec import ResourceSpec
from pulumi_fireworks.emulator import handlers

REPO = Path(__file__).resolve().parents[2]
SPECS = registered_specs()


def resource_class(type_name: str) -> Any:
    classes = [getattr(pulumi_fireworks, n) for n in pulumi_fireworks.__all__]
    [cls] = [c for c in classes if isinstance(c, type) and issubclass(c, FireworksResource) and c._spec.type_name == type_name]
    return cls


def annotations(cls: type) -> set[str]:
    """Typed attributes the resource class (and its mixins) declare, not Pulumi's own."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if klass.__module__.startswith("pulumi_fireworks.") and klass is not FireworksResource:
            names |= set(vars(klass).get("__annotations__", {}))
    return names


@pytest.mark.parametrize("type_name", sorted(SPECS))
def test_type_token_arguments_and_outputs_match_the_spec(type_name: str) -> None:
    spec: ResourceSpec = SPECS[type_name]
    cls = resource_class(type_name)
    assert cls._resource_type_name == f"dynamic/fireworks:{type_name}"
    args = getattr(pulumi_fireworks, f"{type_name}Args")
    assert args.__required_keys__ | args.__optional_keys__ == set(spec.inputs_model.model_fields)
    typed = annotations(cls) - {"_spec"}
    assert spec.output_names <= typed, f"outputs without a typed attribute: {sorted(spec.output_names - typed)}"
    assert typed <= spec.inputs_and_outputs | {"urn", "id"}, f"typed attributes that are no output: {sorted(typed - spec.inputs_and_outputs)}"


def test_every_resource_has_a_fresh_schema_file() -> None:
    expected = {f"{_schema._file_stem(name)}.json" for name in SPECS}
    assert expected <= {p.name for p in (REPO / "schema").glob("*.json")}
    assert _schema.stale_files() == []


@pytest.mark.parametrize("type_name", sorted(SPECS))
def test_every_resource_is_used_by_an_example_or_an_engine_test(type_name: str) -> None:
    usage = re.compile(rf"fireworks\.{type_name}\(|\"type\": \"{type_name}\"")
    files = [*REPO.glob("examples/*/*.py"), *REPO.glob("tests/engine/*.py")]
    assert any(usage.search(f.read_text()) for f in files), f"nothing runs {type_name} through the engine"


@pytest.mark.parametrize("type_name", sorted(SPECS))
def test_what_the_emulator_cannot_change_the_provider_replaces(type_name: str) -> None:
    spec = SPECS[type_name]
    [collection] = [c for c in handlers.collections() if c.collection == spec.collection]
    inputs = set(spec.inputs_model.model_fields)
    replaced = spec.replace_on_change | {spec.id_field} | set(spec.parent_fields) | spec.create_only
    immutable_inputs = set(collection.immutable_fields) & inputs
    assert immutable_inputs <= replaced, f"updated in place but immutable on the server: {sorted(immutable_inputs - replaced)}"


@pytest.mark.parametrize("type_name", sorted(SPECS))
def test_every_optional_api_input_says_what_unset_means(type_name: str) -> None:
    """Unset either means a managed API default (drift when it differs) or leaves the value
    to the server: each field says which, on the field, and the schema shows it."""
    from pulumi_fireworks._fields import NOT_DECLARED, facts_of

    spec = SPECS[type_name]
    optional = {f for f in spec.api_inputs if not spec.inputs_model.model_fields[f].is_required()}
    undeclared = sorted(f for f in optional if facts_of(spec.inputs_model, f).unset is NOT_DECLARED)
    assert undeclared == [], f"{type_name}: say what unset means (field(unset=...)) for {undeclared}"


@pytest.mark.parametrize("type_name", sorted(SPECS))
def test_every_resource_has_each_piece(type_name: str) -> None:
    """What scripts/new-resource writes, for every registered resource: its wire model in
    _wire, its emulator collection, a provider-tier lifecycle row, a reference page and a
    generated surface (the example is checked above, the bad-input rows by
    tests/unit/test_bad_inputs.py)."""
    from pulumi_fireworks._codegen import DOCS, GENERATED, stem
    from tests.provider.test_lifecycles import CASES

    spec = SPECS[type_name]
    assert spec.wire_model.__module__.startswith("pulumi_fireworks._wire."), spec.wire_model.__module__
    assert [c for c in handlers.collections() if c.collection == spec.collection], "no emulator collection"
    assert type_name in CASES, "no lifecycle row in tests/provider/test_lifecycles.py"
    assert (DOCS / f"{stem(type_name)}.md").is_file() and (GENERATED / f"{stem(type_name)}.py").is_file()


@pytest.mark.parametrize("module", ["_engine", "_resource", "_spec", "_fields", "_inputs"])
def test_the_generic_modules_import_no_resource_and_name_none(module: str) -> None:
    """The engine imports its resources downward, from the one list in ``_catalog`` (inside
    functions, once everything is loaded); the generic modules never import the package face,
    the generated surface or a resource module, and say nothing of a particular resource."""
    import ast

    source = (REPO / "pulumi_fireworks" / f"{module}.py").read_text()
    imported: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = ("." * node.level) + (node.module or "")
            imported += [base] if node.module else [f"{base}{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
    face = [m for m in imported if m == "pulumi_fireworks" or m.startswith("pulumi_fireworks.")]
    public = [m for m in imported if m.startswith(".") and not m.lstrip(".").startswith("_")]
    generated = [m for m in imported if m.lstrip(".").startswith("_generated")]
    assert face == public == generated == [], f"{module}.py imports {face + public + generated}"
    tree = ast.parse(source)
    docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}  # strings standing alone: docs
    words = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]
    words += [n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)]
    words += [n.value for n in ast.walk(tree)
              if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]
    named = sorted({t for t in SPECS for w in words if re.search(rf"\b{t}\b", w)})
    assert named == [], f"{module}.py names {named} outside its docstrings"
