#!/usr/bin/env bash
# Neuron Lab past one process: N Streamlit replicas of app.py behind nginx, sticky by a cookie.
#
#   deploy/replicas.sh [N=2] [PORT=8080]
#
# Starts N replicas on 127.0.0.1 (free ports, or NL_BASE_PORT, NL_BASE_PORT+1, ...), all with one
# STREAMLIT_SERVER_COOKIE_SECRET, waits for each /_stcore/health, renders deploy/nginx.conf.template
# into a prefix directory, checks it with `nginx -t`, then runs nginx in the foreground on
# NL_LISTEN_ADDR:PORT (default 127.0.0.1). Ctrl-C or SIGTERM stops nginx and every replica by PID;
# if any of them dies, the others are stopped too and the script exits 1 (let a supervisor restart it).
# Runs as a normal user: nothing is written outside the prefix.
#
# Environment (all optional):
#   NL_LISTEN_ADDR      address nginx listens on (127.0.0.1; 0.0.0.0 on a real server)
#   NL_BASE_PORT        replica ports NL_BASE_PORT.. instead of free ports
#   NL_PREFIX           prefix directory (kept on exit); default a fresh temp dir, removed on exit
#   NL_HEALTH_TIMEOUT   seconds to wait for the replicas (60)
#   PYTHON              the Python that has streamlit (python3)
#   NGINX               the nginx binary (nginx on PATH, else /usr/sbin/nginx)
#   STREAMLIT_SERVER_COOKIE_SECRET   shared by the replicas; generated once when unset
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true  # bash 5.2: "&" in ${x//a/b} must stay literal

