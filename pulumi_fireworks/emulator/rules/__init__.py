"""Business rules of the emulated resources, as pure functions.

Nothing here touches the store, the clock or HTTP: each function takes parsed wire
models (or plain values) and either returns a normalised value or raises
:class:`~pulumi_fireworks.emulator.errors.ApiError` with the code the real API uses
(400 INVALID_ARGUMENT naming the snake_case field path, 400 FAILED_PRECONDITION for a
wrong state, ...). Handlers call them after loading whatever records the rule needs, so
the rules can be unit-tested without a server.

One module per resource (``models``, ``deployed_models``, ``datasets``, ``secrets``,
``users``, ``api_keys``, ``training_jobs``, ``evaluators`` -- whose build checks reward code
without running it) plus ``uploads`` (the signed-URL file sets models, datasets and
evaluators share) and ``common`` (ids, lengths, int64 strings, resource names).
"""
