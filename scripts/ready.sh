# Sourced by scripts/run.sh and scripts/run_scaled.sh: wait until every part of the stack answers.

# answers URL: 0 when URL answers 200.
answers() {
    .venv/bin/python - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=2).status == 200 else 1)
PY
}

# wait_until_ready SECONDS URL...: 0 once every URL answers 200; 1 after SECONDS without.
# Meanwhile a process of `pids` (named in `names`, logging to var/log/NAME.log) that stops ends
# the script with the last lines of its log. A dot every 10 seconds shows it is still waiting.
wait_until_ready() {
    local seconds=$1 second i url all
    shift
    for second in $(seq 1 "$seconds"); do
        for i in "${!pids[@]}"; do
            if ! kill -0 "${pids[$i]}" 2>/dev/null; then
                echo "verwijzing: ${names[$i]} stopte; de laatste regels van var/log/${names[$i]}.log:" >&2
                tail -n 20 "var/log/${names[$i]}.log" >&2
                exit 1
            fi
        done
        all=1
        for url in "$@"; do answers "$url" || { all=; break; }; done
        if [[ -n $all ]]; then
            echo
            return 0
        fi
        (( second % 10 == 0 )) && printf '.'
        sleep 1
    done
    return 1
}
