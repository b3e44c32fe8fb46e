"""The delivery worker's metrics: webhook attempts by how they ended, dead letters, and events
published to JetStream or failed there. Labels are closed sets (attempt kinds, outcomes, service
logs): never a subscription, an endpoint, a unit or an event type.
"""

from __future__ import annotations

from prometheus_client import Counter

WEBHOOK_ATTEMPTS = Counter(
    "kaohe_webhook_attempts",
    "Webhook attempts, by kind (delivery, redelivery: one the office asked for) and outcome "
    "(delivered: a 2xx; failed: anything else, retried later or given up)",
    ["kind", "outcome"],
)
WEBHOOK_DEAD_LETTERS = Counter(
    "kaohe_webhook_dead_letters",
    "Events dead-lettered, each disabling its subscription (a 410, an address the outbound "
    "policy refuses, or a receiver failing for longer than KAOHE_WEBHOOK_DISABLE_AFTER_SECONDS)",
)
JETSTREAM_PUBLISHED = Counter(
    "kaohe_jetstream_published",
    "Events published to JetStream, by service log and outcome (stored; duplicate: a repeat "
    "JetStream dropped by its Nats-Msg-Id)",
    ["service", "outcome"],
)
JETSTREAM_FAILURES = Counter(
    "kaohe_jetstream_failures",
    "Publications to JetStream that failed (no acknowledgement, a lost connection); the relay "
    "starts again and republishes from its recorded position, by service log",
    ["service"],
)


def webhook_attempt(kind: str, succeeded: bool) -> None:
    """Count one webhook attempt of `kind` (DELIVERY or REDELIVERY)."""
    WEBHOOK_ATTEMPTS.labels(kind.lower(), "delivered" if succeeded else "failed").inc()
