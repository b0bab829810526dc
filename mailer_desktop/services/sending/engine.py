"""The send engine (asyncio + aiosmtplib, no Qt): one campaign through one account.

One run:
1. Under the campaign's send lock, rows left ``sending`` by an earlier run become ``uncertain``
   (shown to the user, resent only on request: :func:`resend_uncertain`). A draft campaign gets
   its recipients fixed in the log (confirmed ∩ list − suppressed; the excluded as ``skipped``
   with their reason); ``deferred`` rows go back in the queue.
2. ``pool_size`` connections (:mod:`.connection`) work through the queue, each reusing
   its SMTP session, pipelining the next envelope behind a content when it can. Before a
   message: the rate limiter and daily budget, a fresh eligibility check of its batch
   (suppression list, consent), then the durable claim. After: the outcome (see
   :mod:`.outcome`). Temporary failures are retried with exponential backoff, then left
   ``deferred``; hard bounces suppress the contact. A large send renders its messages ahead in
   a worker process (:mod:`.render`).
3. Authentication refused, the sender refused, a burst of 5.7.x rejections, a server that
   stays unreachable for longer than the outage window (``sending.outage_window_seconds``;
   shorter outages are waited out with back-off and the run continues by itself), or the daily
   limit end the run with the campaign ``paused`` and the reason in ``state_reason``.

Each reply is awaited as long as RFC 5321 asks (:class:`.sender_wire.Timeouts`, settings
``sending.timeout_*``). A message whose final dot got no reply (a timeout, the connection lost)
is ``uncertain``: it may have arrived, so it is never retried by itself. When a run ends early
(a stop, a signal: :func:`.sender_control.stop_on_signals`), replies still awaited get
``stop_grace`` seconds; transactions given up before their final dot go back in the queue.

The same run resumes a paused or crashed campaign: nobody marked sent is sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ...domain import consent
from ...storage import accounts as account_store
from ...storage import deliveries as store
from ...storage.accounts import AccountRow
from ..accounts.manage import AccountError, endpoint_for, get_account
from ..app import App
from ..progress import NO_PROGRESS, Cancelled, Progress
from ..sandbox.server import SandboxError, SandboxServer, open_sandbox
from .connection import ConnectionWork
from .control import SendControl, SendStats
from .lock import CampaignBusy, CampaignLock
from .log import SendLog, utc_day
from .outcome import Outcome
from .queue import Item, WorkQueue
from .rate import DailyBudget, RateLimiter
from .recipients import Eligibility, select
from .render import RenderAhead
from .smtp import Endpoint
from .wire import Timeouts

log = logging.getLogger(__name__)


class SendError(RuntimeError):
    """The campaign cannot be sent as asked; the message says why."""


@dataclass
class SendOptions:
    max_attempts: int = 4           # per run, before a row is left 'deferred'
    retry_base: float = 2.0         # seconds; doubled after each attempt
    command_timeout: float | None = None  # one wait for every reply (tests); None: ``timeouts``
    timeouts: Timeouts | None = None      # None: the settings (RFC 5321's minimums by default)
    outage_window: float | None = None    # seconds a server may stay unreachable; None: the setting
    stop_grace: float = 10.0        # seconds a reply is still awaited once the run ends
    policy_burst: int = 5           # this many 5.7.x among the last policy_window outcomes pause
    policy_window: int = 20
    batch_size: int = 500
    flush_interval: float = 0.25
    tls_context: Any = None         # tests: trust a local test CA
    envelope_from: str | None = None
    preflight: bool = True          # refuse when the compliance preflight has blocking errors
    render_burst: int = 5           # this many unrenderable messages before any could be made pause


Renderer = Any  # has bytes_for(contact) -> (bytes, message_id)
RendererFactory = Callable[[App, int], Renderer]


def _default_renderer(app: App, campaign_id: int) -> Renderer:
    from ..compose.renderer import CampaignRenderer

    return CampaignRenderer(app, campaign_id)


class _Run(ConnectionWork):
    def __init__(self, app: App, campaign: Any, account: AccountRow, endpoint: Endpoint, renderer: Renderer,
                 control: SendControl, options: SendOptions, envelope_from: str):
        self.app = app
        self.campaign_id = campaign["id"]
        self.kind = campaign["kind"]
        self.account = account
        self.endpoint = endpoint
        self.renderer = renderer
        self.render = RenderAhead(renderer)  # in this process until the run starts helpers (RenderAhead.start)
        self.control = control
        self.options = options
        self.envelope_from = envelope_from
        self.required = consent.PENDING if self.kind == "confirmation" else consent.CONFIRMED
        wording = app.settings.get("consent.confirmation_wording") if self.kind == "confirmation" else None
        self.log = SendLog(app, self.campaign_id, account.id, confirmation_wording=wording)
        self.eligibility = Eligibility(app, app.db.conn, self.required, campaign_id=self.campaign_id)
        self.limiter = RateLimiter(account.rate_per_second, account.rate_per_hour)
        self.budget = DailyBudget(account.rate_per_day,
                                  account_store.usage_today(app.db.conn, account.id, utc_day()))
        self.queue = WorkQueue(self)
        self.recent_policy: deque[bool] = deque(maxlen=options.policy_window)
        self.policy_failed: list[int] = []
        self.render_failed: list[int] = []
        self.rendered_ok = 0
        self.connect_failures = 0
        self.unreachable_since: float | None = None  # monotonic time of the first failed connect in a row
        self.reached = False  # a connection of this run got through
        self.timeouts = _timeouts(app, options)
        self.outage_window = (options.outage_window if options.outage_window is not None
                              else float(app.settings.get("sending.outage_window_seconds")))
        self.sessions: weakref.WeakSet[Any] = weakref.WeakSet()  # the open sessions, to expire at a stop
        self._paced_at = -1e9  # when the pace was last worked out

    def _signs_in_again(self, item: Item, reply: str) -> bool:
        """An OAuth2 session refused mid-way (its access token expired at the server): the message
        goes back to the queue and the next connection signs in with a fresh token. The next
        sign-in that fails pauses the campaign ("Sign in to … again")."""
        if self.endpoint.oauth is None or item.attempts >= self.options.max_attempts:
            return False
        self.log.result(item.delivery_id, "queued", reply)
        self.control.count("retries")
        self.queue.retry(item, 0)
        return True

    def _settle(self, item: Item, out: Outcome, message_id: str) -> None:
        ctl, lg, q = self.control, self.log, self.queue
        self.recent_policy.append(out.kind == "policy")
        if out.kind == "sent":
            lg.result(item.delivery_id, "sent", out.reply)
            if self.kind == "confirmation":
                lg.confirmation_sent(item.contact.id, message_id)
            ctl.count("sent")
            q.done()
            return
        if out.kind == "uncertain":  # the server may have it: never again by itself
            lg.result(item.delivery_id, "uncertain", out.reply)
            ctl.count("cut_off")
            q.done()
            return
        self.budget.give_back()  # providers count accepted messages
        if out.kind == "abandoned":  # the server discards an unfinished transaction
            lg.result(item.delivery_id, "queued", out.reply)
            q.done()
            return
        if out.kind == "temporary":
            if item.attempts < self.options.max_attempts:
                delay = self.options.retry_base * 2 ** (item.attempts - 1)
                when = (datetime.now(UTC) + timedelta(seconds=delay)).strftime("%Y-%m-%dT%H:%M:%SZ")
                lg.result(item.delivery_id, "queued", out.reply, retry_at=when)
                ctl.count("retries")
                q.retry(item, delay)
            else:
                lg.result(item.delivery_id, "deferred", out.reply)
                ctl.count("deferred")
                q.done()
            return
        if out.kind == "auth" and self._signs_in_again(item, out.reply):
            return
        if out.kind in ("auth", "sender_refused"):
            lg.result(item.delivery_id, "queued", out.reply)
            q.done()
            what = ("refused the login or asks for one" if out.kind == "auth"
                    else "refuses the sender address")
            ctl.stop(f"Sending paused: the server {what} ({out.reply}). Check the account in Settings > "
                     "Accounts and the From address, then resume.")
            return
        lg.result(item.delivery_id, "failed", out.reply)
        ctl.count("failed")
        if out.kind == "hard_bounce":
            lg.hard_bounce(item.contact.id, out.status, out.reply)
            ctl.count("bounced")
        elif out.kind == "policy":
            self.policy_failed.append(item.delivery_id)
            if sum(self.recent_policy) >= self.options.policy_burst:
                ctl.stop(f"Sending paused: {sum(self.recent_policy)} of the last {len(self.recent_policy)} "
                         f"messages were refused for policy reasons (last: {out.reply}). Such 5.7.x rejections "
                         "are about the sender (reputation, SPF/DKIM/DMARC, content), not the recipients; "
                         "fix the cause, then resume. Those recipients will be tried again.")
        q.done()

    def _unrenderable(self, item: Item, exc: Exception) -> None:
        """This recipient's message cannot be made: that recipient fails, nobody else. When no
        message of the run could be made at all, the cause is the content, not the addresses:
        the campaign pauses and those recipients are tried again after the fix."""
        self.budget.give_back()
        self.log.result(item.delivery_id, "failed", f"The message for this address could not be made: {exc}")
        self.control.count("failed")
        self.render_failed.append(item.delivery_id)
        self.queue.done()
        if not self.rendered_ok and len(self.render_failed) >= self.options.render_burst:
            self.control.stop(f"Sending paused: the first {len(self.render_failed)} messages could not be made "
                              f"(last problem: {exc}). Check the campaign's content, then resume.")

    def _show_pace(self) -> None:
        """Which limit sets the pace, and the expected finish, for the send window (every 2 s)."""
        now = time.monotonic()
        if now - self._paced_at < 2.0:
            return
        self._paced_at = now
        st = self.control.snapshot()
        left = max(0, st.total - st.done)
        if not left:
            return
        from .pace import finish_words, pace

        p = pace(self.account, left, used_today=self.budget.used, measured_rate=st.rate)
        words = "; ".join(w for w in (p.text, finish_words(p)) if w)
        if p.limit == "per_day":
            self.control.update(pace=words, eta_seconds=p.seconds)
        else:
            self.control.update(pace=words)

    async def monitor(self, progress: Progress, workers: list[asyncio.Task]) -> None:
        ctl = self.control
        user_paused = False
        while not all(w.done() for w in workers):
            if progress.cancelled and not ctl.ending:
                # The job running the send was cancelled (the window closing, the program asked to
                # quit): the campaign pauses; cancelling the campaign itself is SendControl.cancel().
                ctl.stop("Sending paused: the program was closed during the send. Send again to continue.")
            if ctl.ending:
                for session in list(self.sessions):  # replies still awaited get a short grace
                    session.proto.expire(self.options.stop_grace)
            if ctl.paused != user_paused:
                user_paused = ctl.paused
                self.log.flush()
                with self.app.db.transaction():
                    store.set_campaign_state(self.app.db.conn, self.campaign_id,
                                             "paused" if user_paused else "sending",
                                             "Paused by you" if user_paused else "")
                ctl.update(state="paused" if user_paused else "sending")
            self.log.flush()
            ctl.measure()
            self._show_pace()
            st = ctl.snapshot()
            progress.update(st.done, st.total, st.text())
            await asyncio.wait([asyncio.ensure_future(asyncio.sleep(self.options.flush_interval))] +
                               [w for w in workers if not w.done()], return_when=asyncio.FIRST_COMPLETED)


def _timeouts(app: App, options: SendOptions) -> Timeouts:
    if options.command_timeout is not None:
        return Timeouts.uniform(options.command_timeout)
    if options.timeouts is not None:
        return options.timeouts
    rfc = Timeouts()

    def get(key: str, default: float) -> float:
        value = app.settings.get(f"sending.timeout_{key}_seconds")
        return float(value) if value and value > 0 else default  # 0: the RFC's wait

    return Timeouts(greeting=get("greeting", rfc.greeting), mail=get("envelope", rfc.mail),
                    data=get("data", rfc.data), block=get("block", rfc.block), final=get("final", rfc.final))


def _prepare(app: App, campaign: Any, account: AccountRow, control: SendControl) -> None:
    """The run's first transaction: recover interrupted rows, fix recipients of a draft, requeue deferred."""
    conn = app.db.conn
    cid = campaign["id"]
    with app.db.transaction():
        uncertain = store.mark_interrupted_uncertain(conn, cid)
        if campaign["state"] == "draft" and campaign["kind"] == "campaign":
            eligible, skipped = select(app, campaign["list_id"], conn)
            store.insert_recipients(conn, cid, eligible, skipped)
        store.requeue_deferred(conn, cid)
        store.set_campaign_account(conn, cid, account.id)
        store.set_campaign_state(conn, cid, "sending", "", started=True)
        counts = store.state_counts(conn, cid)
    control.update(uncertain=uncertain, total=sum(counts.values()) - counts["skipped"],
                   done_before=counts["sent"] + counts["failed"] + counts["uncertain"], state="sending")


