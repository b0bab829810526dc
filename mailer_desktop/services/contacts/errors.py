"""Errors of the contact services; their messages are meant for the user."""

from __future__ import annotations


class ContactError(ValueError):
    """Bad input or a refused change to a contact."""


class ContactNotFound(ContactError):
    pass


class DuplicateContactError(ContactError):
    pass


class SuppressedError(ContactError):
    """The address (or its domain) is on the suppression list."""
