"""Keep the loaded model out of the garbage collector's full passes (`gc.freeze`, once per process).

Why: a Rasa process holds the loaded model, TensorFlow and spaCy: about 650,000 Python objects
that live as long as the process. CPython's cyclic garbage collector walks all of them on every
full (generation 2) collection, and under load such a pass took 270-330 ms here, several times a
minute, during which the server answers no one: with 20 conversations at once, every one of them
waited (measured with `gc.callbacks` during `make bench`; most of our p95 above stock Rasa's).
`gc.freeze()` moves every object alive at that moment into a permanent generation that later
passes skip; objects made afterwards are collected as before, and reference counting still frees
everything. It is called once, after the first turn has been saved: by then the model is loaded
and has answered once (TensorFlow builds part of its graph on the first prediction). A model
swapped in later through Rasa's HTTP API (`PUT /model`, which we never use) would not be frozen,
and cycles in the replaced one would stay in memory: restart the server to change models.
"""
from __future__ import annotations

import gc

_frozen = False


def freeze_once() -> None:
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()  # what is already garbage is freed, not frozen
        gc.freeze()
