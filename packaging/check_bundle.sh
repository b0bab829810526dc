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
# The shipped files (resources/, the package mailer_desktop.resources) are in the bundle, and the demo
# (its data and a starter template read through importlib.resources) opens.
for f in lists/disposable_domains.txt templates/newsletter.json demo/demo.json icons/mailer-desktop.svg \
         desktop/io.github.mailer_desktop.MailerDesktop.desktop; do
    test -f "build/dist/mailer-desktop/_internal/mailer_desktop/resources/$f" || { echo "not in the bundle: $f" >&2; exit 1; }
done
started="$(QT_QPA_PLATFORM=offscreen build/dist/mailer-desktop/mailer-desktop --demo --home "$HOME_DIR/demo" --smoke-test)"
echo "$started"
case "$started" in *"demo with"*) ;; *) echo "the demo did not open" >&2; exit 1 ;; esac
echo "bundle OK: build/dist/mailer-desktop"
