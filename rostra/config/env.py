"""The one place Rostra reads its process environment (ROSTRA_* variables) for Django settings."""

import os
import secrets
from pathlib import Path

import dj_database_url

DEFAULT_DATABASE_URL = "sqlite:///var/rostra.sqlite3"


def var_dir() -> Path:
    """Where Rostra keeps its local state (SQLite database, secret key, collected static files)."""
    return Path(os.environ.get("ROSTRA_VAR_DIR", "var"))


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def secret_key() -> str:
    """ROSTRA_SECRET_KEY, or a key generated once and kept in var/secret_key (never committed)."""
    key = os.environ.get("ROSTRA_SECRET_KEY")
    if key:
        return key
    path = var_dir() / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        # O_EXCL: two processes starting at once agree on the first key written.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as f:
            f.write(key)
        return key


def database() -> dict:
    url = os.environ.get("ROSTRA_DATABASE_URL") or DEFAULT_DATABASE_URL
    # Connections outlive a request: opening one (and reading the schema) costs more than most
    # requests do. Each server thread keeps its own for up to ten minutes.
    config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name = config["NAME"]
        if name and name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {
            # Writers queue for the lock up front instead of failing half-way through a transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    return config


def allowed_hosts() -> list[str]:
    value = os.environ.get("ROSTRA_ALLOWED_HOSTS", "")
    hosts = [h.strip() for h in value.split(",") if h.strip()]
    return hosts or ["127.0.0.1", "localhost", "[::1]"]


def csrf_trusted_origins() -> list[str]:
    value = os.environ.get("ROSTRA_CSRF_TRUSTED_ORIGINS", "")
    return [o.strip() for o in value.split(",") if o.strip()]
