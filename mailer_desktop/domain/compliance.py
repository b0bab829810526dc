"""Preflight: the checks run before anything is sent (COMPLIANCE.md), as errors and warnings.

Errors block sending: no postal address, no sender identity, a template error, merge fields
no contact has, nobody to send to. Warnings inform: fake-thread subjects (``RE:``/``FW:``),
shouting subjects, spammy phrases, image-heavy or text-poor bodies, HTML over 102 KB (Gmail
clips it), links whose text shows another domain than their target, plain-http links, a From
domain unlike the sending account's, and SPF / DKIM / DMARC problems of the From domain.
DNS results come in as :class:`DomainAuth`; a record that could not be looked up is reported
as "not checked", never as fine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .identity import SenderIdentity

ERROR, WARNING, INFO = "error", "warning", "info"
GMAIL_CLIP_BYTES = 102 * 1024
MIN_TEXT_CHARS_PER_IMAGE = 400

SPAMMY_PHRASES = (
    "100% free", "act now", "apply now", "as seen on", "buy now", "cash bonus", "click here", "click below",
    "congratulations", "dear friend", "double your", "earn $", "extra cash", "free gift", "free money",
    "get paid", "guaranteed", "increase sales", "limited time", "lowest price", "make money", "miracle",
    "no obligation", "no cost", "once in a lifetime", "order now", "risk-free", "risk free", "special promotion",
    "this is not spam", "urgent", "winner", "you have been selected", "you're a winner", "100% satisfied",
)
_FAKE_THREAD = re.compile(r"^\s*(?:re|fw|fwd|aw|wg|sv|vs|tr|rif)\s*(?:\[\d+\])?\s*:", re.IGNORECASE)
_DOMAIN_IN_TEXT = re.compile(r"(?:https?://)?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})(?:[/:?#]\S*)?$",
                             re.IGNORECASE)
_HREF_HOST = re.compile(r"^https?://([^/:?#@]+@)?([^/:?#]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    level: str      # error, warning, info
    code: str
    message: str


@dataclass(frozen=True)
class RecordCheck:
    """One DNS check. status: ok, missing, problem or not_checked."""

    status: str
    detail: str = ""


@dataclass(frozen=True)
class DomainAuth:
    domain: str
    spf: RecordCheck
    dmarc: RecordCheck
    dkim: RecordCheck | None = None   # None: no selector known


@dataclass
class PreflightInput:
    sender: SenderIdentity
    subject: str = ""
    html: str = ""                 # the rendered HTML body (a sample recipient)
    text: str = ""                 # the rendered plain-text body
    kind: str = "campaign"
    template_error: str | None = None
    unknown_fields: list[str] = field(default_factory=list)
    unknown_names: list[str] = field(default_factory=list)
    recipients: int = 0
    non_ascii_recipients: int = 0  # addresses with non-ASCII characters before the @ (need SMTPUTF8)
    account_domain: str | None = None
    dns: DomainAuth | None = None
    dns_skipped: bool = False


class _BodyFacts(HTMLParser):
    """Links (href, text), image count and visible text of an HTML body."""

    _SKIP = {"style", "script", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.images = 0
        self.text: list[str] = []
        self._href: str | None = None
        self._link_text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "img":
            self.images += 1
        elif tag == "a":
            self._href, self._link_text = (a.get("href") or "").strip(), []

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._link_text).split())))
            self._href = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._href is not None:
            self._link_text.append(data)


def body_facts(html: str) -> _BodyFacts:
    facts = _BodyFacts()
    facts.feed(html or "")
    facts.close()
    return facts


def _host(href: str) -> str | None:
    m = _HREF_HOST.match(href)
    return m.group(2).lower().rstrip(".") if m else None


def _same_site(a: str, b: str) -> bool:
    a, b = a.lower().removeprefix("www."), b.lower().removeprefix("www.")
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def _identity_findings(inp: PreflightInput) -> list[Finding]:
    out = []
    s = inp.sender
    if not s.postal_address.strip():
        out.append(Finding(ERROR, "no_postal_address", "No postal address is set. CAN-SPAM and CASL require a "
                                  "valid postal address in every message (Settings → Sender identity)."))
    if not s.from_address.strip() or not s.business_name.strip():
        missing = " and ".join(x for x, v in (("business name", s.business_name), ("From address", s.from_address))
                               if not v.strip())
        out.append(Finding(ERROR, "no_sender", f"No sender identity: the {missing} is not set "
                                               "(Settings → Sender identity)."))
    if s.from_address and not s.mailbox:
        out.append(Finding(ERROR, "no_unsubscribe_mailbox", "No mailbox for unsubscribe replies is set."))
    if inp.kind != "confirmation" and not s.unsubscribe_url.strip().lower().startswith("https://"):
        out.append(Finding(WARNING, "no_one_click", _NO_ONE_CLICK.format(n=inp.recipients)))
    return out


# Google counts a sender as bulk from about 5,000 messages a day to Gmail addresses; Yahoo asks
# the same of bulk senders without a number. Both require RFC 8058 one-click unsubscribe then.
BULK_PER_DAY = 5000
_NO_ONE_CLICK = (
    "No https unsubscribe page is set, so the messages offer no one-click unsubscribe (RFC 8058), only a reply "
    "by email. Gmail and Yahoo require one-click unsubscribe from bulk senders — from about "
    f"{BULK_PER_DAY:,} messages a day to their addresses (this campaign: {{n:,}} recipients) — and may "
    "file or refuse mail without it. Set an https unsubscribe address that unsubscribes on a POST "
    "(Settings → Sender identity).")


def _content_findings(inp: PreflightInput) -> list[Finding]:
    out = []
    if inp.template_error:
        out.append(Finding(ERROR, "template_error", f"The template has an error: {inp.template_error}"))
    if inp.unknown_fields:
        names = ", ".join(f"contact.{n}" for n in inp.unknown_fields)
        out.append(Finding(ERROR, "unknown_fields", f"Unknown merge fields: {names}. No contact has them; add "
                                                    "the field to your contacts or use | default(\"…\")."))
    if inp.unknown_names:
        names = ", ".join(sorted(inp.unknown_names))
        out.append(Finding(ERROR, "unknown_fields", f"Unknown names in the template: {names} "
                                                    "(merge fields are written contact.NAME)."))
    return out


def _subject_findings(subject: str) -> list[Finding]:
    out = []
    if _FAKE_THREAD.match(subject):
        out.append(Finding(WARNING, "fake_thread", "The subject starts like a reply or forward (RE:/FW:). "
                                                   "For a newsletter that is deceptive (CAN-SPAM)."))
    letters = [c for c in subject if c.isalpha()]
    if (len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) >= 0.7) or "!!" in subject:
        out.append(Finding(WARNING, "shouting", "The subject shouts (mostly capitals or '!!'); spam filters "
                                                "and readers dislike it."))
    return out


def _body_findings(inp: PreflightInput) -> list[Finding]:
    out = []
    haystack = f"{inp.subject}\n{inp.text}".lower()
    phrases = [p for p in SPAMMY_PHRASES if p in haystack]
    if phrases:
        out.append(Finding(WARNING, "spammy_phrases", "Phrases spam filters look for: "
                                                      + ", ".join(f"“{p}”" for p in phrases[:6])))
    facts = body_facts(inp.html)
    visible = len(" ".join("".join(facts.text).split()))
    if facts.images and visible < max(MIN_TEXT_CHARS_PER_IMAGE * facts.images, 200):
        out.append(Finding(WARNING, "image_heavy", f"{facts.images} image(s) but only {visible} characters of "
                                                   "text: image-heavy mail looks like spam and says nothing "
                                                   "when images are blocked."))
    size = len(inp.html.encode("utf-8"))
    if size > GMAIL_CLIP_BYTES:
        out.append(Finding(WARNING, "html_too_big", f"The HTML is {size // 1024} KB; Gmail clips messages over "
                                                    "102 KB (and the footer with the unsubscribe link with it)."))
    mismatched, plain = [], []
    for href, text in facts.links:
        host = _host(href)
        if href.lower().startswith("http://"):
            plain.append(href)
        m = _DOMAIN_IN_TEXT.match(text)
        if host and m and not _same_site(m.group(1), host):
            mismatched.append(f"“{text}” → {host}")
    if mismatched:
        out.append(Finding(WARNING, "link_mismatch", "Links whose text shows another domain than where they "
                                                     "go (a phishing sign): " + "; ".join(mismatched[:5])))
    if plain:
        out.append(Finding(WARNING, "plain_http", f"{len(plain)} link(s) use plain http:// — use https:// "
                                                  f"(first: {plain[0]})"))
    return out


def _domain_findings(inp: PreflightInput) -> list[Finding]:
    out = []
    from_domain = inp.sender.from_domain
    if inp.account_domain and from_domain and not _same_site(from_domain, inp.account_domain):
        out.append(Finding(WARNING, "from_domain_mismatch",
                           f"The From domain {from_domain} differs from the sending account's domain "
                           f"{inp.account_domain}: many providers reject or junk such mail unless SPF/DKIM "
                           "for the From domain allow this server."))
    if inp.dns_skipped or not from_domain:
        return out
    auth = inp.dns
    if auth is None:
        out.append(Finding(WARNING, "dns_not_checked", f"SPF, DKIM and DMARC of {from_domain}: not checked."))
        return out
    for name, check, why in (
        ("SPF", auth.spf, "it names the servers allowed to send for the domain"),
        ("DMARC", auth.dmarc, "Gmail and Yahoo require at least p=none for bulk senders"),
        ("DKIM", auth.dkim, "a signature proves the mail really comes from the domain"),
    ):
        if check is None:
            out.append(Finding(WARNING, "dkim_unknown", f"DKIM for {from_domain}: no selector set, so it was not "
                                                        "checked. Set up DKIM signing or enter your provider's "
                                                        "selector."))
        elif check.status == "not_checked":
            out.append(Finding(WARNING, "dns_not_checked", f"{name} of {from_domain}: not checked "
                                                           f"({check.detail or 'DNS could not be reached'})."))
        elif check.status == "missing":
            out.append(Finding(WARNING, f"{name.lower()}_missing", f"{name} record of {from_domain} is missing: "
                                                                   f"{why}. {check.detail}".strip()))
        elif check.status == "problem":
            out.append(Finding(WARNING, f"{name.lower()}_problem", f"{name} record of {from_domain}: {check.detail}"))
    return out


def preflight(inp: PreflightInput) -> list[Finding]:
    """Every finding, errors first."""
    findings = _identity_findings(inp) + _content_findings(inp)
    if inp.recipients <= 0:
        what = "pending contacts to ask" if inp.kind == "confirmation" else "confirmed contacts"
        findings.append(Finding(ERROR, "no_recipients", f"Nothing to send to: the list has no {what}."))
    if inp.non_ascii_recipients > 0:
        n = inp.non_ascii_recipients
        findings.append(Finding(
            WARNING, "non_ascii_recipients",
            f"{n:,} recipient{'s have' if n != 1 else ' has'} non-ASCII characters before the @ (for example "
            "müller@…). Only a mail server that offers SMTPUTF8 can deliver to such addresses; with any other "
            f"server {'those messages fail' if n != 1 else 'that message fails'}, the others are not affected."))
    if inp.kind != "confirmation":
        findings += _subject_findings(inp.subject)
    findings += _body_findings(inp) + _domain_findings(inp)
    if inp.sender.mailbox:
        findings.append(Finding(INFO, "keep_mailbox", f"Keep the mailbox {inp.sender.mailbox} working for at "
                                                      "least 60 days: unsubscribe replies arrive there."))
    order = {ERROR: 0, WARNING: 1, INFO: 2}
    return sorted(findings, key=lambda f: order[f.level])


