"""Which limits apply to an account, which one sets a send's pace, and when it should be done."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from send_fixtures import bulk_contacts, loopback_account, make_campaign, tiny
from smtp_servers import CountingHandler, Server

from mailer_desktop.services.accounts.manage import add_account, get_account
from mailer_desktop.services.sending.engine import SendOptions, campaign_status, send_campaign
from mailer_desktop.services.sending.pace import limits_note, pace

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_account_add_says_which_limits_apply(cli):
    code, out, err = cli("account", "add", "relay", "--host", "127.0.0.1", "--port", "2500", "--security", "none")
    assert code == 0, err
    assert "Limits: 2 connections, 5 messages a second, no hourly limit, no daily limit" in out
    assert "defaults for a server without a preset" in out and "account set relay --rate" in out
    code, out, err = cli("--json", "account", "add", "mine", "--preset", "other", "--host", "127.0.0.1", "--port",
                         "2501", "--security", "none", "--rate", "2", "--per-day", "800")
    assert code == 0, err
    note = json.loads(out)["limits"]
    assert "2 messages a second" in note and "800 messages a day" in note
    assert "per second, per day as you set them" in note


def test_a_presets_limits_are_named(app):
    acc = add_account(app, "gm", preset_key="gmail", username="me@gmail.com", password="app-password")
    note = limits_note(acc)
    assert "1 message a second" in note and "500 messages a day" in note and "Gmail's published limits" in note


def test_the_tightest_limit_sets_the_pace(app):
    acc = loopback_account(app, 2500, rate=5)
    p = pace(acc, 1000, now=NOW)
    assert p.limit == "per_second" and p.seconds == 200 and "5 messages a second" in p.text
    hourly = add_account(app, "hourly", host="127.0.0.1", port=2502, security="none", rate_per_second=5,
                         rate_per_hour=600)
    p = pace(hourly, 1200, now=NOW)
    assert p.limit == "per_hour" and p.seconds == 7200 and p.finish == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    daily = add_account(app, "daily", host="127.0.0.1", port=2503, security="none", rate_per_second=10,
                        rate_per_day=500)
    p = pace(daily, 1000, used_today=400, now=NOW)
    assert p.limit == "per_day" and "100 more today" in p.text and "2 more days" in p.text
    assert p.finish.date() == datetime(2026, 3, 4).date()  # 500 on the 3rd, the last 400 on the 4th
    free = add_account(app, "free", host="127.0.0.1", port=2504, security="none", rate_per_second=0)
    assert pace(free, 10, now=NOW).limit == "server"
    assert pace(free, 100, measured_rate=50, now=NOW).seconds == 100 / (50 * 1.0001)


def test_campaign_status_and_the_send_window_show_the_pace(app, cli):
    app.settings.set("sender.from_address", "shop@example.com")
    cid = make_campaign(app, bulk_contacts(app, [f"p{i}@example.org" for i in range(120)]))
    texts: list[str] = []

    class Watch:
        cancelled = False

        def update(self, done, total=None, text=""):
            texts.append(text)

        def check(self):
            pass

    with Server(CountingHandler()) as srv:
        loopback_account(app, srv.port, rate=40)
        app.settings.set("sending.default_account", "local")
        before = campaign_status(app, cid)
        assert before["pace"]["limit"] == "per_second" and before["pace"]["account"] == "local"
        code, out, _ = cli("campaign", "status", str(cid))
        assert code == 0 and "through local: paced by the account's limit of 40 messages a second" in out
        assert "expected to finish about" in out
        status = send_campaign(app, cid, "local", renderer_factory=tiny, progress=Watch(),
                               options=SendOptions(retry_base=0.01, command_timeout=5, preflight=False))
    assert status["state"] == "done" and status["pace"] is None
    assert any("paced by the account's limit of 40 messages a second" in t and "expected to finish" in t
               for t in texts), texts[-5:]
    assert get_account(app, "local").rate_per_second == 40