def _finish(app: App, campaign_id: int, control: SendControl) -> dict:
    conn = app.db.conn
    with app.db.transaction():
        counts = store.state_counts(conn, campaign_id)
        left = counts["queued"] + counts["sending"]
        if control.cancelled:
            state, reason = "cancelled", "Cancelled by you"
        elif control.stop_reason:
            state, reason = "paused", control.stop_reason
        elif left:
            state, reason = "paused", f"{left:,} messages not sent yet; send again to continue"
        elif counts["deferred"]:
            state, reason = "paused", (f"{counts['deferred']:,} messages met temporary failures and were "
                                       "deferred; send again later to retry them")
        else:
            state, reason = "done", (f"{counts['uncertain']:,} were cut off mid-send and may not have "
                                     "arrived; resend them if you choose" if counts["uncertain"] else "")
        store.set_campaign_state(conn, campaign_id, state, reason, finished=state in ("done", "cancelled"))
    control.update(state="finished", note=reason)
    return campaign_status(app, campaign_id)


def _check_preflight(app: App, campaign_id: int, account: AccountRow) -> None:
    """The compliance preflight's blocking errors stop a send before anything goes out (the DNS
    records are checked in the GUI's and CLI's preflight, not on every run)."""
    from ..compose.preflight import run_preflight

    report = run_preflight(app, campaign_id, account_name=account.id, check_dns=False)
    if report.errors:
        raise SendError("nothing was sent; the preflight found what must be fixed first: "
                        + "; ".join(f.message for f in report.errors))


