"""The one settings object: environment variables and an optional .env file."""

from functools import cached_property
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _networks(addresses: str) -> list[IPv4Network | IPv6Network]:
    return [ip_network(entry.strip(), strict=False) for entry in addresses.split(",") if entry.strip()]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    data_dir: Path = Path(".data")
    # Private files (resumes, exports): written by web processes, read by workers. Several machines
    # point it at one shared volume; unset: DATA_DIR/private.
    files_dir: Path | None = None
    database_url: str | None = None
    redis_url: str | None = None
    rq_redis_db: int = 1

    port: int = 3000
    public_url: str | None = None
    cors_origins: str = ""
    web_workers: int = 2
    rq_workers: int = Field(default=1, ge=1, le=64)  # worker processes of `run --role worker`

    jwt_secret: str | None = None
    # Fernet key (urlsafe base64 of 32 bytes) for mailbox passwords at rest; unset: derived from the
    # server secret (JWT_SECRET or the one generated into DATA_DIR).
    mailbox_key: str | None = None
    mailbox_sync_minutes: int = Field(default=5, ge=1, le=1440)
    access_token_minutes: int = Field(default=720, ge=5, le=60 * 24 * 30)
    cookie_secure: bool = False

    # Login throttling never locks an account for everyone: it counts failures per (account, client
    # address) pair and per client address; past the free failures each attempt waits 1, 2, 4... seconds.
    login_failures_per_pair: int = Field(default=5, ge=1)
    login_failures_per_address: int = Field(default=30, ge=1)
    login_max_delay_seconds: int = Field(default=900, ge=1)
    login_failure_memory_seconds: int = Field(default=3600, ge=1)
    # Proxies whose X-Forwarded-For is believed (comma-separated IPs or networks); empty: use the socket peer.
    forwarded_allow_ips: str = ""

    log_level: str = "INFO"

    # Request handling (per backend worker process): API requests in flight beyond WEB_MAX_IN_FLIGHT
    # get an immediate 503 with Retry-After; WEB_THREADS run the blocking parts of handlers. A request
    # holds at most one connection, so DB_POOL_SIZE >= WEB_MAX_IN_FLIGHT (+ the web UI's calls) means
    # no request ever waits for a connection; none waits more than DB_POOL_TIMEOUT s.
    web_max_in_flight: int = Field(default=32, ge=1)
    web_threads: int = Field(default=12, ge=1, le=200)
    db_pool_size: int = Field(default=40, ge=1, le=200)
    db_pool_timeout: float = Field(default=2.0, gt=0, le=60)
    db_statement_timeout_ms: int = Field(default=10_000, ge=100)

    # Matching: a calibrated similarity_score under this flags a skill gap.
    match_gap_threshold: float = Field(default=0.7, ge=0, le=1)
    # Where "Learn" links point, per occupational family (a JSON file shaped like the shipped
    # career_app/services/data/learning_links.json); unset: the shipped file.
    learning_links_file: Path | None = None
    # AI: with no OPENAI_API_KEY (and no key named in the LLM config file) the offline generator is used.
    llm_config_file: Path = Path("config/llm_config.json")
    # The offline coach streams its answer word by word at this pace (seconds per word).
    coach_offline_word_delay: float = Field(default=0.02, ge=0, le=1)
    # The support desk (services/desk.py): a conversation held by an admin who has not answered the
    # seeker for this long returns to the AI; a request for a person not answered within
    # HUMAN_SLA_SECONDS alerts every online admin once; waiting times turn amber at half of it, red past it.
    takeover_idle_minutes: float = Field(default=10, gt=0, le=24 * 60)
    human_sla_seconds: int = Field(default=120, ge=5, le=24 * 3600)
    # How often the worker's scheduler looks for idle holders and missed SLAs.
    desk_sweep_seconds: float = Field(default=15, ge=0.5, le=600)
    # Auto-assignment: a request for a person goes at once to the online advisor holding the fewest
    # conversations, if one holds fewer than CHAT_ADMIN_CAPACITY; the sweep hands out what still waits.
    chat_auto_assign: bool = False
    chat_admin_capacity: int = Field(default=5, ge=1, le=100)
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    # local: the bundled model as int8 ONNX; torch: the same in fp32 (the fallback); openai: a server
    embeddings_backend: str = Field(default="local", pattern="^(local|torch|openai)$")
    # Where the int8 ONNX export of the bundled model is kept (unset: ~/.cache/career-copilot).
    embeddings_model_dir: Path | None = None
    openai_embedding_model: str = "text-embedding-3-small"
    # A job `processing` with no enrichment attempt started for this long may be retried by hand.
    enrich_stall_seconds: int = Field(default=180, ge=10, le=24 * 3600)
    reenrich_batch_size: int = Field(default=3, ge=1, le=100)
    reenrich_pause_seconds: float = Field(default=3.0, ge=0, le=600)
    search_cache_seconds: int = Field(default=120, ge=0)
    # Reference exchange rates for comparing salaries posted in different currencies (JSON: as_of, source,
    # base, rates in units per base). Unset: the table bundled in career_app/services/data/exchange_rates.json.
    exchange_rates_file: Path | None = None
    resume_url_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Email notifications, sent by a worker: smtp://user:password@host:port (STARTTLS when offered),
    # smtps://... for TLS from the start. Unset: no email is sent.
    smtp_url: str | None = None
    smtp_from: str = "Career Copilot <noreply@localhost>"
    # Importing a job from its URL refuses loopback/private/internal addresses; tests serving pages on
    # loopback turn this on. Never in production.
    import_allow_private_hosts: bool = False
    # Sign-in through OpenID Connect providers (services/oidc.py); a provider without a client id is not offered.
    google_client_id: str | None = None
    google_client_secret: str | None = None
    google_discovery_url: str = "https://accounts.google.com/.well-known/openid-configuration"
    oidc_name: str = Field(default="Single sign-on", min_length=1, max_length=40)
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_discovery_url: str | None = None

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _valid_proxy_addresses(cls, value: str) -> str:
        _networks(value)  # a typo fails at startup, not at the first sign-in
        return value

    @field_validator("smtp_url")
    @classmethod
    def _valid_smtp_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465")
        parts.port  # noqa: B018 - a bad port fails at startup
        return value

    @property
    def trusted_proxies(self) -> list[IPv4Network | IPv6Network]:
        return _networks(self.forwarded_allow_ips)

    @cached_property
    def resolved_public_url(self) -> str:
        return (self.public_url or f"http://localhost:{self.port}").rstrip("/")

    @property
    def allowed_origins(self) -> list[str]:
        """Browser origins the websocket and CORS accept: the public URL (and its loopback aliases
        when it is a loopback one: localhost, 127.0.0.1 and [::1] are the same machine) plus CORS_ORIGINS."""
        extra = [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]
        return sorted({*loopback_aliases(self.resolved_public_url), *extra})


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def loopback_aliases(url: str) -> list[str]:
    """http://localhost:3000 -> the same origin under each loopback name; any other URL -> itself."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host not in ("localhost", "127.0.0.1", "::1"):
        return [url]
    port = f":{parts.port}" if parts.port else ""
    return [f"{parts.scheme}://{name}{port}" for name in LOOPBACK_HOSTS]


settings = Settings()
