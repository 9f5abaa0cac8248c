"""What a stack costs: the price book, the usage assumptions and the arithmetic.

Used by the review summary (``python -m pulumi_fireworks.review``) and the policy pack, so
both say the same numbers. :mod:`.prices` (dated list prices, overrides), :mod:`.usage`
(what the preview cannot know), :mod:`.model` (per month for deployments, once for training).
"""

from __future__ import annotations

from .model import HOURS_PER_MONTH, TrainingCost, dollars, expected_gpu_hours, monthly, parameters_billions, training_cost
from .prices import PriceBook, PriceBookError, list_prices, load_overrides
from .usage import Usage, UsageError, load_usage, parse_usage

__all__ = [
    "HOURS_PER_MONTH",
    "PriceBook",
    "PriceBookError",
    "TrainingCost",
    "Usage",
    "UsageError",
    "dollars",
    "expected_gpu_hours",
    "list_prices",
    "load_overrides",
    "load_usage",
    "monthly",
    "parameters_billions",
    "parse_usage",
    "training_cost",
]
