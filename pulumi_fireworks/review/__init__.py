"""Turn ``pulumi preview --json`` into a Markdown summary a reviewer can read in a pull request.

Why this exists: the preview JSON is complete but raw, and dynamic providers send at most
the names of the fields that change (pulumi-fireworks' do), so nobody can see in a PR how they change,
why something is replaced, or what a change does to the GPUs a team pays for. This package
computes all of that from the old and new inputs the engine recorded::

    pulumi preview --json --show-sames > preview.json
    python -m pulumi_fireworks.review preview.json --prices prices.json > summary.md

It reads both forms ``pulumi preview --json`` has: the single JSON document (default) and the
stream of engine events (``PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true``), which is the only one
that carries policy violations. Modules, one job each:

* :mod:`.preview` - parse either form into :class:`~.preview.Preview` (what changes, per resource)
* :mod:`.values` - secrets, unknowns, hidden keys and flattening of input values
* :mod:`.changes` - field-by-field changes between old and new inputs
* :mod:`.footprint` - GPUs by accelerator type before and after, for Fireworks deployments
* :mod:`.costs` - each deployment's monthly cost and each new training run's, priced by
  :mod:`pulumi_fireworks.cost` (dated list prices, overrides, a usage file)
* :mod:`.quotas` - the account's quota headroom for what the change asks (``--quotas``)
* :mod:`.prices` - ``--prices`` files in the older format and ``--price`` options
* :mod:`.gates` - exit-code rules for CI (deletes, replacements of protected resources, cost
  thresholds, quotas)
* :mod:`.markdown` - the rendering
* :mod:`.cli` - ``python -m pulumi_fireworks.review``
"""

from __future__ import annotations

from .changes import FieldChange, field_changes
from .footprint import Footprint, footprint
from .gates import GateFailure, GateOptions, gate_failures
from .markdown import render
from .preview import Preview, ResourceChange, load_preview, parse_preview
from .prices import PriceTable, load_prices

__all__ = [
    "FieldChange",
    "Footprint",
    "GateFailure",
    "GateOptions",
    "Preview",
    "PriceTable",
    "ResourceChange",
    "field_changes",
    "footprint",
    "gate_failures",
    "load_preview",
    "load_prices",
    "parse_preview",
    "render",
]
