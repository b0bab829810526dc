"""``sandbox serve|list|clear``: the built-in local SMTP server that captures mail in the data folder."""

from __future__ import annotations

import signal
import threading

from ..services.sandbox import server as service
from .base import Cli, CliError, Context


def register(cli: Cli) -> None:
    p = cli.add("sandbox", "serve", serve, help="run the sandbox SMTP server on 127.0.0.1 until interrupted")
    p.add_argument("--port", type=int, metavar="P", help="port (default: the sandbox account's port)")
    p = cli.add("sandbox", "list", list_messages, help="list captured messages, newest first")
    p.add_argument("--limit", type=int, default=50, metavar="N")
    cli.add("sandbox", "clear", clear, help="delete every captured message")


def serve(args, ctx: Context) -> int:
    app = ctx.app
    server = service.SandboxServer.for_app(app, args.port)
    try:
        server.start()
    except service.SandboxError as exc:
        raise CliError(str(exc)) from None
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        if ctx.json:
            ctx.emit({"host": server.host, "port": server.port, "folder": str(server.folder)})
        else:
            ctx.say(f"sandbox listening on {server.host}:{server.port}; captured mail goes to {server.folder}")
        ctx.out.flush()
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for s, h in previous.items():
            signal.signal(s, h)
    if not ctx.json:
        ctx.say(f"sandbox stopped after capturing {server.handler.received} messages")
    return 0


def list_messages(args, ctx: Context) -> int:
    for m in service.list_messages(ctx.app, limit=args.limit):
        if ctx.json:
            ctx.emit({"file": str(m.path), "to": list(m.recipients), "from": m.sender, "subject": m.subject,
                      "date": m.date, "size": m.size})
        else:
            ctx.say(f"{m.name}  {', '.join(m.recipients)}  {m.subject}")
    return 0


def clear(args, ctx: Context) -> int:
    n = service.clear(ctx.app)
    ctx.emit({"deleted": n}) if ctx.json else ctx.say(f"deleted {n} captured messages")
    return 0
