#!/usr/bin/env bash
# NLU report on held-out data, kept out of training. Called by `make nlu-report` (after `make train`).
#  1. intent macro-F1 of the trained model on tests/nlu/heldout.yml;
#  2. first-message understanding on tests/nlu/heldout_eerste_berichten.yml (issue 7): the right
#     intent, or the right facts read by our interpreters under an intent that lets them count
#     (scripts/nlu_first_messages.py). Target >= 90%; prints the figure and every miss.
# MODEL=path.tar.gz scores another trained model; NLU_MIN=0.90 is the target (exit 1 below it).
set -euo pipefail
cd "$(dirname "$0")/.."
model=${MODEL:-models/verwijzing.tar.gz}
out=results/nlu
rm -rf "$out"; mkdir -p "$out"
export RASA_TELEMETRY_ENABLED=false
.venv-rasa/bin/rasa test nlu --nlu tests/nlu/heldout.yml --model "$model" --out "$out" \
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
echo
# The texts of the first-message set, parsed once by the model in the Rasa environment; the
# scoring runs in the project's environment, where our interpreters live.
.venv/bin/python -c 'import json, sys, yaml
items = yaml.safe_load(open("tests/nlu/heldout_eerste_berichten.yml", encoding="utf-8"))["items"]
json.dump([i["text"] for i in items], open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)' \
    "$out/first_texts.json"
.venv-rasa/bin/python scripts/nlu_parse.py "$model" "$out/first_texts.json" "$out/first_parses.json" \
    >"$out/first_parse.log" 2>&1 || { tail -n 30 "$out/first_parse.log"; exit 1; }
.venv/bin/python scripts/nlu_first_messages.py "$out/first_parses.json" --min "${NLU_MIN:-0.90}"
# 3. conversation success (issue 7): held-out people through the real Rasa and action servers, whole intakes.
echo; .venv/bin/python scripts/conversation_report.py --model "$model"
