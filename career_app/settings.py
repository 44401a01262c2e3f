"""The one settings object: environment variables and an optional .env file."""

from functools import cached_property
from pathlib import Path

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

    @cached_property
    def resolved_public_url(self) -> str:
        return (self.public_url or f"http://localhost:{self.port}").rstrip("/")

    @property
    def allowed_origins(self) -> list[str]:
        extra = [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]
        return sorted({self.resolved_public_url, *extra})


settings = Settings()