class _Releasing:
    def __init__(self, lock: CampaignLock):
        self.lock = lock

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc) -> None:
        self.lock.__exit__(*exc)


async def send_campaign_async(app: App, campaign_id: int, account: str | int | AccountRow | None = None, *,
                              control: SendControl | None = None, progress: Progress = NO_PROGRESS,
                              options: SendOptions | None = None,
                              renderer_factory: RendererFactory | None = None) -> dict:
    control = control or SendControl()
    options = options or SendOptions()
    campaign = store.campaign(app.db.conn, campaign_id)
    if campaign is None:
        raise SendError(f"there is no campaign {campaign_id}")
    if campaign["state"] == "cancelled":
        raise SendError(f"campaign {campaign_id} was cancelled; create a new one to send it again")
    if campaign["kind"] == "test":
        raise SendError("test messages are sent with send_test(), not as a campaign")
    try:
        if isinstance(account, AccountRow):
            acc = account
        elif account is not None:
            acc = get_account(app, account)
        elif campaign["account_id"] is not None:
            acc = get_account(app, int(campaign["account_id"]))
        else:
            raise SendError("choose the account to send with (--account NAME)")
        endpoint = endpoint_for(app, acc, timeout=_timeouts(app, options).greeting, tls_context=options.tls_context)
    except AccountError as exc:
        raise SendError(str(exc)) from None
    envelope_from = options.envelope_from or app.settings.get("sender.from_address") or ""
    if not envelope_from:
        raise SendError("set the sender's From address first (Settings > Sender, or `sender set --from`)")
    try:
        renderer = (renderer_factory or _default_renderer)(app, campaign_id)
    except ValueError as exc:  # sender identity or content not ready: the message says what
        raise SendError(str(exc)) from None
    if options.preflight:
        _check_preflight(app, campaign_id, acc)
    lock = CampaignLock(app.paths.home, campaign_id)
    try:
        lock.__enter__()
    except CampaignBusy as exc:
        raise SendError(str(exc)) from None
    with _Releasing(lock):
        _prepare(app, campaign, acc, control)
        run = _Run(app, campaign, acc, endpoint, renderer, control, options, envelope_from)
        loop = asyncio.get_running_loop()
        control.bind(loop)
        sandbox: SandboxServer | None = None
        error: Exception | None = None
        try:
            if acc.is_sandbox:  # this data folder's sandbox, never whatever else listens on its port
                port, sandbox = await asyncio.to_thread(open_sandbox, app, acc.port)
                run.endpoint = dataclasses.replace(endpoint, port=port)
            queued = store.state_counts(app.db.conn, campaign_id)["queued"]
            if renderer_factory is None:  # the campaign's own renderer: large sends render in another process
                run.render = RenderAhead.start(renderer, queued)
            workers = [asyncio.create_task(run.worker()) for _ in range(max(1, min(acc.pool_size, queued or 1)))]
            monitor = asyncio.create_task(run.monitor(progress, workers))
            try:
                await asyncio.gather(*workers)
            finally:
                for w in workers:
                    w.cancel()
                await asyncio.gather(*workers, monitor, return_exceptions=True)
        except SandboxError as exc:
            control.stop(f"Sending paused: {exc}")
        except Exception as exc:  # recorded as the pause reason, then reported to the caller
            log.exception("send run of campaign %s failed", campaign_id)
            error = exc
            control.stop(f"Sending stopped by an unexpected error: {exc}")
        finally:
            run.render.close()
            run.log.flush()
            if sandbox is not None:
                sandbox.stop()
        retry = []
        if run.policy_failed and control.stop_reason and "policy" in control.stop_reason:
            retry += run.policy_failed
        if run.render_failed and not run.rendered_ok and control.stop_reason:
            retry += run.render_failed
        if retry:
            with app.db.transaction():
                store.requeue(app.db.conn, campaign_id, retry, states=("failed",))
        result = _finish(app, campaign_id, control)
    if error is not None:
        raise SendError(str(control.stop_reason)) from error
    st = control.snapshot()
    progress.update(st.done, st.total, st.text())
    if control.cancelled and progress.cancelled:
        raise Cancelled()
    return result


