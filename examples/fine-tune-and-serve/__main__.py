"""Fine-tune and serve: a JSONL dataset in this folder, a supervised fine-tuning job on it, and
the model it trains loaded onto a multi-LoRA deployment, in one reviewed `pulumi up`.

    data/train.jsonl    chat examples (CHAT format), checked line by line at preview

The job waits until training has finished (``wait_until="completed"``, the default), so the
load of its model follows in the same `up`. Change the data or a hyper-parameter (say
``epochs``) and `pulumi preview` shows the job replaced and the load moving to the new
model: the new job trains, the new model is loaded before the old load goes, and the old
job is deleted. Its trained model is kept (the destroy says so), as on Fireworks.

    pulumi config set epochs 2                                                     # optional
    pulumi config set baseModel accounts/fireworks/models/llama-v3p1-8b-instruct   # optional
"""

import pulumi

import pulumi_fireworks as fireworks

config = pulumi.Config()
base_model = config.get("baseModel") or "accounts/fireworks/models/llama-v3p1-8b-instruct"

train = fireworks.Dataset("support-train", source="data/train.jsonl", format="CHAT")

tune = fireworks.SupervisedFineTuningJob(
    "support-sft",
    dataset=train,  # the Dataset itself: its name, and the job waits for the upload
    base_model=base_model,
    epochs=config.get_int("epochs") or 1,
    lora_rank=8,
    display_name="Support assistant SFT",
)

deployment = fireworks.Deployment(
    "multi-lora",
    base_model=base_model,
    enable_addons=True,
    min_replica_count=0,
    max_replica_count=1,
)

# The job itself as the model: the load uses what it trained, checked at preview against
# the deployment (same base model, addons enabled).
load = fireworks.DeployedModel("support", model=tune, deployment=deployment)

pulumi.export("job", tune.name)
pulumi.export("jobState", tune.state)
pulumi.export("trainedModel", tune.trained_model)
pulumi.export("model", load.inference_model)
