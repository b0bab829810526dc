"""``sender set|show``: the sender identity every message carries."""

from __future__ import annotations

import dataclasses

from ..services.sending.identity import SenderError, load_sender, save_sender
from .base import Cli, CliError, Context


def _on_off(value: str) -> bool:
    low = value.strip().lower()
    if low in ("on", "yes", "true", "1"):
        return True
    if low in ("off", "no", "false", "0"):
        return False
    raise ValueError(value)


def register(cli: Cli) -> None:
    p = cli.add("sender", "set", set_sender, help="set the sender identity (name, From, postal address ...)")
    p.add_argument("--name", metavar="N", help="business name, shown as the From name and in every footer")
    p.add_argument("--from", dest="from_address", metavar="ADDR", help="the From address")
    p.add_argument("--postal-address", metavar="TEXT",
                   help="street address, registered PO box or private mailbox (required by law; "
                        "separate lines with a newline or a literal \\n)")
    p.add_argument("--reply-to", metavar="ADDR", help="where replies go (empty: the From address)")
    p.add_argument("--unsubscribe-mailbox", metavar="ADDR",
                   help="mailbox that receives unsubscribe and confirmation replies")
    p.add_argument("--unsubscribe-url", metavar="URL", help="https unsubscribe page; {token} is replaced")
    p.add_argument("--confirm-url", metavar="URL", help="https confirmation page; {token} is replaced")
    p.add_argument("--plus-addressing", type=_on_off, metavar="on|off",
                   help="the unsubscribe mailbox accepts name+token@domain")
    p.add_argument("--footer-reason", metavar="TEXT", help="why people receive your mail (one sentence)")
    p.add_argument("--ad-disclosure", type=_on_off, metavar="on|off",
                   help="add 'This message is an advertisement.' to the footer")
    cli.add("sender", "show", show_sender, help="show the sender identity")
    p = cli.add("sender", "dkim", dkim_command, help="generate a DKIM key, show its DNS record, switch signing")
    p.add_argument("--generate", metavar="SELECTOR", help="create a new key (kept in the keyring) for the From domain")
    p.add_argument("--sign", type=_on_off, metavar="on|off", help="sign outgoing messages with the key")


def _emit(ctx: Context, identity) -> None:
    data = dataclasses.asdict(identity)
    if ctx.json:
        ctx.emit(data)
        return
    for key, value in data.items():
        shown = str(value).replace("\n", ", ") if value != "" else "(not set)"
        ctx.say(f"{key.replace('_', ' ')}: {shown}")


def set_sender(args, ctx: Context) -> int:
    postal = args.postal_address.replace("\\n", "\n") if args.postal_address is not None else None
    values = dict(name=args.name, from_address=args.from_address, postal_address=postal, reply_to=args.reply_to,
                  unsubscribe_mailbox=args.unsubscribe_mailbox, unsubscribe_url=args.unsubscribe_url,
                  confirm_url=args.confirm_url, plus_addressing=args.plus_addressing,
                  footer_reason=args.footer_reason, ad_disclosure=args.ad_disclosure)
    if all(v is None for v in values.values()):
        raise CliError("nothing to set: give at least one option (see sender set --help)")
    try:
        identity = save_sender(ctx.app, **values)
    except SenderError as exc:
        raise CliError(str(exc)) from None
    _emit(ctx, identity)
    return 0


def show_sender(args, ctx: Context) -> int:
    _emit(ctx, load_sender(ctx.app))
    return 0


def dkim_command(args, ctx: Context) -> int:
    from ..services.compose import dkim

    app = ctx.app
    try:
        if args.generate:
            dkim.generate_key(app, args.generate)
        if args.sign is not None:
            dkim.set_signing(app, args.sign)
    except dkim.DkimError as exc:
        raise CliError(str(exc)) from None
    record = dkim.current_record(app)
    signing = bool(app.settings.get("sender.dkim_sign"))
    if ctx.json:
        ctx.emit({"selector": record.selector if record else app.settings.get("sender.dkim_selector"),
                  "dns_name": record.name if record else None, "dns_value": record.value if record else None,
                  "signing": signing})
    elif record is None:
        ctx.say("No DKIM key yet: run 'sender dkim --generate SELECTOR'.")
    else:
        ctx.say(f"Publish this TXT record, then switch signing on:\n{record.name}\n{record.value}")
        ctx.say(f"Signing: {'on' if signing else 'off'}")
    return 0
