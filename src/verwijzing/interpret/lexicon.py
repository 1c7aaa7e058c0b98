"""The word lists of the interpreters, loaded once from lexicon.yaml (package data)."""
from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def data() -> dict[str, Any]:
    text = resources.files("verwijzing.interpret").joinpath("lexicon.yaml").read_text("utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)  # lexicon.yaml is a mapping of lists
    _check_strings(loaded, "lexicon")
    return loaded


def _check_strings(node: Any, where: str) -> None:
    # YAML 1.1 turns a bare `no`, `yes` or `on` into a boolean; a word list with a boolean in it
    # would silently never match, so refuse to load instead.
    if isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(key, str):
                raise ValueError(f"{where}: key {key!r} is not a string (quote it)")
            _check_strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for item in node:
            if not isinstance(item, str):
                raise ValueError(f"{where}: entry {item!r} is not a string (quote it)")
    elif not isinstance(node, (str, int, float)):
        raise ValueError(f"{where}: unexpected value {node!r}")
