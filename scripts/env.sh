# Sourced by scripts/run.sh and scripts/test.sh: read settings from an env file the way docker
# compose and python-dotenv (override=False) do. A variable already in the environment wins, even
# when the file gives it another or an empty value; the file only fills in what is not set.
# `VERWIJZING_PEILDATUM=2027-03-01 make run` therefore runs on 1 March 2027 whatever .env says.

# load_env_file FILE: export the variables of FILE that the environment does not set yet.
load_env_file() {
    local file=$1 name
    local -A from_environment=()
    [[ -f $file ]] || return 0
    # Remember the environment's value of every name the file assigns ...
    while IFS= read -r name; do
        if [[ -n ${!name+set} ]]; then from_environment[$name]=${!name}; fi
    done < <(sed -nE 's/^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=.*/\2/p' "$file")
    # ... read the file as before (same quoting and comments as `set -a; . FILE`) ...
    set -a
    # shellcheck disable=SC1090
    . "$file"
    set +a
    # ... and put the environment's values back on top.
    for name in "${!from_environment[@]}"; do
        export "$name=${from_environment[$name]}"
    done
}
