"""Sending accounts: add, edit, test; provider presets; OAuth2 sign-in and tokens."""
