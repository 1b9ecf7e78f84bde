#!/bin/sh
# The image's four commands. Each one `exec`s, so the process ECS or Docker signals is the
# server itself: SIGTERM reaches gunicorn (graceful) and Celery (warm shutdown) directly.
set -eu
: "${SMART360_SERVICE:?SMART360_SERVICE is not set}"
command="${1:-web}"
[ "$#" -gt 0 ] && shift

case "$command" in
  web)
    exec gunicorn smart360.django.wsgi:application \
      --bind "0.0.0.0:${PORT:-8000}" \
      --workers "${GUNICORN_WORKERS:-2}" \
      --threads "${GUNICORN_THREADS:-4}" \
      --worker-class gthread \
      --timeout "${GUNICORN_TIMEOUT:-30}" \
      --graceful-timeout "${GUNICORN_GRACEFUL_TIMEOUT:-25}" \
      --keep-alive "${GUNICORN_KEEPALIVE:-75}" \
      --worker-tmp-dir /dev/shm \
      --no-control-socket \
      --access-logfile - \
      "$@"
    ;;
  worker)
    exec celery -A smart360.celery.app worker \
      -Q "${CELERY_QUEUES:-$SMART360_SERVICE}" \
      -n "${SMART360_SERVICE}@%h" \
      --concurrency "${CELERY_CONCURRENCY:-2}" \
      --without-mingle --without-gossip \
      --loglevel "${SMART360_LOG_LEVEL:-INFO}" \
      "$@"
    ;;
  beat)
    # RedBeat keeps the schedule in Redis; -s only stops a schedule file landing in /app.
    exec celery -A smart360.celery.app beat \
      --loglevel "${SMART360_LOG_LEVEL:-INFO}" \
      -s /tmp/celerybeat-schedule \
      "$@"
    ;;
  migrate)
    exec django-admin migrate --noinput "$@"
    ;;
  *)
    # Anything else runs as given (e.g. `python -m smart360.mail.server`, `django-admin shell`).
    exec "$command" "$@"
    ;;
esac
