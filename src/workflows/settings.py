"""Where data lives, chosen by environment variables (API.md, "Service").

``POSTLEDGER_DATABASE_URL``: ``sqlite:///PATH`` (default ``sqlite:///./data/postledger.db``) or
``postgresql://USER[:PASSWORD]@HOST:PORT/DB`` (optionally ``?schema=NAME``).
``POSTLEDGER_MODE``: ``demo`` (default with SQLite; development tokens accepted) or
``production``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from postledger.workflows.keys import SecuritySettings

DEFAULT_DATABASE_URL = "sqlite:///./data/postledger.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    mode: str = "demo"
    scheduler_daily_at: str | None = None  # "HH:MM" Asia/Shanghai; None: off
    # Keys and sign-in (API.md "Production mode"), read by src/workflows/keys.py.
    security: SecuritySettings = field(default_factory=SecuritySettings)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        url = env.get("POSTLEDGER_DATABASE_URL") or DEFAULT_DATABASE_URL
        default_mode = "demo" if url.startswith("sqlite") else "production"
        mode = env.get("POSTLEDGER_MODE") or default_mode
        if mode not in ("demo", "production"):
            raise ValueError(f"POSTLEDGER_MODE must be demo or production, got {mode!r}")
        daily = env.get("POSTLEDGER_SCHEDULER_DAILY_AT") or None
        return cls(database_url=url, mode=mode, scheduler_daily_at=daily,
                   security=SecuritySettings.from_env(env))

    @property
    def store(self) -> str:
        scheme = urlsplit(self.database_url).scheme
        if scheme == "sqlite":
            return "sqlite"
        if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
            return "postgresql"
        raise ValueError(f"POSTLEDGER_DATABASE_URL must be sqlite:/// or postgresql://, got {scheme}")

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def postgres_schema(self) -> str:
        query = parse_qs(urlsplit(self.database_url).query)
        return query.get("schema", [""])[0]

    def eventsourcing_env(self) -> dict[str, str]:
        """Settings for eventsourcing's own recorders (faster than going through SQLAlchemy)."""
        if self.store == "sqlite":
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.sqlite_path),
                "SQLITE_LOCK_TIMEOUT": "10",
            }
        parts = urlsplit(self.database_url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres",
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_SCHEMA": self.postgres_schema,
            # NOTES-eventsourcing.md: the default 0 waits forever for the table lock.
            "POSTGRES_LOCK_TIMEOUT": "10",
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
            "POSTGRES_CONNECT_TIMEOUT": "10",
        }

    def readmodel_url(self) -> str:
        """SQLAlchemy URL of the read models (a file of its own beside the SQLite event store)."""
        if self.store == "sqlite":
            path = self.sqlite_path
            read_path = path.with_name(f"{path.stem}-read{path.suffix or '.db'}")
            read_path.parent.mkdir(parents=True, exist_ok=True)
            return f"sqlite:///{read_path}"
        parts = urlsplit(self.database_url)
        return f"postgresql+psycopg://{parts.netloc}{parts.path}"