def warm_up() -> None:
    """Import what a send otherwise loads on first use: rendering, DKIM (cryptography, dnspython),
    the preflight, the renderer process's machinery. Importing compiled extensions holds the
    interpreter lock, so a GUI calls this while idle at start-up rather than letting a first send
    stall its window."""
    import concurrent.futures.process  # noqa: F401
    import multiprocessing.spawn  # noqa: F401

    from ..compose import renderer as compose  # noqa: F401

    with contextlib.suppress(ImportError):  # POSIX only
        import multiprocessing.popen_spawn_posix  # noqa: F401


def send_campaign(app: App, campaign_id: int, account: str | int | AccountRow | None = None, **kwargs) -> dict:
    """Blocking send (CLI, GUI worker thread). Returns :func:`campaign_status`."""
    return asyncio.run(send_campaign_async(app, campaign_id, account, **kwargs))


def campaign_status(app: App, campaign_id: int) -> dict:
    """``{"id", "state", "sent", "failed", "deferred", "uncertain", "skipped": {REASON: COUNT}, ...}``.
    For a draft the skipped counts are what a send would leave out now."""
    conn = app.db.conn
    campaign = store.campaign(conn, campaign_id)
    if campaign is None:
        raise SendError(f"there is no campaign {campaign_id}")
    counts = store.state_counts(conn, campaign_id)
    skipped = store.skipped_counts(conn, campaign_id)
    queued = counts["queued"] + counts["sending"]
    if campaign["state"] == "draft" and campaign["kind"] == "campaign" and not any(counts.values()):
        from .recipients import summary

        s = summary(app, campaign["list_id"])
        skipped, queued = s.skipped, s.eligible
    return {"id": campaign_id, "name": campaign["name"], "kind": campaign["kind"], "state": campaign["state"],
            "reason": campaign["state_reason"], "sent": counts["sent"], "failed": counts["failed"],
            "deferred": counts["deferred"], "uncertain": counts["uncertain"], "queued": queued,
            "skipped": skipped, "bounced": store.hard_bounce_count(conn, campaign_id),
            "pace": _pace_of(app, campaign, queued + counts["deferred"])}


