"""Bench-only settings: the product's settings plus a URLconf that also mounts the bare views.

Used only by the benchmark processes (``DJANGO_SETTINGS_MODULE=bench.settings``); the product
never sees the bare views.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ASGI_APPLICATION = "bench.asgi.application"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405 - quiet servers under load
# E-mail stays in memory: the reminders scenario measures the platform, not a mail server.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
