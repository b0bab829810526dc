"""Returned mail: reading mailboxes and files, trusting them, and acting on bounces, complaints, unsubscribes and confirmations; the double opt-in requests."""
