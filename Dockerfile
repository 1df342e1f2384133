# The portal's image: the web server (gunicorn), the Celery worker and Celery beat run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    fonts-dejavu-core fonts-liberation2 gettext \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 1000 simportal

WORKDIR /app
COPY pyproject.toml README.md ./
COPY simportal ./simportal
COPY partnership ./partnership
COPY applications ./applications
COPY reviews ./reviews
RUN pip install .
COPY . .
RUN DEBUG=false SECRET_KEY=build-only-collectstatic ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input -v0 \
 && mkdir -p /app/var && chown -R simportal /app/var

USER simportal
EXPOSE 8000
CMD ["gunicorn", "simportal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
