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


def test_workers_and_a_scheduler_run_the_background_jobs_against_the_same_database():
    web = compose["services"]["web"]
    for name in ("worker", "scheduler"):
        service = compose["services"][name]
        assert service["build"] == web["build"] == "."
        assert service["depends_on"]["web"]["condition"] == "service_healthy", "after migrations"
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        env = service["environment"]
        assert set(env) <= variables_read, set(env) - variables_read
        for var in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "EMAIL_HOST", "DEFAULT_FROM_EMAIL"):
            assert env[var] == web["environment"][var], var
        for var in ("SITE_URL", "MESSAGE_NOTIFY_DELAY_SECONDS", "WEB_PUSH_VAPID_PRIVATE_KEY"):
            assert var in env and var in variables_read, var
        assert env["WEB_PUSH_VAPID_PRIVATE_KEY"] == web["environment"]["WEB_PUSH_VAPID_PRIVATE_KEY"]
        assert service["healthcheck"]["disable"] is True
        assert "ports" not in service
        assert service["restart"] == "unless-stopped"


def test_the_jobs_run_on_the_task_engine_not_a_shell_loop():
    worker = compose["services"]["worker"]["command"]
    scheduler = compose["services"]["scheduler"]["command"]
    assert worker[:3] == ["python", "manage.py", "db_worker"] and "--no-reload" in worker
    assert worker[worker.index("--queue-name") + 1] == "*"
    assert scheduler == ["python", "manage.py", "scheduler"]
    text = (ROOT / "docker-compose.yml").read_text()
    assert "while true" not in text and "sleep" not in text