def _pace_of(app: App, campaign: Any, left: int) -> dict | None:
    """Which limit of the campaign's account (else the default account) sets the pace of what is
    left, and when it should be done; None when nothing is left or no account is known."""
    if not left or campaign["state"] in ("done", "cancelled"):
        return None
    acc = None
    if campaign["account_id"] is not None:
        acc = account_store.by_id(app.db.conn, int(campaign["account_id"]))
    if acc is None:
        acc = account_store.by_name(app.db.conn, str(app.settings.get("sending.default_account") or ""))
    if acc is None:
        return None
    from .pace import finish_words, pace

    p = pace(acc, left, used_today=account_store.usage_today(app.db.conn, acc.id, utc_day()))
    return {**p.as_dict(), "account": acc.name, "words": "; ".join(w for w in (p.text, finish_words(p)) if w)}


def resend_uncertain(app: App, campaign_id: int, delivery_ids: list[int] | None = None) -> int:
    """Put 'uncertain' rows (all, or the given ones) back in the queue; the next send sends them."""
    with app.db.transaction():
        n = store.requeue(app.db.conn, campaign_id, delivery_ids, states=("uncertain",))
        campaign = store.campaign(app.db.conn, campaign_id)
        if n and campaign is not None and campaign["state"] == "done":
            store.set_campaign_state(app.db.conn, campaign_id, "paused", f"{n} uncertain messages to resend")
    return n


__all__ = ["SendControl", "SendError", "SendOptions", "SendStats", "campaign_status", "resend_uncertain",
           "send_campaign", "send_campaign_async"]
