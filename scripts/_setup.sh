# Shared set-up steps for scripts/run, scripts/test and scripts/bench. Source, don't run.
# Idempotent: each step checks whether it is already done.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root_install() {
  # Install Debian packages when missing and we are root; otherwise tell what is missing.
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing Debian packages: ${missing[*]} (install them, or run as root)" >&2
    return 1
  fi
}

setup_system() {
  # Pango and fonts for the monitor's PDF reports (WeasyPrint).
  as_root_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-dejavu-core "$@"
}

setup_java() {
  # Java 17 for Spark (the linkage test on Spark): Debian's runtime when it is missing, and
  # JAVA_HOME pointing at it unless set, whatever other Java is the default.
  local home
  home="/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)"
  if [ ! -x "$home/bin/java" ] && [ "$(id -u)" = "0" ]; then
    mkdir -p /usr/share/man/man1  # slim images lack it and the package's postinst needs it
  fi
  as_root_install openjdk-17-jre-headless
  export JAVA_HOME="${JAVA_HOME:-$home}"
}

setup_python() {
  local extras="${1:-}"
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtual environment in .venv"
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed${extras:+-$extras}"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    log "installing Python packages${extras:+ ($extras)}"
    "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/pip" install -q --disable-pip-version-check -e ".${extras:+[$extras]}"
    touch "$stamp"
  fi
}

setup_assets() {
  # NL Design System CSS and htmx from the npm registry, copied into our static files.
  if [ ! -d node_modules/@utrecht/component-library-css ] || [ package.json -nt node_modules/.stamp ]; then
    log "installing front-end packages (npm)"
    npm install --no-audit --no-fund --loglevel=error >/dev/null
    touch node_modules/.stamp
  fi
  local vendor="src/ketenzicht/static/vendor"
  mkdir -p "$vendor/utrecht" "$vendor/voorbeeld" "$vendor/htmx" "$vendor/axe"
  cp node_modules/@utrecht/component-library-css/dist/index.css "$vendor/utrecht/index.css"
  cp node_modules/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css "$vendor/voorbeeld/theme.css"
  cp node_modules/htmx.org/dist/htmx.min.js "$vendor/htmx/htmx.min.js"
  if [ -f node_modules/axe-core/axe.min.js ]; then cp node_modules/axe-core/axe.min.js "$vendor/axe/axe.min.js"; fi
}

setup_database() {
  log "migrating the database"
  "$VENV/bin/ketenzicht" migrate --no-input -v0
  "$VENV/bin/ketenzicht" collectstatic --no-input -v0
}

PGDIR=""
start_postgres() {
  # A throwaway PostgreSQL 15 cluster in a temporary folder, on loopback only. Pass
  # "durable" to keep fsync on (benchmarks); tests run with fsync off for speed.
  local bin=/usr/lib/postgresql/15/bin port fsync=off RUN=()
  [ "${1:-}" = "durable" ] && fsync=on
  PGDIR="$(mktemp -d /tmp/ketenzicht-pg-XXXXXX)"
  port=$(( 20000 + RANDOM % 20000 ))
  if [ "$(id -u)" = "0" ]; then
    chown postgres:postgres "$PGDIR"
    RUN=(runuser -u postgres --)
  fi
  "${RUN[@]}" "$bin/initdb" -D "$PGDIR" -A trust -U postgres -E UTF8 >/dev/null
  "${RUN[@]}" "$bin/pg_ctl" -D "$PGDIR" -l "$PGDIR/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PGDIR -c fsync=$fsync -c shared_buffers=1GB -c max_connections=200" \
    start >/dev/null
  export KETENZICHT_DATABASE_URL="postgres://postgres@127.0.0.1:$port/ketenzicht"
  "${RUN[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres ketenzicht
}

stop_postgres() {
  [ -n "$PGDIR" ] || return 0
  if [ -f "$PGDIR/postmaster.pid" ]; then
    if [ "$(id -u)" = "0" ]; then
      runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$PGDIR" -m fast stop >/dev/null 2>&1 || true
    else
      /usr/lib/postgresql/15/bin/pg_ctl -D "$PGDIR" -m fast stop >/dev/null 2>&1 || true
    fi
  fi
  rm -rf "$PGDIR"
  PGDIR=""
}
