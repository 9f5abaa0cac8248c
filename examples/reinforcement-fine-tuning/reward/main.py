"""Scores a rollout 1.0 when its last line holds the expected number, else 0.0."""

from parse import final_number


def evaluate(row: dict) -> float:
    answer = final_number(row["messages"][-1]["content"])
    return 1.0 if answer is not None and answer == final_number(str(row["ground_truth"])) else 0.0
