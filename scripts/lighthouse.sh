#!/usr/bin/env bash
# Lighthouse 12 (mobile, its default simulated throttling) on the public pages, served as in
# production: gunicorn with PORTAL_ENV=production and Redis, over the database of `make setup`
# (or DATABASE_URL). Prints the four category scores and the main timings of each page.
#
#   bash scripts/lighthouse.sh                  # the home, list, dossier and record pages
#   bash scripts/lighthouse.sh /map/ /en/map/   # or the pages named
#
# Needs Node.js with npm (Lighthouse is fetched by npx) and Chromium (CHROME_PATH, by default
# /usr/bin/chromium). Run it on a quiet machine: the performance score follows the load.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-8077}
OUT=${OUT:-artifacts/lighthouse}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
export PORTAL_ENV=production
export SECRET_KEY=${SECRET_KEY:-lighthouse-only-$(date +%s)-not-a-secret-of-any-site}
export ALLOWED_HOSTS=127.0.0.1
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/13}
# Plain HTTP on this machine, with no proxy in front to say the request came over HTTPS.
export SECURE_SSL_REDIRECT=false
export LOG_LEVEL=WARNING

if [ $# -eq 0 ]; then
  set -- / /en/ /events/ /en/organizations/ /regions/tatarstan/atyrauskaya-oblast/ \
    /en/regions/tatarstan/KZ/ /events/kazanforum-2025/ /en/people/rustam-minnikhanov/
fi

.venv/bin/python manage.py collectstatic --noinput --verbosity 0
.venv/bin/gunicorn -c gunicorn.conf.py portal.wsgi --bind "127.0.0.1:$PORT" &
SERVER=$!
trap 'kill $SERVER' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/health/" >/dev/null && break; sleep 0.2; done

mkdir -p "$OUT"
for path in "$@"; do
  url="http://127.0.0.1:$PORT$path"
  report="$OUT/$(echo "$path" | tr -c 'a-zA-Z0-9\n' '_').json"
  curl -sf -o /dev/null "$url"  # as a visitor after the first: the page is kept
  npx --yes lighthouse@12 "$url" --quiet --output=json --output-path="$report" \
    --chrome-flags="--headless=new --no-sandbox" >/dev/null
  .venv/bin/python - "$report" "$path" <<'PY'
import json
import sys

report = json.load(open(sys.argv[1]))
scores = " ".join(
    f"{category['title']} {round(category['score'] * 100)}"
    for category in report["categories"].values()
)
timings = ", ".join(
    f"{name} {report['audits'][audit]['displayValue']}"
    for name, audit in [
        ("LCP", "largest-contentful-paint"),
        ("TBT", "total-blocking-time"),
        ("CLS", "cumulative-layout-shift"),
    ]
)
print(f"{sys.argv[2]:<45} {scores}; {timings}")
PY
done
