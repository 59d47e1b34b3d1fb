#!/usr/bin/env bash
# Peer comparison (issue 5): the Watts threshold cascade in trustsim, Mesa and NDlib on one shared
# graph. One command: builds trustsim, prepares the pinned Python environment, runs everything and
# writes results.md / results.csv next to this script. Extra arguments go to run.py (see --help),
# e.g. `benches/peers/run.sh --mesa-reps 3 --ndlib-runs 100`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"

(cd "$root" && cargo build --release --quiet)
if [ ! -x "$here/.venv/bin/python" ]; then
    "$python" -m venv "$here/.venv"
fi
"$here/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$here/.venv/bin/python" "$here/run.py" "$@"
