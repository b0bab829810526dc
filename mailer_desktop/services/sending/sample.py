"""'Send a test to me': one copy of a campaign's message to the user's own address.

The copy is rendered for a sample recipient (the first member of the campaign's list, shown
with that person's merge fields, else a blank one) but addressed to the given address; it is
not written to the send log and does not count against anyone's consent.
"""

from __future__ import annotations

import asyncio
import dataclasses

from ...domain.addresses import AddressError, validate
from ...storage import deliveries as store
from ..accounts.manage import AccountError, endpoint_for, get_account
from ..app import App
from ..sandbox.server import SandboxError, open_sandbox
from .engine import SendError, _default_renderer
from .outcome import from_exception
from .smtp import SmtpSetupError, open_session
from .wire import Session


def _sample(app: App, campaign, to_address: str) -> dict:
    row = None
    if campaign["list_id"] is not None:
        row = store.first_list_member(app.db.conn, campaign["list_id"])
    if row is None:
        return {"id": 0, "email": to_address, "name": "", "fields": "{}", "token_id": 0}
    # The merge fields are a real member's so the test looks real, but its tokens name nobody:
    # an unsubscribe clicked in a test message must not act on that member.
    return {"id": row["id"], "email": to_address, "name": row["name"], "fields": row["fields"], "token_id": 0}


def send_test_message(app: App, campaign_id: int, account, to_address: str, *, renderer_factory=None,
                      tls_context=None) -> str:
    """Send one test copy; returns the server's reply. Raises SendError with a clear message."""
    try:
        to = validate(to_address).email
    except AddressError as exc:
        raise SendError(f"{to_address!r} is not a usable address: {exc}") from None
    campaign = store.campaign(app.db.conn, campaign_id)
    if campaign is None:
        raise SendError(f"there is no campaign {campaign_id}")
    try:
        acc = get_account(app, account) if not hasattr(account, "host") else account
        ep = endpoint_for(app, acc, timeout=30, tls_context=tls_context)
        renderer = (renderer_factory or _default_renderer)(app, campaign_id)
    except (AccountError, ValueError) as exc:
        raise SendError(str(exc)) from None
    data, _ = renderer.bytes_for(_sample(app, campaign, to))
    sender = app.settings.get("sender.from_address") or ""
    if not sender:
        raise SendError("set the sender's From address first (Settings > Sender)")

    async def run() -> str:
        session = Session(await open_session(ep))
        try:
            await session.envelope(sender, to, ep.timeout)
            reply = await session.content(data, ep.timeout)
            await session.quit()
            return reply
        finally:
            session.abort()

    sandbox = None
    if acc.is_sandbox:  # this data folder's sandbox, never whatever else listens on its port
        try:
            port, sandbox = open_sandbox(app, acc.port)
        except SandboxError as exc:
            raise SendError(str(exc)) from None
        ep = dataclasses.replace(ep, port=port)
    try:
        return asyncio.run(run())
    except SmtpSetupError as exc:
        raise SendError(str(exc)) from None
    except Exception as exc:
        raise SendError(f"the server did not take the test message: {from_exception(exc).reply}") from None
    finally:
        if sandbox is not None:
            sandbox.stop()
