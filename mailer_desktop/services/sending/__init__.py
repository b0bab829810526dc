"""Sending a campaign: the engine, its SMTP sessions, queue, pacing, limits and the delivery log."""
