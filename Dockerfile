# Production image: Daphne serving HTTP and websockets. Configuration comes from the environment.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app/platform:/app \
    DJANGO_SETTINGS_MODULE=config.settings \
    VAR_DIR=/var/lib/care

WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
RUN pip install --no-cache-dir . \
 && useradd --system --home /var/lib/care care \
 && mkdir -p /var/lib/care/static /var/lib/care/media /var/lib/care/attachments \
 && SECRET_KEY=build-only python manage.py collectstatic --noinput \
 && chown -R care /var/lib/care \
 && chmod 700 /var/lib/care/attachments

USER care
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
CMD ["sh", "-c", "python manage.py migrate --noinput && exec daphne -b 0.0.0.0 -p 8000 --proxy-headers config.asgi:application"]
