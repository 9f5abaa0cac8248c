"""Reading the number a model settled on."""

import re

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def final_number(text: str):
    found = NUMBER.findall(text.replace(",", ""))
    return float(found[-1]) if found else None
