"""Integrations: every service's events leave as CloudEvents 1.0 (the feed, webhooks, JetStream)."""
