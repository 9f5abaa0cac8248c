"""``fireworks:Secret`` — a secret of the account, injected as an environment variable.

API object: ``accounts/{account}/secrets/{secret_id}`` (https://docs.fireworks.ai/api-reference/create-secret;
SDK ``fireworks/resources/secrets.py``). What is special:
the id travels in the create body's ``name``; ``value`` is write-only (never returned,
so drift in it cannot be seen and the diff compares with the value last applied); and
the real service has been observed answering 500 instead of 404 for a missing secret.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional


from ._engine import ResourceEngine
from ._fields import field
from ._errors import InternalServerError, NotFoundError
from ._http import RETRYABLE_STATUSES, Client
from ._inputs import InputsModel
from ._spec import ResourceSpec
from ._types import AdoptExisting, EnvVarName, SecretId, adopt_field
from ._wire.secret import Secret as SecretWire




class SecretInputs(InputsModel):
    """Validation and canonical form of Secret inputs; the published input schema."""

    key_name: EnvVarName = field("Environment variable the value is exposed as, e.g. HF_TOKEN", required=True)
    value: str = field("The secret itself", required=True, write_only=True, secret=True, min_length=1)
    secret_id: Optional[SecretId] = field("Id of the secret; derived from the resource name when unset")
    adopt_existing: AdoptExisting = adopt_field()


class SecretEngine(ResourceEngine):
    spec = ResourceSpec(
        type_name="Secret",
        collection="secrets",
        collection_key="secrets",
        inputs_model=SecretInputs,
        wire_model=SecretWire,
        id_field="secret_id",
        # Create takes the id as `name`, bare (what real clients send, e.g. eval-protocol/python-sdk's
        # eval_protocol/platform_api.py; `name` is required in SDK fireworks/types/secret_create_params.py).
        id_source="body",
        id_param="name",
        summary="A secret of the account, e.g. a Hugging Face token for evaluators and jobs.",
        example='hf = fireworks.Secret("hf", key_name="HF_TOKEN", value=config.require_secret("hfToken"))',
    )

    def fetch(self, client: Client, props: Mapping[str, Any], object_id: str) -> Optional[dict[str, Any]]:
        path = self.spec.object_path(client.account_id, props, object_id)
        try:
            # A 500 is asked about through the list at once instead of being retried.
            return client.request("GET", path, retry_statuses=RETRYABLE_STATUSES - {500})
        except NotFoundError:
            return None
        except InternalServerError:
            # The real service has answered 500 for a missing secret (not in the SDK nor the docs; reported in
            # eval-protocol/python-sdk's eval_protocol/platform_api.py, which treats it as not found).
            # List tells "gone" from "broken": a listed secret exists (and the list item
            # carries all a Get would); an unlisted one is gone. A list that fails too
            # raises, so nothing is ever dropped from state on a guess.
            name_suffix = f"/secrets/{object_id}"
            collection = self.spec.collection_path(client.account_id, props)
            for item in client.paginate(collection, self.spec.collection_key):
                if str(item.get("name", "")).endswith(name_suffix):
                    return item
            return None


    def send_delete(self, client: Client, props: Mapping[str, Any], object_id: str, params: Mapping[str, Any]) -> None:
        path = self.spec.object_path(client.account_id, props, object_id)
        try:
            client.request("DELETE", path, params=params, retry_statuses=RETRYABLE_STATUSES - {500})
        except InternalServerError:
            # A client of the real service treats a 500 to DELETE as "not found" too
            # (eval-protocol/python-sdk, eval_protocol/platform_api.py). Not guessed here either: gone only
            # when the list says so.
            if self.fetch(client, props, object_id) is not None:
                client.request("DELETE", path, params=params)  # still there: a real failure, retried as usual
                return
            raise NotFoundError(status=404, code="NOT_FOUND", message=f"secret {object_id} is gone", method="DELETE", url=path) from None


SPEC = SecretEngine.spec
