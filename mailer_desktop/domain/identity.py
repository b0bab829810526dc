"""The sender identity (CAN-SPAM / CASL identification) and the addresses built from it.

Unsubscribe and confirm links default to ``mailto:`` on the business's own mailbox with the
contact's token in the subject and, when the mailbox supports plus-addressing, in the address.
An https form is used as well when its URL template is configured.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .footer import FooterInfo, UnsubscribeLinks

SETTING_PREFIX = "sender."


@dataclass(frozen=True)
class SenderIdentity:
    business_name: str = ""
    from_address: str = ""
    reply_to: str = ""
    postal_address: str = ""
    unsubscribe_mailbox: str = ""
    plus_addressing: bool = False
    unsubscribe_url: str = ""
    confirm_url: str = ""
    footer_reason: str = ""
    ad_disclosure: bool = True

    @classmethod
    def from_settings(cls, values: dict) -> SenderIdentity:
        """From a settings mapping with ``sender.*`` keys (missing keys keep the defaults)."""
        kwargs = {}
        for f in fields(cls):
            key = SETTING_PREFIX + f.name
            if key in values:
                kwargs[f.name] = values[key]
        return cls(**kwargs)

    @property
    def mailbox(self) -> str:
        """Where unsubscribe and confirmation replies go."""
        return (self.unsubscribe_mailbox or self.reply_to or self.from_address).strip()

    @property
    def from_domain(self) -> str:
        return self.from_address.rpartition("@")[2].strip().lower()

    def token_address(self, token: str) -> str:
        """The mailbox, with ``+token`` in the local part when plus-addressing is on."""
        box = self.mailbox
        if not self.plus_addressing or "@" not in box:
            return box
        local, _, domain = box.rpartition("@")
        local = local.split("+", 1)[0]
        return f"{local}+{token}@{domain}"

    def unsubscribe_links(self, token: str) -> UnsubscribeLinks:
        mailto = f"mailto:{self.token_address(token)}?subject=unsubscribe%20{token}"
        url = self.unsubscribe_url.strip()
        https = url.replace("{token}", token) if url.lower().startswith("https://") else None
        return UnsubscribeLinks(mailto=mailto, https=https)

    def confirm_mailto(self, token: str) -> str:
        return f"mailto:{self.token_address(token)}?subject=confirm%20{token}"

    def confirm_https(self, token: str) -> str | None:
        url = self.confirm_url.strip()
        return url.replace("{token}", token) if url.lower().startswith("https://") else None

    def footer_info(self, *, marketing: bool = True) -> FooterInfo:
        return FooterInfo(
            business_name=self.business_name or self.from_address,
            postal_address=self.postal_address,
            reason=self.footer_reason if marketing else "",
            ad_disclosure=bool(self.ad_disclosure) and marketing,
        )
