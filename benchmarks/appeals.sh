#!/usr/bin/env bash
# Appeal submission throughput: POST /ru/appeals/new/ through gunicorn (2 workers) + PostgreSQL
# + Redis (cache, rate limits, broker) with wrk at 8 connections, and /healthz in the same run.
# Usage: bash benchmarks/appeals.sh [seconds, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
PORT=8766
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/pkop_bench}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/11}"
export DJANGO_IGNORE_DOTENV=true DJANGO_DEBUG=false DJANGO_SECURE_SSL_REDIRECT=false
export DJANGO_SECRET_KEY="bench-$(python3 -c 'import secrets; print(secrets.token_urlsafe(40))')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_LOG_LEVEL=WARNING
# The benchmark is one client: lift the per-IP limit that protects the public form.
export APPEALS_SUBMIT_RATE=100000000/h
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

db_name="${DATABASE_URL##*/}"
psql "${DATABASE_URL%/*}/postgres" -qAtc "select 1 from pg_database where datname='$db_name'" \
  | grep -q 1 || psql "${DATABASE_URL%/*}/postgres" -qc "create database $db_name"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py compilemessages --ignore=.venv -v0
redis-cli -u "$REDIS_URL" flushdb >/dev/null
before=$(psql "$DATABASE_URL" -qAtc "select count(*) from appeals_appeal")

.venv/bin/gunicorn pkop_portal.wsgi --bind "127.0.0.1:$PORT" --workers "${WORKERS:-2}" --log-level warning --logger-class pkop_portal.gunicorn_logging.PrivacyLogger &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

# One CSRF cookie and its form token, reused by every request (as a browser tab would).
jar=$(mktemp)
page=$(curl -fs -c "$jar" "http://127.0.0.1:$PORT/ru/appeals/new/")
token=$(printf '%s' "$page" | grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
cookie=$(awk '$6 == "csrftoken" {print $7}' "$jar")
consent_version=$(printf '%s' "$page" | grep -o 'name="consent_version" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"//')
category=$(psql "$DATABASE_URL" -qAtc "select id from appeals_category where slug='charity'")
# Each request is a newly filled form: its own one-time form_key (a resent key would return
# the first appeal instead of registering one), unique per run, wrk thread and request.
run=$(python3 -c 'import secrets; print(secrets.token_hex(4))')
lua=$(mktemp --suffix=.lua)
cat > "$lua" <<LUA
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken=$cookie"
wrk.headers["Referer"] = "http://127.0.0.1:$PORT/ru/appeals/new/"
local body = "csrfmiddlewaretoken=$token&applicant_type=individual&full_name=Bench+Applicant&iin=870101300009&address=Shymkent&email=bench%40example.kz&preferred_contact=email&kind=statement&category=$category&subject=Benchmark&text=Load+test+appeal&consent=on&consent_version=$consent_version&website="
local sent = 0
function request()
  sent = sent + 1
  local key = string.format("bench$run%02dx%012d", id or 0, sent)
  return wrk.format(nil, nil, nil, body .. "&form_key=" .. key)
end
LUA

echo "gunicorn ${WORKERS:-2} sync workers, PostgreSQL, Redis; wrk -t2 -c8 -d${DURATION}s; $(nproc) cores"
echo "== POST /ru/appeals/new/"
wrk -t2 -c8 -d"${DURATION}s" --latency -s "$lua" "http://127.0.0.1:$PORT/ru/appeals/new/" \
  | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors" || true
after=$(psql "$DATABASE_URL" -qAtc "select count(*) from appeals_appeal")
echo "appeals registered during the run: $((after - before))"
echo "== GET /healthz"
wrk -t2 -c8 -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/healthz" \
  | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors" || true
rm -f "$jar" "$lua"
