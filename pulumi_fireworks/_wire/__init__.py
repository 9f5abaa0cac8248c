"""Wire models of the Fireworks control-plane API, shared by the client and the emulator.

One pydantic model per API object, field names in snake_case with the API's camelCase
as aliases. The official SDK (``fireworks-ai==1.2.30``) is the independent check that
these models are right: the conformance tests parse every emulator response with it.
"""
