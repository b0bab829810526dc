"""Reading and saving the sender identity (settings ``sender.*``), with validation."""

from __future__ import annotations

from ...domain.addresses import AddressError, validate
from ...domain.identity import SETTING_PREFIX, SenderIdentity

_MAX_URL = 800


class SenderError(ValueError):
    """A sender identity value that cannot be used; the message names the field."""


def load_sender(app) -> SenderIdentity:
    return SenderIdentity.from_settings(app.settings.all())


def _address(label: str, value: str, required: bool) -> str:
    value = (value or "").strip()
    if not value:
        if required:
            raise SenderError(f"{label} is required")
        return ""
    try:
        return validate(value).email
    except AddressError as exc:
        raise SenderError(f"{label} {value!r} is not a valid address: {exc}") from None


def _url(label: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if not value.lower().startswith("https://"):
        raise SenderError(f"{label} must start with https:// (got {value!r})")
    if "{token}" not in value:
        raise SenderError(f"{label} must contain {{token}} where the contact's token goes (got {value!r})")
    if len(value) > _MAX_URL or not value.isascii() or any(c in value for c in " <>\"\r\n\t"):
        raise SenderError(f"{label} must be a plain ASCII web address without spaces, at most {_MAX_URL} "
                          "characters (percent-encode anything else)")
    return value


def save_sender(app, *, name: str | None = None, from_address: str | None = None,
                postal_address: str | None = None, reply_to: str | None = None,
                unsubscribe_mailbox: str | None = None, unsubscribe_url: str | None = None,
                confirm_url: str | None = None, plus_addressing: bool | None = None,
                footer_reason: str | None = None, ad_disclosure: bool | None = None) -> SenderIdentity:
    """Validate and store the given values (None leaves a value as it is); all or nothing."""
    values: dict[str, object] = {}
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise SenderError("the business name cannot be empty")
        values["business_name"] = name
    if from_address is not None:
        values["from_address"] = _address("the From address", from_address, True)
    if postal_address is not None:
        lines = [ln.strip() for ln in postal_address.replace("\r", "\n").split("\n") if ln.strip()]
        if not lines or len(" ".join(lines)) < 8:
            raise SenderError("the postal address must be a full street address, registered PO box or "
                              "private mailbox (CAN-SPAM, CASL)")
        values["postal_address"] = "\n".join(lines)
    if reply_to is not None:
        values["reply_to"] = _address("the Reply-To address", reply_to, False)
    if unsubscribe_mailbox is not None:
        values["unsubscribe_mailbox"] = _address("the unsubscribe mailbox", unsubscribe_mailbox, False)
    if unsubscribe_url is not None:
        values["unsubscribe_url"] = _url("the unsubscribe web address", unsubscribe_url)
    if confirm_url is not None:
        values["confirm_url"] = _url("the confirmation web address", confirm_url)
    if plus_addressing is not None:
        values["plus_addressing"] = bool(plus_addressing)
    if footer_reason is not None:
        values["footer_reason"] = " ".join(footer_reason.split())
    if ad_disclosure is not None:
        values["ad_disclosure"] = bool(ad_disclosure)
    with app.db.transaction():
        for key, value in values.items():
            app.settings.set(SETTING_PREFIX + key, value)
    return load_sender(app)
