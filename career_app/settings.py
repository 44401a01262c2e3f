"""The one settings object: environment variables and an optional .env file."""

from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    data_dir: Path = Path(".data")
    database_url: str | None = None
    redis_url: str | None = None
    rq_redis_db: int = 1

    port: int = 3000
    public_url: str | None = None
    cors_origins: str = ""
    web_workers: int = 2

    jwt_secret: str | None = None
    access_token_minutes: int = Field(default=720, ge=5, le=60 * 24 * 30)
    cookie_secure: bool = False

    login_max_failures_per_account: int = 5
    login_max_failures_per_address: int = 30
    login_lockout_seconds: int = 900

    log_level: str = "INFO"

    # Matching: a calibrated similarity_score under this flags a skill gap.
    match_gap_threshold: float = Field(default=0.7, ge=0, le=1)
    # AI: with no OPENAI_API_KEY (and no key named in the LLM config file) the offline generator is used.
    llm_config_file: Path = Path("config/llm_config.json")
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    embeddings_backend: str = Field(default="local", pattern="^(local|openai)$")
    openai_embedding_model: str = "text-embedding-3-small"
    # A job `processing` with no enrichment attempt started for this long may be retried by hand.
    enrich_stall_seconds: int = Field(default=180, ge=10, le=24 * 3600)
    reenrich_batch_size: int = Field(default=3, ge=1, le=100)
    reenrich_pause_seconds: float = Field(default=3.0, ge=0, le=600)
    search_cache_seconds: int = Field(default=120, ge=0)
    resume_url_minutes: int = Field(default=15, ge=1, le=24 * 60)

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
