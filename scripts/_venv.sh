# Shared by scripts/run and scripts/test: make .venv if it is missing and install the project.
# Usage: . scripts/_venv.sh EXTRAS   (EXTRAS: "" or "test")
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating $VENV ..." >&2
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
fi
# Reinstall only when the build files changed since the last install (keeps start-up quick).
STAMP="$VENV/.installed-${1:-base}"
if [ ! -f "$STAMP" ] || [ "$ROOT/pyproject.toml" -nt "$STAMP" ] || [ "$ROOT/setup.py" -nt "$STAMP" ]; then
    echo "Installing the project into $VENV ..." >&2
    if [ -n "${1:-}" ]; then spec="$ROOT[$1]"; else spec="$ROOT"; fi
    "$VENV/bin/python" -m pip install --quiet -e "$spec" >&2
    touch "$STAMP"
fi
