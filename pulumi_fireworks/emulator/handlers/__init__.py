"""One module per API collection. How to add a resource (three pieces):

1. **Wire model** in ``pulumi_fireworks/_wire/<resource>.py`` (shared with the provider;
   mark server-filled fields with ``output_only()``).

2. **Handler module** ``handlers/<collection>.py`` defining ``COLLECTIONS`` (a list of
   :class:`~pulumi_fireworks.emulator.resource.Collection` instances) and optionally
   ``ROUTES`` (extra :class:`~pulumi_fireworks.emulator.routing.Route` rows that belong
   to no collection). Modules here are discovered automatically (names starting with
   ``_`` are skipped), so nothing else needs registering. A minimal collection::

       class Secrets(Collection):
           model = Secret                    # wire model
           collection = "secrets"            # name segment and List key
           noun = "secret"                   # for error messages
           default_order_by = "name"
           methods = frozenset({"create", "get", "list", "update", "delete"})

           def create_input(self, req):      # id from the body instead of a query param
               body = dict(req.json_object())
               return body.pop("name", None), body

           def validate(self, req, doc, old):
               if not doc.get("keyName"):
                   raise reject("key_name", "is required")

           def render(self, req, record, *, single):
               return {k: v for k, v in record.doc.items() if k != "value"}

       COLLECTIONS = [Secrets()]

   Declare behaviour as data where the core supports it: ``id_query_param``,
   ``create_state``/``update_state``/``delete_state`` (+ ``transitions`` for a custom
   table, see :mod:`..lifecycle`), ``soft_delete``, ``immutable_fields``,
   ``in_use_by`` (references that block a delete without ``ignoreChecks``),
   ``public_read``, ``validate_only_param``, ``parent_template`` for nested collections
   (``"accounts/{account}/users/{user}"``). Field checks go through
   :func:`~pulumi_fireworks.emulator.validation.run_checks`. Custom methods
   (``:getUploadEndpoint``) are ``custom_routes()`` built on ``self.require(req)`` /
   ``self.save(req, record)`` / ``self.start(req, record, "DEPLOYING")``.
   Seeds (public objects) go in :mod:`..seed`.

3. **Tests** in ``tests/emulator/test_<collection>.py`` using the ``emulator`` /
   ``sdk`` fixtures of ``tests/emulator/conftest.py`` (the official SDK against a real
   port), plus bad-request rows in the table-driven tests.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..resource import Collection
    from ..routing import Route


def _modules() -> list[object]:
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
        if not info.name.startswith("_")
    ]


def collections() -> list["Collection"]:
    """Every collection of every handler module."""
    return [c for module in _modules() for c in getattr(module, "COLLECTIONS", [])]


def routes(collections: list["Collection"]) -> list["Route"]:
    """The route table: each collection's routes, then the modules' extra ROUTES."""
    table = [route for collection in collections for route in collection.routes()]
    return table + [route for module in _modules() for route in getattr(module, "ROUTES", [])]
