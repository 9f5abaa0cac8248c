"""The account's monthly spend limit as code, and GPU headroom read from its quotas.

``pulumi up`` sets the spend limit to ``budget`` (stack config, default 5000 dollars) and
``pulumi destroy`` puts back the limit the account had. ``list_quotas`` reads every quota
with its usage; the export is the snapshot the review summary takes (``--quotas``).
"""

import pulumi

import pulumi_fireworks as fireworks

config = pulumi.Config()
budget = fireworks.Quota("budget", quota_id="monthly-spend-usd", value=config.get_int("budget") or 5000)

h100 = fireworks.get_quota("nvidia-h100-80gb")
pulumi.export("h100_headroom", h100.value - int(h100.usage))
pulumi.export("spend_limit", budget.value)
pulumi.export("spend_limit_before", budget.original_value)
pulumi.export("quotas", [quota.model_dump() for quota in fireworks.list_quotas().quotas])
