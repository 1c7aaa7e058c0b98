"""Everything the assistant says in its own words, as YAML data: one file per module that speaks
it (explain.yaml for verwijzing.decision.explain, repair.yaml for verwijzing.dialogue.repair, …).
Texts live here once; code picks them, never writes them."""
from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load(name: str) -> dict[str, Any]:
    """The texts of `name`.yaml, read once per process (callers must not change them)."""
    text = resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"content/{name}.yaml: expected a mapping at the top")
    return data
