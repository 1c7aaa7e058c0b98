#!/usr/bin/env bash
# Intent macro-F1 of the trained model on the held-out utterances (tests/nlu/heldout.yml),
# which are kept out of training. Called by `make nlu-report` (after `make train`).
set -euo pipefail
cd "$(dirname "$0")/.."
out=results/nlu
rm -rf "$out"; mkdir -p results
.venv-rasa/bin/rasa test nlu --nlu tests/nlu/heldout.yml --model models/verwijzing.tar.gz --out "$out" \
    --no-plot >"$out.log" 2>&1 || { tail -n 30 "$out.log"; exit 1; }
.venv/bin/python - "$out/intent_report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
macro = report["macro avg"]
worst = sorted((v["f1-score"], k) for k, v in report.items() if isinstance(v, dict) and "support" in v
               and k not in ("macro avg", "weighted avg", "micro avg"))[:5]
print(f"held-out utterances: {macro['support']}")
print(f"intent macro-F1: {macro['f1-score']:.3f}  (precision {macro['precision']:.3f}, recall {macro['recall']:.3f})")
print("weakest intents: " + ", ".join(f"{name} {f1:.2f}" for f1, name in worst))
PY