N=${1:-2}
PORT=${2:-8080}
die() { echo "replicas.sh: $*" >&2; exit 2; }
[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got '$N'"
[[ $PORT =~ ^[0-9]+$ ]] && ((PORT > 0 && PORT < 65536)) || die "PORT must be 1-65535, got '$PORT'"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
TEMPLATE="$HERE/nginx.conf.template"
LISTEN_ADDR=${NL_LISTEN_ADDR:-127.0.0.1}
HEALTH_TIMEOUT=${NL_HEALTH_TIMEOUT:-60}
PYTHON=${PYTHON:-$(command -v python3 || command -v python || true)}
NGINX=${NGINX:-$(command -v nginx || true)}
[[ -n $NGINX ]] || NGINX=/usr/sbin/nginx  # /usr/sbin is often not on a normal user's PATH
[[ -x $NGINX ]] || die "nginx not found (apt-get install nginx, or set NGINX=/path/to/nginx)"
[[ -n $PYTHON ]] || die "python3 not found (set PYTHON=/path/to/python)"
"$PYTHON" -c "import streamlit" 2>/dev/null || die "$PYTHON cannot import streamlit (set PYTHON)"
[[ -f $ROOT/app.py ]] || die "no app.py in $ROOT"

# --- the prefix: nginx.conf, pid, logs, temp dirs ---------------------------------------------
KEEP_PREFIX=0
if [[ -n ${NL_PREFIX:-} ]]; then
    PREFIX=$NL_PREFIX
    KEEP_PREFIX=1
    mkdir -p "$PREFIX"
else
    PREFIX=$(mktemp -d "${TMPDIR:-/tmp}/neuron-lab-nginx.XXXXXX")
fi
PREFIX=$(cd "$PREFIX" && pwd)
mkdir -p "$PREFIX/logs" "$PREFIX/tmp"
# As root, nginx's workers run as nobody: they must reach the temp dirs (nginx creates and chowns those).
chmod 755 "$PREFIX" "$PREFIX/tmp"
CONF="$PREFIX/nginx.conf"

# --- the files nginx serves itself --------------------------------------------------------------
# Streamlit's frontend (its JavaScript chunks, CSS and fonts) and the app's static/ folder (plotly.js, the
# chart's module), copied into a folder of their own in the temp dir: nginx's workers (nobody, as root) may
# not reach the Python install, the checkout or the prefix's parents, and a copy made at start is the version
# the replicas run. Removed on exit, as the prefix is.
WWW=$(mktemp -d "${TMPDIR:-/tmp}/neuron-lab-www.XXXXXX")
chmod 755 "$WWW"
STREAMLIT_STATIC=$("$PYTHON" -c 'import os, streamlit; print(os.path.join(os.path.dirname(streamlit.__file__), "static"))')
[[ -d $STREAMLIT_STATIC/static ]] || die "no static/ folder in Streamlit's install ($STREAMLIT_STATIC)"
cp -R "$STREAMLIT_STATIC/static" "$WWW/streamlit"
cp -R "$ROOT/static" "$WWW/app"
chmod -R a+rX "$WWW"
read -r PLOTLY_FILE PLOTLY_VERSION < <(cd "$ROOT" && "$PYTHON" -c \
    'from perceptron.web.plotlyjs import STATIC_NAME, VERSION; print(STATIC_NAME, VERSION)')
[[ -f $WWW/app/$PLOTLY_FILE ]] || die "plotly.js ($PLOTLY_FILE) is not in $ROOT/static"
PLOTLY_SRC="/app/static/$PLOTLY_FILE?v=$PLOTLY_VERSION"  # as perceptron/web/chart.py names it

# --- stopping everything, by PID ----------------------------------------------------------------
REPLICA_PIDS=()
NGINX_PID=""
STOPPED=0
alive() { kill -0 "$1" 2>/dev/null; }
cleanup() {
    ((STOPPED)) && return
    STOPPED=1
    local pids=() pid i
    [[ -n $NGINX_PID ]] && pids+=("$NGINX_PID")
    pids+=("${REPLICA_PIDS[@]}")
    if ((${#pids[@]})); then
        echo "replicas.sh: stopping nginx and ${#REPLICA_PIDS[@]} replica(s): ${pids[*]}" >&2
        for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
        for ((i = 0; i < 100; i++)); do  # up to 10 s, then SIGKILL
            local any=0
            for pid in "${pids[@]}"; do alive "$pid" && any=1; done
            ((any)) || break
            sleep 0.1
        done
        for pid in "${pids[@]}"; do alive "$pid" && kill -KILL "$pid" 2>/dev/null || true; done
        for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    fi
    rm -rf "$WWW"  # the copies nginx served
    if ((KEEP_PREFIX)); then
        echo "replicas.sh: logs kept in $PREFIX/logs" >&2
    else
        rm -rf "$PREFIX"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- ports --------------------------------------------------------------------------------------
PORTS=()
if [[ -n ${NL_BASE_PORT:-} ]]; then
    for ((i = 0; i < N; i++)); do PORTS+=($((NL_BASE_PORT + i))); done
else
    # N distinct free ports (all held open while choosing), never nginx's own PORT.
    mapfile -t PORTS < <("$PYTHON" - "$N" "$PORT" <<'EOF'
import socket
import sys

n, avoid = int(sys.argv[1]), int(sys.argv[2])
held = []
while len(held) < n:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    if s.getsockname()[1] == avoid:
        continue
    held.append(s)
for s in held:
    print(s.getsockname()[1])
EOF
    )
fi
((${#PORTS[@]} == N)) || die "could not choose $N replica ports"

# --- render the nginx config and check it, before starting anything ------------------------------
if [[ $LISTEN_ADDR == *:* ]]; then LISTEN="[$LISTEN_ADDR]:$PORT"; else LISTEN="$LISTEN_ADDR:$PORT"; fi
SERVERS=""
for p in "${PORTS[@]}"; do
    SERVERS+="        server 127.0.0.1:$p max_fails=1 fail_timeout=10s;"$'\n'
done
USER_DIRECTIVE=""
if ((EUID == 0)); then
    if getent group nogroup >/dev/null 2>&1; then USER_DIRECTIVE="user nobody nogroup;"; else USER_DIRECTIVE="user nobody nobody;"; fi
fi
conf=$(<"$TEMPLATE")
conf=${conf//@PREFIX@/$PREFIX}
conf=${conf//@WWW@/$WWW}
conf=${conf//@PLOTLY_SRC@/$PLOTLY_SRC}
conf=${conf//@USER@/$USER_DIRECTIVE}
conf=${conf//@LISTEN@/$LISTEN}
conf=${conf//@UPSTREAM_SERVERS@/${SERVERS%$'\n'}}
if [[ $conf =~ @[A-Z_]+@ ]]; then die "unrendered placeholder ${BASH_REMATCH[0]} in $TEMPLATE"; fi
printf '%s\n' "$conf" >"$CONF"

NGINX_ARGS=(-p "$PREFIX/" -c "$CONF")
# nginx >= 1.19.5: the error log used before the config is read, instead of a /var/log path.
if "$NGINX" -h 2>&1 | grep -q -- '-e filename'; then NGINX_ARGS+=(-e "$PREFIX/logs/error.log"); fi
"$NGINX" -t -q "${NGINX_ARGS[@]}" || die "nginx -t rejected $CONF"

# --- the replicas -------------------------------------------------------------------------------
# One secret for all: the XSRF cookie one replica signs verifies on any other.
if [[ -z ${STREAMLIT_SERVER_COOKIE_SECRET:-} ]]; then
    STREAMLIT_SERVER_COOKIE_SECRET=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(32))')
fi
export STREAMLIT_SERVER_COOKIE_SECRET

cd "$ROOT"
: >"$PREFIX/replicas"
for ((i = 0; i < N; i++)); do
    "$PYTHON" -m streamlit run app.py --server.headless true --server.address 127.0.0.1 \
        --server.port "${PORTS[i]}" --browser.gatherUsageStats false \
        >"$PREFIX/logs/replica-$((i + 1)).log" 2>&1 &
    REPLICA_PIDS+=($!)
    echo "$! 127.0.0.1:${PORTS[i]}" >>"$PREFIX/replicas"
done

healthy() {  # healthy HOST:PORT
    if command -v curl >/dev/null; then
        curl -fsS -o /dev/null --max-time 2 "http://$1/_stcore/health" 2>/dev/null
        return
    fi
    "$PYTHON" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2).read()' \
        "http://$1/_stcore/health" >/dev/null 2>&1
}
deadline=$((SECONDS + HEALTH_TIMEOUT))
pending=("${!PORTS[@]}")
while ((${#pending[@]})); do
    still=()
    for i in "${pending[@]}"; do
        if ! alive "${REPLICA_PIDS[i]}"; then
            echo "replicas.sh: replica $((i + 1)) (port ${PORTS[i]}) exited; its log:" >&2
            tail -n 30 "$PREFIX/logs/replica-$((i + 1)).log" >&2 || true
            exit 1
        fi
        healthy "127.0.0.1:${PORTS[i]}" || still+=("$i")
    done
    pending=("${still[@]}")
    ((${#pending[@]})) || break
    if ((SECONDS >= deadline)); then
        echo "replicas.sh: replicas not healthy after ${HEALTH_TIMEOUT}s: ports $(for i in "${pending[@]}"; do printf '%s ' "${PORTS[i]}"; done)" >&2
        exit 1
    fi
    sleep 0.3
done

# --- nginx in the foreground (as a child, so that this script's traps still run) ----------------
"$NGINX" "${NGINX_ARGS[@]}" -g 'daemon off;' &
NGINX_PID=$!
echo "$NGINX_PID nginx $LISTEN" >>"$PREFIX/replicas"
probe=$LISTEN
[[ $LISTEN_ADDR == 0.0.0.0 ]] && probe="127.0.0.1:$PORT"
[[ $LISTEN_ADDR == :: ]] && probe="[::1]:$PORT"
deadline=$((SECONDS + 15))
until healthy "$probe"; do
    alive "$NGINX_PID" || break  # wait -n below reports it
    ((SECONDS < deadline)) || { echo "replicas.sh: no answer through nginx on $probe" >&2; exit 1; }
    sleep 0.2
done
alive "$NGINX_PID" && echo "replicas.sh: Neuron Lab on http://$LISTEN/ -> ${N} replica(s) on 127.0.0.1:${PORTS[*]} (prefix $PREFIX)" >&2

# Wait until any child exits (or a signal arrives); then stop the rest.
status=0
wait -n "$NGINX_PID" "${REPLICA_PIDS[@]}" || status=$?
if ! alive "$NGINX_PID"; then
    echo "replicas.sh: nginx exited ($status)" >&2
else
    echo "replicas.sh: a replica exited ($status); stopping everything" >&2
fi
exit 1
