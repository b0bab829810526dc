"""Rendering ahead in a worker process gives the same messages as rendering in the engine."""

from __future__ import annotations

import asyncio
import pickle
import re

from mailer_desktop.services import campaigns
from mailer_desktop.services.compose.renderer import CampaignRenderer
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.sending.identity import save_sender
from mailer_desktop.services.sending.queue import Item
from mailer_desktop.services.sending.render import MIN_MESSAGES, RenderAhead

HTML = "<p>Hello {{ contact.name }}{% if contact.city %} from {{ contact.city }}{% endif %}</p>"
_VARYING = re.compile(rb"^(Message-ID|Date): .*$", re.M)


def _same(a: bytes, b: bytes) -> bool:
    return _VARYING.sub(b"", a) == _VARYING.sub(b"", b)


def _setup(app):
    save_sender(app, name="Corner Shop", from_address="news@shop.example",
                postal_address="1 Main Street, Springfield 12345", unsubscribe_mailbox="leave@shop.example")
    people = [contacts.add_contact(app, f"r{i}@example.org", f"Reader {i}", {"city": "Springfield"} if i % 2 else {},
                                   lists=["News"], confirmed=True, evidence="test") for i in range(3)]
    cid = campaigns.create_campaign(app, "Spring", "News for {{ contact.name }}", "News", html=HTML)
    return CampaignRenderer(app, cid), [contacts.get_contact(app, p.id) for p in people]


def test_renderer_pickles_and_renders_the_same(app):
    renderer, people = _setup(app)
    copy = pickle.loads(pickle.dumps(renderer))
    for person in people:
        assert _same(renderer.bytes_for(person)[0], copy.bytes_for(person)[0])


def test_small_sends_render_in_the_engine(app):
    renderer, _ = _setup(app)
    ahead = RenderAhead.start(renderer, MIN_MESSAGES - 1)
    assert ahead.pool is None and not ahead.ready


def test_render_ahead_in_a_worker_process(app):
    renderer, people = _setup(app)

    async def run():
        ahead = RenderAhead.start(renderer, MIN_MESSAGES)
        try:
            assert ahead.pool is not None
            await asyncio.wrap_future(ahead.started)
            assert ahead.ready
            items = [Item(i + 1, person, 0) for i, person in enumerate(people)]
            ahead.submit(items)
            assert all(item.ahead is not None for item in items)
            out = [await ahead.message(item) for item in items]
            assert all(item.ahead is None for item in items)
            # an item without a message rendered ahead (a retry) is rendered here
            local = await ahead.message(items[0])
            return out, local
        finally:
            ahead.close()
            assert ahead.pool is None

    out, local = asyncio.run(run())
    for (data, message_id), person in zip(out, people, strict=True):
        assert _same(data, renderer.bytes_for(person)[0])
        assert f"Message-ID: {message_id}".encode() in data
    assert _same(local[0], out[0][0]) and local[1] != out[0][1]
