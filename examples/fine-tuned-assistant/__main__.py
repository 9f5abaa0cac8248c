"""Fine-tuned assistant: the training data and the LoRA adapter of a support assistant,
uploaded from this folder, so that the platform holds exactly the files under review.

    data/train.jsonl    chat examples (CHAT format: messages with roles), checked line by line at preview
    adapter/            a LoRA adapter: adapter_config.json, adapter_model.safetensors, fireworks.json

Change a line of data/train.jsonl or a byte of the adapter and `pulumi preview` shows
the dataset or the model being replaced (uploads cannot be changed in place); change only
a display name and it is updated in place. Paths are relative to this folder (where Pulumi
runs the program). The adapter here is a tiny stand-in made by `python make_adapter.py`;
put your own training run's adapter folder in its place.

    pulumi config set baseModel accounts/fireworks/models/llama-v3p1-8b-instruct   # optional
"""

import pulumi

import pulumi_fireworks as fireworks

config = pulumi.Config()
base_model = config.get("baseModel") or "accounts/fireworks/models/llama-v3p1-8b-instruct"

train = fireworks.Dataset(
    "support-train",
    source="data/train.jsonl",
    format="CHAT",
    display_name="Support conversations",
)

assistant = fireworks.Model(
    "support-lora",
    source="adapter",  # r and target modules come from adapter/adapter_config.json
    base_model=base_model,
    display_name="Support assistant",
    description="LoRA adapter for Acme's support assistant",
)

pulumi.export("dataset", train.name)
pulumi.export("datasetExamples", train.example_count)
pulumi.export("model", assistant.name)
pulumi.export("modelFiles", assistant.content_digest)
