"""Read settings from the environment, failing loudly on a bad value.

Every helper raises ``ImproperlyConfigured`` with a message that names the variable, so that
a typo in a deployment stops the process at start-up instead of surfacing later.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, default: str | None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value.strip()


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = _raw(name, default)
    if required and not value:
        raise ImproperlyConfigured(f"The environment variable {name} is required and is empty or unset.")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name, None)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name, None)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below its minimum of {minimum}.")
    return number


def env_float(name: str, default: float) -> float:
    value = _raw(name, None)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
    if number < 0:
        raise ImproperlyConfigured(f"{name}={number} cannot be negative.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name, None)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}={value!r} has an empty item: separate values with single commas.")
    return items


def env_time_zone(name: str, default: str) -> str:
    value = _raw(name, default) or default
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"{name}={value!r} is not a known IANA time zone (e.g. America/Toronto).") from None
    return value


def env_fernet_key(name: str) -> str:
    value = _raw(name, "") or ""
    if value:
        from cryptography.fernet import Fernet

        try:
            Fernet(value)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} is not a valid Fernet key: generate one with "
                "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'."
            ) from None
    return value


def database_from_url(name: str, default: str, *, base_dir: Path) -> dict:
    """Turn ``sqlite:///path`` or ``postgres://user:password@host:port/name`` into a DATABASES entry.

    SQLite runs in WAL mode with a busy timeout and immediate transactions, so that the web
    server and the worker can write the same file without "database is locked" errors.
    """
    url = _raw(name, None) or default
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if not path.strip("/"):
            raise ImproperlyConfigured(f"{name}={url!r} names no SQLite file (write sqlite:///db.sqlite3).")
        # sqlite:///relative/file is under the project folder; sqlite:////absolute/file is not.
        file = Path("/" + path.lstrip("/")) if url.startswith("sqlite:////") else base_dir / path.lstrip("/")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(file),
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            # A file (not memory) so that the worker processes the tests start can open it; one per
            # test run, so that two runs on one machine do not share it.
            "TEST": {"NAME": str(file.with_name(f"test_{os.getpid()}_{file.name}"))},
        }
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        database = unquote(parts.path.lstrip("/"))
        if not database or not parts.hostname:
            raise ImproperlyConfigured(
                f"{name}={url!r} must name a host and a database: postgres://user:password@host:5432/name."
            )
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name}={url!r} has a port that is not a number.") from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname,
            "PORT": str(port or ""),
            "CONN_MAX_AGE": int(options.pop("conn_max_age", 60)),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"{name}={url!r} has an unsupported scheme {parts.scheme!r}: use sqlite:///file or postgres://…"
    )


def redis_url(name: str) -> str | None:
    url = _raw(name, None)
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss", "unix"} or not (parts.hostname or parts.path):
        raise ImproperlyConfigured(f"{name}={url!r} is not a Redis URL (write redis://host:6379/0).")
    return url
