"""Rendering a campaign's messages: the seam between content and the send engine.

:class:`CampaignRenderer` loads the campaign's content, the sender identity and the token
key once and compiles the templates once; after that :meth:`CampaignRenderer.bytes_for`
turns one contact into the exact wire bytes (and Message-ID) in a fraction of a millisecond.
It only reads the database in ``__init__``, so one renderer can be used from any thread, and
it pickles (as plain data, the templates compiled again on loading) for use in another process.

For a ``confirmation`` campaign (double opt-in) the content is not the campaign's own: it
is the confirmation request built from the ``consent.confirmation_wording`` setting — only
the request and the sender's identification, no marketing (CASL). Its Reply-To and the
mailto link carry the contact's confirm token in the subject (and, with plus-addressing, in
the address), so a plain "Reply" confirms; an https confirm link is added when configured.
"""

from __future__ import annotations

import email
import email.policy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...domain import tokens
from ...domain.footer import (
    UnsubscribeLinks,
    assemble_text,
    content_html_line,
    footer_html,
    footer_lines,
    footer_text,
    head_html,
)
from ...domain.identity import SenderIdentity
from ...domain.messages import Attachment, MessageBuilder, quoted_printable
from ...domain.templates import (
    CompiledTemplate,
    RenderedContent,
    TemplateSource,
    compile_template,
    merge_values,
)
from ...storage import campaigns as store
from .. import campaigns as campaigns_service
from ..sending.identity import load_sender

_PLACEHOLDER = "mdtokenplaceholderx"

CONFIRM_HTML = """\
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;">
<tr><td style="font-family:Helvetica,Arial,sans-serif;font-size:16px;line-height:1.55;color:#222222;">
<p style="margin:0 0 16px;">Hello{% if contact.name %} {{ contact.name }}{% endif %},</p>
<p style="margin:0 0 16px;">{{ wording }}</p>
<p style="margin:0 0 16px;"><a href="{{ confirm_mailto }}" style="color:#1a5fb4;">Yes, subscribe me</a>
 (this opens a reply to {{ confirm_address }}; just send it).</p>
{% if confirm_url %}<p style="margin:0 0 16px;">Or confirm on our page: <a href="{{ confirm_url }}"
 style="color:#1a5fb4;">{{ confirm_url }}</a></p>{% endif %}
<p style="margin:0 0 16px;color:#555555;">If you did not ask for this, ignore this message: without your
 confirmation you will not receive our newsletter.</p>
</td></tr></table></td></tr></table>
"""

CONFIRM_TEXT = """\
Hello{% if contact.name %} {{ contact.name }}{% endif %},

{{ wording }}

To confirm, reply to this message, or send an email to {{ confirm_address }}
with the subject "confirm {{ confirm_token }}".
{% if confirm_url %}
Or confirm on our page: {{ confirm_url }}
{% endif %}
If you did not ask for this, ignore this message: without your confirmation
you will not receive our newsletter.
"""


@dataclass(frozen=True)
class RenderedMessage:
    """One contact's message in its parts (for previews and tests)."""

    subject: str
    preheader: str
    html: str
    text: str
    unsubscribe: UnsubscribeLinks
    reference: str
    reply_to: str | None
    html_qp: bytes = field(default=b"", repr=False)   # ``html`` in quoted-printable


def _contact_parts(contact: Any) -> tuple[int, str, str, dict]:
    """(token subject, address, name, fields). The token subject is the contact's token id, or its
    id for contacts from before token ids (see storage migration 0007)."""
    if hasattr(contact, "keys"):
        get = contact.__getitem__
        token_id = get("token_id") if "token_id" in contact.keys() else None
    else:
        get = lambda k: getattr(contact, k)  # noqa: E731
        token_id = getattr(contact, "token_id", None)
    fields = get("fields")
    if isinstance(fields, str):
        fields = json.loads(fields or "{}")
    subject = int(token_id) if token_id is not None else int(get("id"))
    return subject, str(get("email")), str(get("name") or ""), dict(fields or {})


