import os

import pytest

# The whole suite acts on explicit dates; a developer's VERWIJZING_PEILDATUM must not leak in.
os.environ.pop("VERWIJZING_PEILDATUM", None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow files first: run side by side (scripts/test.sh), the many quick files then fill
    the gaps at the end instead of one slow file running alone (the sort is stable)."""
    items.sort(key=lambda item: 0 if item.get_closest_marker("rasa") or item.get_closest_marker("browser") else 1)
