"""Contacts, lists, consent, suppression and the data-protection rights (export, erase)."""
