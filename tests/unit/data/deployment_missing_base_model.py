"""A user program that leaves out a required input (a Deployment's ``base_model``).

Not run: tests/unit/test_typing.py checks that pyright, as a user's editor would, reports it.
"""

import pulumi_fireworks

pulumi_fireworks.Deployment("x", min_replica_count=0)
