"""Turning content into messages: templates, rendering, preview, the pre-send check, DKIM and the sender-domain DNS checks."""
