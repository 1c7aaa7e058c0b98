import os

# The whole suite acts on explicit dates; a developer's VERWIJZING_PEILDATUM must not leak in.
os.environ.pop("VERWIJZING_PEILDATUM", None)
