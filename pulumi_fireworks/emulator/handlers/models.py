"""Models: ``accounts/{account}/models/{model}`` -- Get and List for now (the public base
models are seeded under ``accounts/fireworks``; every key may read them).

Create/update/delete, uploads (``:getUploadEndpoint``, ``:validateUpload``) and
``:prepare`` are added on the same :class:`Models` collection.
"""

from __future__ import annotations

from ..._wire.model import Model
from ..resource import Collection


class Models(Collection):
    model = Model
    collection = "models"
    noun = "model"
    methods = frozenset({"get", "list"})
    default_order_by = "name"
    public_read = True


COLLECTIONS = [Models()]