class CampaignRenderer:
    """Renders the messages of one campaign (see the module docstring)."""

    def __init__(self, app, campaign_id: int | campaigns_service.Campaign):
        # A Campaign object (e.g. unsaved composer content) renders without reading it again.
        if isinstance(campaign_id, campaigns_service.Campaign):
            self.campaign = campaign_id
        else:
            self.campaign = campaigns_service.require_campaign(app, campaign_id)
        self.sender: SenderIdentity = load_sender(app)
        if not self.sender.from_address:
            raise ValueError("no From address is set (Settings → Sender identity, or 'sender set --from')")
        self._key = app.token_key()
        self.confirmation = self.campaign.kind == "confirmation"
        self.confirmation_wording = app.settings.get("consent.confirmation_wording")
        if self.confirmation:
            business = self.sender.business_name or self.sender.from_address
            source = TemplateSource(subject=self.campaign.subject or f"Please confirm your subscription to {business}",
                                    html=CONFIRM_HTML, text=CONFIRM_TEXT)
        else:
            source = self.campaign.template_source()
        self._source = source
        self.template: CompiledTemplate = compile_template(source)
        conn = app.db.conn
        atts = [Attachment(r["filename"], r["mime_type"], bytes(r["data"]))
                for r in store.attachments_of(conn, self.campaign.id)] if not self.confirmation else []
        domain = self.sender.from_domain or "localhost"
        if self.confirmation:
            list_name, list_id = f"{self.sender.business_name} subscription confirmation", f"confirm.{domain}"
        else:
            list_name = self.campaign.list_name or self.campaign.name
            list_id = f"list{self.campaign.list_id or 0}.{domain}"
        self.builder = MessageBuilder(from_name=self.sender.business_name, from_address=self.sender.from_address,
                                      reply_to=self.sender.reply_to, list_name=list_name, list_id=list_id,
                                      attachments=atts)
        info = self.sender.footer_info(marketing=not self.confirmation)
        sample = self.sender.unsubscribe_links(_PLACEHOLDER)
        # The footer differs between contacts only by the token: built once, token swapped in.
        self._footer_text = footer_text(info, sample)
        # HTML pieces that are the same for everyone are encoded to quoted-printable once
        # (each piece ends a line, so the encodings simply concatenate).
        head = head_html(self.sender.business_name or self.sender.from_address)
        self._head_piece = (head, quoted_printable(head))
        self._footer_pieces = [(line, None if _PLACEHOLDER in line else quoted_printable(line))
                               for line in footer_lines(footer_html(info, sample))]
        from .dkim import signer_for  # local: DKIM is optional and loads a key from the keyring
        self.signer = signer_for(app, self.builder.domain)

    # A renderer moves to another process (see :mod:`..sending.render`) as plain data; its compiled
    # templates are compiled again there.
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        del state["template"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.template = compile_template(self._source)

    # -- rendering -------------------------------------------------------------------------------
    def _extra(self, token_subject: int, unsubscribe: UnsubscribeLinks) -> dict[str, Any]:
        extra: dict[str, Any] = {"business_name": self.sender.business_name,
                                 "unsubscribe_url": unsubscribe.primary}
        if self.confirmation:
            token = tokens.confirm_token(self._key, token_subject)
            extra.update(wording=self.confirmation_wording, confirm_token=token,
                         confirm_mailto=self.sender.confirm_mailto(token),
                         confirm_address=self.sender.token_address(token),
                         confirm_url=self.sender.confirm_https(token) or "")
        return extra

    def render(self, contact: Mapping | Any) -> RenderedMessage:
        """Subject and both bodies (with the footer) for one contact."""
        return self._render(*_contact_parts(contact))

    def _render(self, token_subject: int, address: str, name: str, fields: dict) -> RenderedMessage:
        unsub_token = tokens.unsubscribe_token(self._key, token_subject)
        links = self.sender.unsubscribe_links(unsub_token)
        extra = self._extra(token_subject, links)
        content: RenderedContent = self.template.render(merge_values(address, name, fields), extra)
        subject, reply_to = content.subject, None
        if self.confirmation:
            subject = f"{subject} (ref. {extra['confirm_token']})"  # the reply quotes it back
            reply_to = extra["confirm_address"]
        pieces = [self._head_piece, (content_html_line(content.html, content.preheader), None)]
        pieces += [(line.replace(_PLACEHOLDER, unsub_token), None) if qp is None else (line, qp)
                   for line, qp in self._footer_pieces]
        html = "".join(p for p, _ in pieces)
        html_qp = b"".join(qp if qp is not None else quoted_printable(p) for p, qp in pieces)
        text = assemble_text(content.text, self._footer_text.replace(_PLACEHOLDER, unsub_token))
        return RenderedMessage(subject=subject, preheader=content.preheader, html=html, text=text, html_qp=html_qp,
                               unsubscribe=links, reference=tokens.reference_token(self._key, self.campaign.id,
                                                                                   token_subject),
                               reply_to=reply_to)

    def bytes_for(self, contact: Mapping | Any) -> tuple[bytes, str]:
        """The wire bytes of this contact's message and its Message-ID (the send hot path)."""
        token_subject, address, name, fields = _contact_parts(contact)
        parts = self._render(token_subject, address, name, fields)
        data, message_id = self.builder.build(
            to_name=name, to_email=address, subject=parts.subject, text=parts.text, html=parts.html,
            unsubscribe=parts.unsubscribe, reference=parts.reference, reply_to=parts.reply_to,
            html_qp=parts.html_qp or None)
        if self.signer is not None:
            data = self.signer.sign(data)
        return data, message_id

    def message_for(self, contact: Mapping | Any) -> email.message.EmailMessage:
        """The same message parsed back into an EmailMessage (previews, tests)."""
        data, _ = self.bytes_for(contact)
        return email.message_from_bytes(data, policy=email.policy.default)
