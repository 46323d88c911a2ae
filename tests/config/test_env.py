"""Settings from the environment: good values parse, bad ones stop start-up naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

BASE = Path("/srv/vitrine")


@pytest.fixture
def environ(monkeypatch):
    def set_(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_


class TestDatabaseUrl:
    def test_the_default_is_sqlite_in_wal_mode_under_the_project(self):
        database = env.database_from_url("VITRINE_TEST_DB", "sqlite:///db.sqlite3", base_dir=BASE)
        assert database["ENGINE"] == "django.db.backends.sqlite3"
        assert database["NAME"] == "/srv/vitrine/db.sqlite3"
        assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
        assert database["OPTIONS"]["timeout"] > 0

    def test_an_absolute_sqlite_path(self, environ):
        environ(VITRINE_TEST_DB="sqlite:////var/lib/vitrine/db.sqlite3")
        assert env.database_from_url("VITRINE_TEST_DB", "", base_dir=BASE)["NAME"] == "/var/lib/vitrine/db.sqlite3"

    def test_postgresql(self, environ):
        environ(VITRINE_TEST_DB="postgres://vitrine:s%40cret@db.example:6543/vitrine?sslmode=require")
        database = env.database_from_url("VITRINE_TEST_DB", "", base_dir=BASE)
        assert database["ENGINE"] == "django.db.backends.postgresql"
        assert (database["USER"], database["PASSWORD"], database["HOST"], database["PORT"], database["NAME"]) == (
            "vitrine",
            "s@cret",
            "db.example",
            "6543",
            "vitrine",
        )
        assert database["OPTIONS"] == {"sslmode": "require"}

    @pytest.mark.parametrize(
        "url",
        [
            "mysql://root@localhost/test",
            "postgres://127.0.0.1:5432/",
            "postgres:///test",
            "postgres://h:port/x",
            "sqlite:///",
        ],
    )
    def test_a_bad_url_names_the_variable(self, environ, url):
        environ(VITRINE_TEST_DB=url)
        with pytest.raises(ImproperlyConfigured, match="VITRINE_TEST_DB"):
            env.database_from_url("VITRINE_TEST_DB", "", base_dir=BASE)


@pytest.mark.parametrize(
    ("helper", "value"),
    [
        (lambda: env.env_bool("VITRINE_TEST", False), "peut-être"),
        (lambda: env.env_int("VITRINE_TEST", 1), "deux"),
        (lambda: env.env_int("VITRINE_TEST", 1, minimum=1), "0"),
        (lambda: env.env_list("VITRINE_TEST", []), "a,,b"),
        (lambda: env.env_time_zone("VITRINE_TEST", "UTC"), "America/Montmagny"),
        (lambda: env.redis_url("VITRINE_TEST"), "http://127.0.0.1:6379"),
        (lambda: env.env_fernet_key("VITRINE_TEST"), "not-a-key"),
        (lambda: env.env_str("VITRINE_TEST", required=True), ""),
    ],
    ids=["bool", "int", "int-minimum", "list", "time-zone", "redis", "fernet", "required"],
)
def test_each_helper_names_the_variable_on_a_bad_value(environ, helper, value):
    environ(VITRINE_TEST=value)
    with pytest.raises(ImproperlyConfigured, match="VITRINE_TEST"):
        helper()


def test_good_values_parse(environ):
    environ(
        A="yes", B="42", C="vitrine.example, www.vitrine.example", D="America/Toronto", E="redis://127.0.0.1:6379/1"
    )
    assert env.env_bool("A", False) is True
    assert env.env_int("B", 0) == 42
    assert env.env_list("C", []) == ["vitrine.example", "www.vitrine.example"]
    assert env.env_time_zone("D", "UTC") == "America/Toronto"
    assert env.redis_url("E") == "redis://127.0.0.1:6379/1"


def _manage(*args, **environment) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=Path(__file__).resolve().parents[2],
        env={**clean, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_up_fails_naming_the_variable():
    result = _manage("check", DATABASE_URL="mysql://nope")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_refuses_the_development_secret_key():
    result = _manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_passes_with_production_variables():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="vitrine.ville.montmagny.qc.ca",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_embedded_mode_uses_the_orm_broker_and_production_redis(settings):
    from importlib import reload

    import config.settings as module

    assert "orm" in settings.Q_CLUSTER and "redis" not in settings.Q_CLUSTER
    assert settings.Q_CLUSTER["max_attempts"] == 1 and settings.Q_CLUSTER["ack_failures"] is True
    assert settings.Q_CLUSTER["retry"] > settings.Q_CLUSTER["timeout"]
    assert settings.LANGUAGE_CODE == "fr-ca" and settings.USE_TZ and settings.TIME_ZONE == "America/Toronto"
    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/3"
    try:
        reload(module)
        assert module.Q_CLUSTER["redis"] == "redis://127.0.0.1:6379/3" and "orm" not in module.Q_CLUSTER
        assert module.CACHES["default"]["LOCATION"] == "redis://127.0.0.1:6379/3"
    finally:
        del os.environ["REDIS_URL"]
        reload(module)
