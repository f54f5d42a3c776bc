#!/usr/bin/env bash
# The PRODUCTION configuration (config.settings.prod) run for real on loopback: a fresh PostgreSQL
# database, a dedicated Redis database (Huey's queue, the cache and the sessions' cached copies),
# generated secrets, gunicorn and the Huey consumer.
# Shared by scripts/prod-smoke and bench/bench_load.py.
#
# As a library:   source scripts/prod-stack.sh
#                 prod_stack_init NAME REDIS_DB    # state in var/prod-NAME/, database hiqc_prod_NAME
#                 prod_stack_fresh                 # secrets, empty database, flushed Redis DB
#                 prod_stack_prepare               # migrate, collectstatic, check --deploy
#                 prod_stack_start [WORKERS]       # gunicorn (2 workers) + run_huey, waits /healthz
#                 prod_stack_stop                  # stops both, drops the database, flushes Redis
# As a command:   scripts/prod-stack.sh up NAME [REDIS_DB] [WORKERS]   (fresh + prepare + start)
#                 scripts/prod-stack.sh down NAME
# `up` leaves the stack running and writes var/prod-NAME/env (secrets, DATABASE_URL, PS_URL …,
# mode 600): `source` it to run manage.py against the stack. `down` undoes everything `up` did.
#
# Runs only what it started (pids in var/prod-NAME/*.pid), never by process name.

PS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PS_PY="$PS_ROOT/.venv/bin/python"
PS_PG_HOST=127.0.0.1
PS_PG_PORT=5432
PS_PG_USER=postgres
PS_REDIS_HOST=127.0.0.1
PS_REDIS_PORT=6379

ps_log() { echo "[prod-stack] $*" >&2; }

