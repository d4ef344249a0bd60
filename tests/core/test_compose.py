"""docker-compose.yml cannot run here (no Docker engine); this proves it agrees with the settings."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
settings_source = (ROOT / "platform" / "config" / "settings.py").read_text()
variables_read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings_source))


def test_it_has_postgres_redis_and_the_daphne_web_service_with_health_checks():
    services = compose["services"]
    assert set(services) >= {"db", "redis", "web"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for name in ("db", "redis", "web"):
        assert "healthcheck" in services[name], name
    assert services["web"]["build"] == "."
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["web"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_web_environment_uses_only_variables_the_settings_read_and_points_at_the_services():
    env = compose["services"]["web"]["environment"]
    assert set(env) <= variables_read, set(env) - variables_read
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"} <= set(env)
    db_url = env["DATABASE_URL"]
    assert db_url.startswith("postgres://") and "@db:5432/" in db_url
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    db_env = compose["services"]["db"]["environment"]
    assert db_url.endswith("/" + db_env["POSTGRES_DB"])
    assert db_url.startswith(f"postgres://{db_env['POSTGRES_USER']}:")
    assert "127.0.0.1" in env["ALLOWED_HOSTS"], "the container health check calls 127.0.0.1"


def test_ports_volumes_and_the_dockerfile_agree():
    web = compose["services"]["web"]
    assert "8000:8000" in web["ports"]
    declared = set(compose["volumes"])
    used = {v.split(":")[0] for s in compose["services"].values() for v in s.get("volumes", [])}
    assert used <= declared
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "EXPOSE 8000" in dockerfile
    assert "daphne" in dockerfile and "config.asgi:application" in dockerfile
    assert "PYTHONPATH=/app/platform:/app" in dockerfile


def test_env_example_documents_every_variable_the_settings_read():
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    test_only = {"TESTING", "REAL_PASSWORD_HASHING", "PYTEST_XDIST_WORKER"}
    assert variables_read - documented - test_only == set()


def test_a_scheduler_runs_the_alert_rules_in_a_loop_against_the_same_database():
    scheduler = compose["services"]["scheduler"]
    web = compose["services"]["web"]
    assert scheduler["build"] == web["build"] == "."
    command = " ".join(scheduler["command"])
    assert "manage.py run_alert_rules" in command and "while true" in command and "sleep" in command
    assert scheduler["depends_on"]["web"]["condition"] == "service_healthy", "after migrations"
    assert scheduler["depends_on"]["db"]["condition"] == "service_healthy"
    env = scheduler["environment"]
    assert set(env) <= variables_read, set(env) - variables_read
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "EMAIL_HOST", "DEFAULT_FROM_EMAIL"):
        assert env[name] == web["environment"][name], name
    assert scheduler["healthcheck"]["disable"] is True
    assert "ports" not in scheduler


def test_the_scheduler_also_sends_the_message_notifications_with_the_site_address():
    scheduler = compose["services"]["scheduler"]
    command = " ".join(scheduler["command"])
    assert "manage.py send_message_notifications" in command
    assert command.index("send_message_notifications") < command.index("sleep")
    env = scheduler["environment"]
    for name in ("SITE_URL", "MESSAGE_NOTIFY_DELAY_SECONDS", "MESSAGE_NOTIFY_MAX_WAIT_SECONDS"):
        assert name in env and name in variables_read, name
