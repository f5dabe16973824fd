#!/usr/bin/env bash
# Public pages through gunicorn + PostgreSQL with wrk: requests/s and latency percentiles.
# Usage: bash benchmarks/pages.sh [seconds per URL, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-15}"
PORT=8765
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/pkop_bench}"
export DJANGO_IGNORE_DOTENV=true DJANGO_DEBUG=false DJANGO_SECURE_SSL_REDIRECT=false
export DJANGO_SECRET_KEY="bench-$(python3 -c 'import secrets; print(secrets.token_urlsafe(40))')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_LOG_LEVEL=WARNING
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

db_name="${DATABASE_URL##*/}"
psql "${DATABASE_URL%/*}/postgres" -qAtc "select 1 from pg_database where datname='$db_name'" \
  | grep -q 1 || psql "${DATABASE_URL%/*}/postgres" -qc "create database $db_name"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py compilemessages --ignore=.venv -v0

.venv/bin/gunicorn pkop_portal.wsgi --bind "127.0.0.1:$PORT" --workers 4 --log-level warning --logger-class pkop_portal.gunicorn_logging.PrivacyLogger &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

echo "gunicorn 4 workers, PostgreSQL, wrk -t2 -c32 -d${DURATION}s, $(nproc) cores"
for path in /ru/ /en/procedure/ /kk/contacts/ /healthz; do
  echo "== $path"
  wrk -t2 -c32 -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$path" \
    | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors" || true
done
