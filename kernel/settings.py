"""Settings, read from the environment when a process starts (never at import time)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class DatabaseNotConfiguredError(SystemExit):
    """A process started without DATABASE_URL: it stops at once with this message (a
    SystemExit, so the operator reads one line, not a traceback)."""

    def __init__(self) -> None:
        super().__init__(
            "DATABASE_URL is not set: Kaohe's processes never fall back to libpq's defaults. "
            "Set it (postgresql://user@host:port/database), or start the whole system with "
            "`kaohe run`, which starts an embedded PostgreSQL when DATABASE_URL is not set."
        )


class Settings(BaseSettings):
    """Every knob of a Kaohe process; each field is also an environment variable (upper case)."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    database_url: str = ""
    kaohe_data_dir: Path = Path(".kaohe")
    kaohe_host: str = "127.0.0.1"
    kaohe_gateway_port: int = 8000
    kaohe_directory_port: int = 8001
    kaohe_directory_url: str = ""
    kaohe_goals_port: int = 8002
    kaohe_goals_url: str = ""
    kaohe_feedback_port: int = 8003
    kaohe_feedback_url: str = ""
    kaohe_reviews_port: int = 8004
    kaohe_reviews_url: str = ""
    kaohe_overdue_check_seconds: float = 300.0
    # Production: verify tokens against the OIDC issuer's JWKS instead of the local dev key.
    kaohe_oidc_issuer: str = ""
    kaohe_oidc_jwks_url: str = ""
    kaohe_token_issuer: str = "kaohe-dev"
    kaohe_token_audience: str = "kaohe"
    # Longest a token may live (exp - iat), in seconds: a stolen or over-long token dies by then.
    kaohe_token_max_lifetime: int = 8 * 3600
    kaohe_graphql_max_depth: int = 10
    # HTTP operations the gateway executes at once; the rest wait their turn (memory, latency).
    kaohe_graphql_concurrency: int = 8
    # What one GraphQL operation may cost (gateway/graphql/limits.py), how long it may run, and
    # how many each caller may start (a token bucket per person, per gateway process).
    kaohe_graphql_max_cost: int = 20_000
    kaohe_graphql_timeout: float = 10.0
    kaohe_graphql_query_rate: float = 20.0
    kaohe_graphql_query_burst: float = 200.0
    kaohe_graphql_mutation_rate: float = 10.0
    kaohe_graphql_mutation_burst: float = 100.0
    # The largest request body the gateway and the services read (bytes).
    kaohe_graphql_max_body_bytes: int = 1024 * 1024
    kaohe_read_your_writes_timeout: float = 5.0
    # Signed checkpoints of each service log: after this many new events, or this many seconds
    # after the last one if anything new was recorded (0 seconds: the signer signs none).
    kaohe_checkpoint_every_events: int = 1000
    kaohe_checkpoint_every_seconds: float = 60.0
    kaohe_checkpoint_origin: str = "kaohe"
    kaohe_checkpoint_key_name: str = "kaohe-audit"
    # The checkpoint signer's own process (services/audit/main.py): its /health.
    kaohe_audit_port: int = 8006
    # Integrations: the delivery worker process, and JetStream when NATS_URL is set.
    kaohe_integrations_port: int = 8005
    nats_url: str = ""
    kaohe_nats_stream: str = "KAOHE"
    kaohe_nats_subject_prefix: str = "kaohe"
    kaohe_nats_max_age_days: float = 365.0
    kaohe_nats_duplicate_window_seconds: float = 86400.0
    # Webhooks: seconds before each retry (the first is the first attempt), when to give up.
    kaohe_webhook_retry_schedule: str = "0,5,300,1800,7200,18000,36000,36000"
    kaohe_webhook_disable_after_seconds: float = 5 * 86400.0
    kaohe_webhook_timeout_seconds: float = 10.0
    # Outbound calls (webhooks, DingTalk) reach public addresses only, unless named here:
    # comma-separated networks (10.20.0.0/16, 127.0.0.2) and host:port endpoints ([::1]:9000).
    kaohe_outbound_allow: str = ""
    # Issue 13 (privacy): who may read what of the events, and who may unseal anonymity.
    kaohe_nats_scope: str = ""
    kaohe_disclosure_key_file: str = ""
    # /ready: the most events a projection may lag its log behind while the gateway is ready.
    kaohe_ready_max_lag: int = 1000
    # `kaohe run`: a process that has not answered /health this long is hung, and restarted.
    kaohe_hung_after_seconds: float = 30.0

    @property
    def directory_url(self) -> str:
        """Where the gateway reaches the directory service."""
        return self.kaohe_directory_url or f"http://{self.kaohe_host}:{self.kaohe_directory_port}"

    @property
    def goals_url(self) -> str:
        """Where the gateway reaches the goals service."""
        return self.kaohe_goals_url or f"http://{self.kaohe_host}:{self.kaohe_goals_port}"

    @property
    def feedback_url(self) -> str:
        """Where the gateway reaches the feedback service."""
        return self.kaohe_feedback_url or f"http://{self.kaohe_host}:{self.kaohe_feedback_port}"

    @property
    def reviews_url(self) -> str:
        """Where the gateway reaches the reviews service."""
        return self.kaohe_reviews_url or f"http://{self.kaohe_host}:{self.kaohe_reviews_port}"

    @property
    def key_dir(self) -> Path:
        """Where the development signing key lives."""
        return self.kaohe_data_dir / "keys"


def load_settings() -> Settings:
    """Read the settings from the environment now."""
    return Settings()
