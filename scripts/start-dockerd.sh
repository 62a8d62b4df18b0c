#!/usr/bin/env bash
# Starts a private Docker Engine for stagingd's Docker runner and its tests, and prints its socket path.
#
#   bash scripts/start-dockerd.sh          # start (or find running) dockerd; prints e.g. /tmp/stagingd-docker/docker.sock
#   bash scripts/start-dockerd.sh --stop   # stop the dockerd this script started
#
#   export DOCKER_HOST="unix://$(bash scripts/start-dockerd.sh)"
#
# Idempotent: a daemon that already answers /_ping on the socket is reused. Installs Debian's docker.io
# (dockerd 20.10, API 1.41) when dockerd is missing. Needs root. Only the socket path goes to stdout.
#
# How it runs here (see the flags below): its own data root, exec root, pidfile and socket under
# $STAGINGD_DOCKER_DIR (default /tmp/stagingd-docker), so it never touches /var/lib/docker or a system
# daemon's socket; its own containerd (started by dockerd under the exec root); storage driver overlay2,
# falling back to vfs when overlay2 cannot run on the data root's filesystem; cgroup driver cgroupfs (memory
# and CPU limits through cgroup v1 or v2); the default bridge (docker0) with --iptables=false,
# --ip-forward=false and --ip-masq=false, so the host firewall and sysctls stay as they are and containers
# cannot reach beyond the machine; published ports bind to 127.0.0.1 unless told otherwise (--ip) and are
# served by docker-proxy (the userland proxy), which needs no iptables rules.
#
# Environment: STAGINGD_DOCKER_DIR (state folder), STAGINGD_DOCKER_STORAGE (overlay2 | vfs: no fallback),
# STAGINGD_DOCKER_START_TIMEOUT (seconds to wait for /_ping, default 60).
set -euo pipefail

export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"
DIR="${STAGINGD_DOCKER_DIR:-/tmp/stagingd-docker}"
SOCK="$DIR/docker.sock"
PIDFILE="$DIR/dockerd.pid"
LOG="$DIR/dockerd.log"
TIMEOUT="${STAGINGD_DOCKER_START_TIMEOUT:-60}"

say() { echo "start-dockerd: $*" >&2; }
fail() {
  say "ERROR: $*"
  exit 1
}

# Running and not a zombie (a process killed while its parent is gone may linger as one).
is_live() { kill -0 "$1" 2> /dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2> /dev/null; }

ping_socket() {
  [ -S "$SOCK" ] || return 1
  if command -v curl > /dev/null 2>&1; then
    [ "$(curl -s -m 2 --unix-socket "$SOCK" http://docker/_ping 2> /dev/null || true)" = "OK" ]
  else
    node -e "require('node:http').get({ socketPath: process.argv[1], path: '/_ping', timeout: 2000 }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))" "$SOCK"
  fi
}

running_pid() {
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid="$(cat "$PIDFILE" 2> /dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null && grep -q dockerd "/proc/$pid/cmdline" 2> /dev/null || return 1  # (a zombie has an empty cmdline)
  echo "$pid"
}

if [ "${1:-}" = "--stop" ]; then
  if pid="$(running_pid)"; then
    kill -TERM "$pid"
    for _ in $(seq 1 150); do
      is_live "$pid" || break
      sleep 0.1
    done
    if is_live "$pid"; then fail "dockerd (pid $pid) did not stop within 15 s"; fi
    say "stopped dockerd (pid $pid)"
  else
    say "no dockerd of ours is running"
  fi
  exit 0
fi

if ping_socket; then
  say "dockerd already answers on $SOCK"
  echo "$SOCK"
  exit 0
fi

[ "$(id -u)" = "0" ] || fail "dockerd must run as root here (uid $(id -u)); run this script as root"

if ! command -v dockerd > /dev/null 2>&1; then
  command -v apt-get > /dev/null 2>&1 || fail "dockerd is not installed and apt-get is not available to install docker.io"
  say "installing docker.io (Debian's dockerd 20.10) ..."
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
  apt-get update -qq >&2 || fail "apt-get update failed"
  apt-get install -y -qq --no-install-recommends docker.io >&2 || fail "apt-get install docker.io failed"
  command -v dockerd > /dev/null 2>&1 || fail "docker.io installed but dockerd is not on PATH"
