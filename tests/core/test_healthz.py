import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_healthz_reports_database_and_channel_layer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "channel_layer": "ok"},
        "background_jobs": "not started",
    }
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_says_degraded_when_the_channel_layer_is_unreachable(client):
    from channels.layers import channel_layers

    broken = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    with override_settings(CHANNEL_LAYERS=broken):
        channel_layers.backends.clear()
        try:
            response = client.get("/healthz")
        finally:
            channel_layers.backends.clear()
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "channel_layer": "failing"}


def test_healthz_says_whether_the_background_jobs_keep_time(client, db):
    from datetime import timedelta

    from django.utils import timezone

    from jobs import scheduler
    from jobs.models import ScheduleFiring

    assert client.get("/healthz").json()["background_jobs"] == "not started"
    from django_tasks_db.models import DBTaskResult

    scheduler.tick()
    assert client.get("/healthz").json()["background_jobs"] == "ok"  # just enqueued
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=6))
    assert client.get("/healthz").json()["background_jobs"] == "late"  # no worker took them
    DBTaskResult.objects.update(status="SUCCESSFUL")
    assert client.get("/healthz").json()["background_jobs"] == "ok"
    ScheduleFiring.objects.update(fired_at=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz")
    assert response.json()["background_jobs"] == "late" and response.status_code == 200