ps_psql() {
  PGOPTIONS="-c client_min_messages=warning" \
    psql -h "$PS_PG_HOST" -p "$PS_PG_PORT" -U "$PS_PG_USER" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

# Empties the stack's Redis database (with the redis client of the virtualenv: no redis-cli needed).
ps_redis_flush() {
  "$PS_PY" -c 'import sys, redis; redis.Redis.from_url(sys.argv[1], socket_timeout=5).flushdb()' \
    "redis://$PS_REDIS_HOST:$PS_REDIS_PORT/$PS_REDIS_DB"
}

ps_manage() { (cd "$PS_ROOT" && "$PS_PY" manage.py "$@"); }

# NAME picks the state directory, the database and the log files; REDIS_DB the Redis database.
prod_stack_init() {
  PS_NAME="${1:?prod_stack_init NAME REDIS_DB}"
  PS_REDIS_DB="${2:?prod_stack_init NAME REDIS_DB}"
  PS_DIR="$PS_ROOT/var/prod-$PS_NAME"
  PS_DB="hiqc_prod_${PS_NAME//-/_}"
  PS_ENV_FILE="$PS_DIR/env"
  mkdir -p "$PS_DIR"
}

# Secrets and settings for this run, exported and written to $PS_ENV_FILE (mode 600).
prod_stack_env_write() {
  local secret keys
  secret="$("$PS_PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
  keys="$("$PS_PY" -c 'import base64, json, os
b = lambda: base64.b64encode(os.urandom(32)).decode()
print(json.dumps({"current": "k1", "keys": {"k1": b()}, "hash_key": b()}))')"
  (
    umask 077
    {
      echo "# prod-stack $PS_NAME: generated $(date -u +%FT%TZ); removed by prod_stack_stop"
      printf 'export %s=%q\n' \
        DJANGO_SETTINGS_MODULE config.settings.prod \
        DATABASE_URL "postgres://$PS_PG_USER@$PS_PG_HOST:$PS_PG_PORT/$PS_DB" \
        REDIS_URL "redis://$PS_REDIS_HOST:$PS_REDIS_PORT/$PS_REDIS_DB" \
        HIQC_CACHE_URL "redis://$PS_REDIS_HOST:$PS_REDIS_PORT/$PS_REDIS_DB" \
        HIQC_SECRET_KEY "$secret" \
        HIQC_FIELD_KEYS "$keys" \
        HIQC_KEY_FILE "$PS_DIR/no-key-file.json" \
        HIQC_SSL_REDIRECT 0 \
        HIQC_ALLOWED_HOSTS "127.0.0.1,localhost" \
        PS_NAME "$PS_NAME" PS_REDIS_DB "$PS_REDIS_DB" PS_DB "$PS_DB" PS_DIR "$PS_DIR"
    } >"$PS_ENV_FILE"
  )
  # shellcheck disable=SC1090
  source "$PS_ENV_FILE"
}

prod_stack_env_load() {
  [[ -f "$PS_ENV_FILE" ]] || { ps_log "no $PS_ENV_FILE: is the stack up?"; return 1; }
  # shellcheck disable=SC1090
  source "$PS_ENV_FILE"
}

# Fresh secrets, an empty database and an empty Redis database.
prod_stack_fresh() {
  prod_stack_env_write
  ps_psql -c "DROP DATABASE IF EXISTS $PS_DB WITH (FORCE)" -c "CREATE DATABASE $PS_DB" ||
    { ps_log "FAIL: no PostgreSQL at $PS_PG_USER@$PS_PG_HOST:$PS_PG_PORT"; return 1; }
  ps_redis_flush 2>/dev/null ||
    { ps_log "FAIL: no Redis at $PS_REDIS_HOST:$PS_REDIS_PORT (database $PS_REDIS_DB)"; return 1; }
  ps_log "fresh database $PS_DB, Redis DB $PS_REDIS_DB flushed, secrets in ${PS_ENV_FILE#"$PS_ROOT"/}"
}

# migrate, collectstatic, and `check --deploy` that must be clean (warnings included).
prod_stack_prepare() {
  ps_log "migrate"
  ps_manage migrate --noinput -v 0
  if [[ ! -f "$PS_ROOT/static/vendor/htmx.min.js" ]]; then
    ps_log "static/vendor is empty: make vendor"
    make -C "$PS_ROOT" -s vendor
  fi
  ps_log "collectstatic"
  ps_manage collectstatic --noinput -v 0
  # On loopback the HTTPS redirect is off (HIQC_SSL_REDIRECT=0: plain HTTP, no proxy), which
  # check --deploy rightly reports (security.W008); the check runs with the value a deployment has.
  ps_log "check --deploy --fail-level WARNING (HIQC_SSL_REDIRECT=1 as deployed)"
  HIQC_SSL_REDIRECT=1 ps_manage check --deploy --fail-level WARNING
}

ps_free_port() {
  "$PS_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ps_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# gunicorn (WORKERS, default 2) on a free loopback port and one Huey consumer; waits for /healthz.
# GUNICORN_ACCESS_LOG=0 leaves out the access log (the load benchmark). No control socket: it
# would be ~/.gunicorn/gunicorn.ctl, shared by every gunicorn of the user.
prod_stack_start() {
  local workers="${1:-2}" port i
  port="$(ps_free_port)"
  local access=(--access-logfile "$PS_DIR/gunicorn-access.log")
  [[ "${GUNICORN_ACCESS_LOG:-1}" == 0 ]] && access=()
  (
    cd "$PS_ROOT"
    exec "$PS_ROOT/.venv/bin/gunicorn" config.wsgi -w "$workers" -b "127.0.0.1:$port" \
      --no-control-socket --error-logfile - "${access[@]}" --capture-output </dev/null >"$PS_DIR/gunicorn.log" 2>&1
  ) &
  echo $! >"$PS_DIR/gunicorn.pid"
  (
    cd "$PS_ROOT"
    exec "$PS_PY" manage.py run_huey </dev/null >"$PS_DIR/huey.log" 2>&1
  ) &
  echo $! >"$PS_DIR/huey.pid"
  {
    printf 'export %s=%q\n' PS_PORT "$port" PS_URL "http://127.0.0.1:$port" \
      PS_WORKERS "$workers"
  } >>"$PS_ENV_FILE"
  export PS_PORT="$port" PS_URL="http://127.0.0.1:$port" PS_WORKERS="$workers"
  ps_log "gunicorn ($workers workers, pid $(cat "$PS_DIR/gunicorn.pid")) on $PS_URL," \
    "run_huey pid $(cat "$PS_DIR/huey.pid"); logs in ${PS_DIR#"$PS_ROOT"/}/"
  for i in $(seq 1 60); do
    if ! ps_alive "$PS_DIR/gunicorn.pid"; then ps_log "gunicorn exited"; return 1; fi
    if ! ps_alive "$PS_DIR/huey.pid"; then ps_log "run_huey exited"; return 1; fi
    if curl -fsS -o /dev/null --max-time 2 "$PS_URL/healthz" 2>/dev/null; then
      ps_log "/healthz answers 200 after ${i}s"
      return 0
    fi
    sleep 1
  done
  ps_log "/healthz did not answer 200 within 60 s"
  return 1
}

ps_kill() {  # pidfile label: TERM, wait up to 20 s, then KILL
  local pidfile="$1" label="$2" pid i
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      ps_log "$label (pid $pid) still running after 20 s: KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    ps_log "stopped $label (pid $pid)"
  fi
  rm -f "$pidfile"
}

# Stops what prod_stack_start started, drops the database, flushes the Redis DB, removes the
# secrets. Safe to call more than once and after a partial start.
prod_stack_stop() {
  [[ -n "${PS_DIR:-}" ]] || return 0
  ps_kill "$PS_DIR/gunicorn.pid" gunicorn
  ps_kill "$PS_DIR/huey.pid" run_huey
  ps_psql -c "DROP DATABASE IF EXISTS $PS_DB WITH (FORCE)" || ps_log "could not drop $PS_DB"
  ps_redis_flush || ps_log "could not flush Redis DB $PS_REDIS_DB"
  rm -f "$PS_ENV_FILE"
  ps_log "dropped $PS_DB, flushed Redis DB $PS_REDIS_DB, removed the secrets"
}

prod_stack_logs_tail() {
  local f
  for f in "$PS_DIR"/gunicorn.log "$PS_DIR"/huey.log; do
    [[ -f "$f" ]] || continue
    echo "----- tail -n ${1:-40} ${f#"$PS_ROOT"/} -----" >&2
    tail -n "${1:-40}" "$f" >&2
  done
}

ps_main() {
  set -euo pipefail
  local cmd="${1:-}" name="${2:-}"
  case "$cmd" in
    up)
      [[ -n "$name" ]] || { echo "usage: $0 up NAME [REDIS_DB] [WORKERS]" >&2; return 2; }
      prod_stack_init "$name" "${3:-8}"
      if ps_alive "$PS_DIR/gunicorn.pid" || ps_alive "$PS_DIR/huey.pid"; then
        ps_log "$PS_NAME is already running: $0 down $name first"
        return 1
      fi
      trap 'rc=$?; if [[ $rc -ne 0 ]]; then prod_stack_logs_tail; prod_stack_stop; fi' EXIT
      prod_stack_fresh
      prod_stack_prepare
      prod_stack_start "${4:-2}"
      trap - EXIT
      echo "$PS_ENV_FILE"
      ;;
    down)
      [[ -n "$name" ]] || { echo "usage: $0 down NAME" >&2; return 2; }
      prod_stack_init "$name" 0
      if [[ -f "$PS_ENV_FILE" ]]; then
        prod_stack_env_load
        prod_stack_stop
      else
        ps_log "no ${PS_ENV_FILE#"$PS_ROOT"/}: stopping what the pid files name, dropping $PS_DB"
        ps_kill "$PS_DIR/gunicorn.pid" gunicorn
        ps_kill "$PS_DIR/huey.pid" run_huey
        ps_psql -c "DROP DATABASE IF EXISTS $PS_DB WITH (FORCE)"
      fi
      ;;
    *)
      echo "usage: $0 up NAME [REDIS_DB] [WORKERS] | down NAME" >&2
      return 2
      ;;
  esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  ps_main "$@"
fi
