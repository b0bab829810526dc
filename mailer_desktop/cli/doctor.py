"""``doctor``: what this installation looks like (data folder, database, keyring, Qt)."""

from __future__ import annotations

import os
import platform
import sys

from .. import __version__
from ..secrets import KeyringUnavailable
from ..storage import DatabaseError
from .base import Cli, Context


def register(cli: Cli) -> None:
    cli.add(None, "doctor", doctor, help="check the data folder, database, keyring and Qt")


def _qt_platform() -> str:
    try:
        from importlib.metadata import version

        qt = f"PySide6 {version('PySide6-Essentials')}"
    except Exception:
        qt = "PySide6 not installed"
    plat = os.environ.get("QT_QPA_PLATFORM") or ("default (" + sys.platform + ")")
    return f"{qt}; QT_QPA_PLATFORM={plat}"


def doctor(args, ctx: Context) -> int:
    from ..config import resolve_paths

    report: dict = {
        "version": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "data_folder": str(resolve_paths(getattr(args, "home", None)).home),
        "qt": _qt_platform(),
    }
    ok = True
    try:
        app = ctx.app
        report["database"] = {
            "path": str(app.paths.database),
            "schema_version": app.db.schema_version(),
            "integrity": app.db.integrity_check() or "ok",
        }
        report["log_folder"] = str(app.paths.logs)
        from ..services.accounts.oauth_providers import client_id_sources

        report["oauth_client_ids"] = client_id_sources(app)  # sign-in with Microsoft/Google needs them
        ok = report["database"]["integrity"] == "ok"
        report["keyring"] = {"backend": app.secrets.backend_name(), "title": app.secrets.backend_title(),
                             "usable": app.secrets.available()}
        if not report["keyring"]["usable"]:
            ok = False
            try:
                app.secrets.check()
            except KeyringUnavailable as exc:
                report["keyring"]["problem"] = str(exc)
    except DatabaseError as exc:
        report["database"] = {"problem": str(exc)}
        ok = False
    report["ok"] = ok
    if ctx.json:
        ctx.emit(report)
    else:
        ctx.say(f"Mailer Desktop {report['version']} (Python {report['python']}, {report['platform']})")
        ctx.say(f"Data folder:  {report['data_folder']}")
        db = report["database"]
        if "problem" in db:
            ctx.say(f"Database:     PROBLEM: {db['problem']}")
        else:
            ctx.say(f"Database:     {db['path']} (schema {db['schema_version']}, integrity {db['integrity']})")
            ctx.say(f"Logs:         {report['log_folder']}")
            kr = report["keyring"]
            ctx.say(f"Keyring:      {kr['title']} ({kr['backend']})"
                    + ("" if kr["usable"] else f"\n  PROBLEM: {kr.get('problem')}"))
            ids = report.get("oauth_client_ids", {})
            ctx.say("Sign-in IDs:  " + ", ".join(
                f"{name}: {where or 'none (Settings > Sign-in)'}" for name, where in ids.items()))
        ctx.say(f"Qt:           {report['qt']}")
        ctx.say("All good." if ok else "Problems found (see above).")
    return 0 if ok else 1
