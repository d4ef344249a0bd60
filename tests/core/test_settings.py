"""Settings come from the environment: embedded defaults, production parts, loud failures."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}


def run_settings(env: dict, expression: str) -> subprocess.CompletedProcess:
    code = (
        "import sys; sys.path[:0] = ['platform', '.']\n"
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n"
        "from django.conf import settings\n"
        f"print({expression})"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=BASE_ENV | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_embedded_default_is_sqlite_and_in_memory_layer():
    result = run_settings(
        {"DEMO_MODE": "1"},
        "settings.DATABASES['default']['ENGINE'], settings.CHANNEL_LAYERS['default']['BACKEND'], settings.EMAIL_BACKEND",
    )
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout
    assert "InMemoryChannelLayer" in result.stdout
    assert "console" in result.stdout


def test_production_urls_switch_to_postgres_and_redis_pubsub():
    result = run_settings(
        {
            "SECRET_KEY": "x" * 60,
            "DATABASE_URL": "postgres://u:p@db.internal:5432/care",
            "REDIS_URL": "redis://cache.internal:6379/1",
            "ALLOWED_HOSTS": "care.example.org",
        },
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['HOST'], "
        "settings.CHANNEL_LAYERS['default']['BACKEND'], settings.SESSION_COOKIE_SECURE, settings.ALLOWED_HOSTS",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "django.db.backends.postgresql" in out and "db.internal" in out
    assert "channels_redis.pubsub.RedisPubSubChannelLayer" in out
    assert "True" in out and "care.example.org" in out


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY must be set"),
        (
            {"SECRET_KEY": "x" * 60, "DATABASE_URL": "mysql://u@h/db"},
            "DATABASE_URL must be a postgres",
        ),
        ({"SECRET_KEY": "x" * 60, "REDIS_URL": "http://nope"}, "REDIS_URL must start with"),
        ({"DEBUG": "perhaps"}, "DEBUG must be a boolean"),
        (
            {"DEMO_MODE": "1", "LOGIN_FAILURE_LIMIT": "many"},
            "LOGIN_FAILURE_LIMIT must be a whole number",
        ),
        ({"DEMO_MODE": "1", "DEFAULT_COUNTRY": "XX"}, "DEFAULT_COUNTRY must be one of"),
    ],
)
def test_bad_configuration_fails_loudly_naming_the_variable(env, message):
    result = run_settings(env | {"TESTING": "0"}, "settings.DEBUG")
    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_is_clean_with_production_variables():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=BASE_ENV
        | {
            "SECRET_KEY": "k" * 30 + "Z9!q" * 10,
            "ALLOWED_HOSTS": "care.example.org",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "TESTING": "0",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_manage_py_names_the_missing_variable_instead_of_a_django_traceback():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=BASE_ENV,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Configuration error: SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr
