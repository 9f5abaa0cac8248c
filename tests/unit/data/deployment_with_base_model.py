"""The same program with its required input, in both calling styles: pyright reports nothing.

Not run: tests/unit/test_typing.py checks it with pyright.
"""

import pulumi_fireworks

pulumi_fireworks.Deployment("x", base_model="accounts/fireworks/models/llama-v3p1-8b-instruct", min_replica_count=0)
pulumi_fireworks.Deployment("y", {"base_model": "accounts/fireworks/models/llama-v3p1-8b-instruct"})
