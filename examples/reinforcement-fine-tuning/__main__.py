"""Reinforcement fine-tuning: reward code in ./reward, built into an Evaluator; math prompts in
./data, a ReinforcementFineTuningJob that trains on them, scored by the evaluator; and the
model it trains loaded onto a multi-LoRA deployment, in one reviewed `pulumi up`.

    reward/main.py          evaluate(row) -> float, the entry point
    reward/parse.py         a helper it imports (the whole folder is uploaded)
    reward/requirements.txt pip requirements for the build
    data/prompts.jsonl      prompts (RL format), each with its ground_truth

The reward code is hashed at preview: change one byte and `pulumi preview` shows the
evaluator replaced, the job retrained with it, and the load moving to the new model (the
review summary says so). The job waits until training has finished, so the load follows
in the same `up`; the trained model is kept when the job is deleted, as on Fireworks.

    pulumi config set epochs 2                                     # optional
    pulumi config set baseModel accounts/fireworks/models/qwen3-0p6b # optional
"""

import pulumi

import pulumi_fireworks as fireworks

config = pulumi.Config()
base_model = config.get("baseModel") or "accounts/fireworks/models/qwen3-0p6b"

reward = fireworks.Evaluator(
    "math-reward",
    source="reward",  # the folder; the entry point is checked at preview
    entry_point="main.py::evaluate",
    display_name="Final number matches",
)

prompts = fireworks.Dataset("math-prompts", source="data/prompts.jsonl", format="RL")

rft = fireworks.ReinforcementFineTuningJob(
    "math-rft",
    dataset=prompts,
    evaluator=reward,  # a new evaluator (changed reward code) trains a new job
    training_config={"base_model": base_model, "epochs": config.get_int("epochs") or 1, "lora_rank": 8},
    inference_parameters={"response_candidates_count": 4, "temperature": 0.7, "max_output_tokens": 1024},
    max_concurrent_rollouts=32,
    display_name="Math RFT",
)

deployment = fireworks.Deployment(
    "multi-lora",
    base_model=base_model,
    enable_addons=True,
    min_replica_count=0,
    max_replica_count=1,
)

load = fireworks.DeployedModel("math", model=rft, deployment=deployment)

pulumi.export("evaluator", reward.name)
pulumi.export("evaluatorState", reward.state)
pulumi.export("job", rft.name)
pulumi.export("jobState", rft.state)
pulumi.export("trainedModel", rft.trained_model)
pulumi.export("model", load.inference_model)
