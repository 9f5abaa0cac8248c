from pulumi_policy import PolicyPack
from pulumi_fireworks.policy import PACK_NAME, all_policies
PolicyPack(name=PACK_NAME, policies=all_policies())