fi

# Memory and CPU limits need the memory and cpu controllers (cgroup v1 hierarchies or cgroup v2).
if [ ! -d /sys/fs/cgroup/memory ] && ! grep -qw memory /sys/fs/cgroup/cgroup.controllers 2> /dev/null; then
  fail "no cgroup memory controller is mounted (/sys/fs/cgroup/memory or cgroup v2): containers' memory limits cannot work here"
fi

mkdir -p "$DIR"

# A dockerd that was killed (e.g. at the end of a session) leaves its containerd behind, or a pid file
# naming a dead or zombie one: the next dockerd would wait for that containerd and time out.
clean_orphans() {
  local pidfile="$DIR/exec/containerd/containerd.pid" pid
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile" 2> /dev/null || true)"
  if [ -n "$pid" ] && is_live "$pid" && tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null | grep -q -- "$DIR/exec/containerd/"; then
    say "stopping the containerd (pid $pid) a killed dockerd left behind"
    kill -TERM "$pid" 2> /dev/null || true
    for _ in $(seq 1 50); do
      is_live "$pid" || break
      sleep 0.1
    done
    if is_live "$pid"; then kill -KILL "$pid" 2> /dev/null || true; fi
  fi
  rm -f "$pidfile"
}

start_daemon() {
  local driver="$1"
  say "starting dockerd (storage driver $driver) on $SOCK; log: $LOG"
  echo "=== $(date -u +%FT%TZ) start-dockerd: storage driver $driver" >> "$LOG"
  local from
  from=$(($(wc -l < "$LOG") + 1))
  rm -f "$SOCK"
  setsid dockerd \
    --host "unix://$SOCK" \
    --data-root "$DIR/data" \
    --exec-root "$DIR/exec" \
    --pidfile "$PIDFILE" \
    --storage-driver "$driver" \
    --exec-opt native.cgroupdriver=cgroupfs \
    --iptables=false \
    --ip-forward=false \
    --ip-masq=false \
    --ip 127.0.0.1 \
    --log-level warn \
    >> "$LOG" 2>&1 < /dev/null &
  local pid=$!
  local deadline=$((SECONDS + TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ping_socket; then
      say "dockerd (pid $pid) is up after $((SECONDS - started)) s"
      return 0
    fi
    if ! is_live "$pid"; then
      say "dockerd exited during start-up (storage driver $driver); the end of its log:"
      tail -n "+$from" "$LOG" | tail -n 15 >&2 || true
      # Only a storage driver failure is worth another driver; anything else fails the same way again.
      if tail -n "+$from" "$LOG" | grep -qiE 'graphdriver|driver not supported|overlay'; then return 1; fi
      return 2
    fi
    sleep 0.1
  done
  say "dockerd (pid $pid) did not answer /_ping within $TIMEOUT s; stopping it"
  kill -TERM "$pid" 2> /dev/null || true
  return 2
}

if pid="$(running_pid)"; then
  # Ours, still starting (or hung): give it the start-up time before giving up.
  say "dockerd (pid $pid) is running but not answering yet; waiting"
  deadline=$((SECONDS + TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ping_socket; then
      echo "$SOCK"
      exit 0
    fi
    sleep 0.2
  done
  fail "dockerd (pid $pid) is running but does not answer on $SOCK; see $LOG, or stop it with: bash $0 --stop"
fi
rm -f "$PIDFILE"
clean_orphans

started=$SECONDS
if [ -n "${STAGINGD_DOCKER_STORAGE:-}" ]; then
  drivers=("$STAGINGD_DOCKER_STORAGE")
else
  drivers=(overlay2 vfs)
fi
tried=()
for driver in "${drivers[@]}"; do
  tried+=("$driver")
  status=0
  start_daemon "$driver" || status=$?
  if [ "$status" = 0 ]; then
    echo "$SOCK"
    exit 0
  fi
  [ "$status" = 1 ] || break
  clean_orphans
done
fail "dockerd cannot run on this machine (tried storage drivers: ${tried[*]}); see $LOG"
