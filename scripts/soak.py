"""Soak: 500 web conversations through the gateway, then the booking invariants (see bench/soak.py).

usage: .venv/bin/python scripts/soak.py [--conversations 500] [--concurrency 20] [--postgres]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.soak import main

if __name__ == "__main__":
    main()
