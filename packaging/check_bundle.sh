#!/usr/bin/env bash
# Build the one-folder PyInstaller bundle and check that it starts (headless) and opens a data folder.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. scripts/_venv.sh ""
"$VENV/bin/python" -c "import PyInstaller" 2>/dev/null || "$VENV/bin/python" -m pip install --quiet pyinstaller
"$VENV/bin/pyinstaller" --noconfirm --log-level WARN --distpath build/dist --workpath build/pyinstaller \
    packaging/mailer-desktop.spec
HOME_DIR="$(mktemp -d)"
QT_QPA_PLATFORM=offscreen build/dist/mailer-desktop/mailer-desktop --home "$HOME_DIR" --smoke-test
test -f "$HOME_DIR/mailer-desktop.sqlite3"
echo "bundle OK: build/dist/mailer-desktop"
