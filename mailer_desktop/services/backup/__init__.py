"""Encrypted backups, restoring them, and the guard over the keys a data folder depends on."""
