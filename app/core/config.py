"""All settings in one place, read from ``BASELTRACK_*`` environment variables."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BASELTRACK_", env_file=".env", extra="ignore")

    #: SQLAlchemy URL. The embedded default is a SQLite file under ``var/``;
    #: point it at PostgreSQL (``postgresql+psycopg://...``) for production.
    database_url: str = "sqlite:///var/baseltrack.db"
    #: Folder holding the issuing authorities' signing keys (private keys never leave it).
    key_dir: Path = Path("var/keys")
    #: Load the demo organisations, authorities and accounts on ``baseltrack serve``.
    demo_data: bool = True
    host: str = "127.0.0.1"
    port: int = 8000
    #: Public base URL used in problem ``type`` links and QR verification hints.
    public_url: str = "http://127.0.0.1:8000"
    #: Allow webhook/customs targets on private or loopback addresses (tests need it).
    allow_private_targets: bool = False
    #: Outbox delivery: attempts before a message is parked, backoff base and cap in seconds.
    outbox_max_attempts: int = 8
    outbox_backoff_base: float = 2.0
    outbox_backoff_cap: float = 600.0
    #: Timeout of one delivery attempt (customs systems and webhooks), seconds.
    delivery_timeout: float = 5.0


@lru_cache
def get_settings() -> Settings:
    return Settings()
