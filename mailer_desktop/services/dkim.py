"""Optional DKIM signing (dkimpy) with a key kept in the keyring."""

from __future__ import annotations


def signer_for(app, domain: str):
    """The DKIM signer for ``domain`` when signing is switched on, else None."""
    return None
