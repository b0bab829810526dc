"""The demo data folder: every consent state, a sent campaign captured by the sandbox."""

from __future__ import annotations

import email

from mailer_desktop.services import dashboard
from mailer_desktop.services.demo import PENDING, PEOPLE, open_demo
from mailer_desktop.services.sandbox import server as sandbox


def test_demo_has_a_living_program(tmp_path):
    app = open_demo(tmp_path / "demo")
    try:
        ov = dashboard.overview(app)
        assert all(ov.by_status[s] > 0 for s in ("pending", "confirmed", "unsubscribed", "bounced", "complained"))
        assert ov.total_contacts == len(PEOPLE)
        (sent,) = ov.campaigns
        assert sent.sent == len(PEOPLE) - len(PENDING)  # everyone confirmed at send time
        captured = sandbox.list_messages(app)
        assert len(captured) == sent.sent
        msg = email.message_from_bytes(sandbox.read_raw(app, captured[0].path))
        assert msg["List-Unsubscribe"] and "12 Baker Street" in msg.get_payload(0).get_payload(decode=True).decode()
        from mailer_desktop.services.compose import templates

        assert len(templates.list_templates(app)) == 2
        # the opt-outs came back as mail and went through the inbox processing
        from mailer_desktop.services.inbox import status as inbox_status

        kinds = sorted(r["kind"] for r in inbox_status.recent(app))
        assert kinds == ["auto_reply", "complaint", "hard", "unknown", "unsubscribe", "unsubscribe"]
        assert ov.review_count == 1
        assert "keyrings" not in app.secrets.backend_name() and "Ephemeral" in app.secrets.backend_name()
    finally:
        app.close()
