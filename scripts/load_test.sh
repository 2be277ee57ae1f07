#!/usr/bin/env bash
# Load test: serve the app with gunicorn on 127.0.0.1 and drive it with wrk (a mix of queries,
# typos, suggestions, health checks and deliberate bad input), sampling the workers' memory.
# Prints throughput, p50/p99 latency and worker RSS; exits 1 on any error, 5xx or socket error,
# a refusal count that does not match the bad requests sent, or worker memory that grows.
#
# Usage: ./scripts/load_test.sh [DURATION_S=30] [CONNECTIONS=32] [WRK_THREADS=2]
# Example: ./scripts/load_test.sh 30 32        (the figures in docs/reliability.md)
#          ./scripts/load_test.sh 5 32         (the CI run)
# Needs wrk (Debian: apt-get install wrk) and the dev venv (./scripts/test.sh makes it).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-30}
CONNECTIONS=${2:-32}
WRK_THREADS=${3:-2}
WORKERS=${WEB_CONCURRENCY:-2}
# Growth of a worker's RSS from the end of the warm-up to the end of the run that counts as flat.
RSS_GROWTH_LIMIT_KB=${RSS_GROWTH_LIMIT_KB:-8192}

command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 2; }
[ -x .venv/bin/gunicorn ] || { echo "no .venv with gunicorn: run ./scripts/test.sh first" >&2; exit 2; }

WORK=$(mktemp -d)
SERVER_PID=""
SAMPLER_PID=""
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

.venv/bin/python scripts/build_index.py --content content --output "$WORK/index" --quiet
PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
SEARCH_INDEX_DIR="$WORK/index" BIND="127.0.0.1:$PORT" WEB_CONCURRENCY="$WORKERS" THREADS=4 \
  .venv/bin/gunicorn -c scripts/gunicorn.conf.py service.wsgi:app \
  >"$WORK/queries.log" 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 100); do
  curl -fsS "$URL/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done
curl -fsS "$URL/health" >/dev/null

# Warm-up (not counted): every worker opens the index and fills its bounded caches.
wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d3s -s scripts/load/mix.lua "$URL" >/dev/null

workers() { pgrep -P "$SERVER_PID" | sort -n; }
sample_rss() {  # one line per second: elapsed-seconds pid rss-kB ...
  local start=$SECONDS
  while true; do
    local line="$((SECONDS - start))"
    for pid in $(workers); do
      line="$line $pid $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"
    done
    echo "$line"
    sleep 1
  done
}
sample_rss >"$WORK/rss.txt" &
SAMPLER_PID=$!

echo "wrk: ${DURATION}s, $CONNECTIONS connections, $WRK_THREADS threads -> gunicorn $WORKERS workers (${WORKER_CLASS:-gevent})"
wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency \
  -s scripts/load/mix.lua "$URL" | tee "$WORK/wrk.txt"
sleep 1
kill "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
ALIVE=$(workers | wc -l)

.venv/bin/python - "$WORK/wrk.txt" "$WORK/rss.txt" "$CONNECTIONS" "$RSS_GROWTH_LIMIT_KB" "$ALIVE" "$WORKERS" <<'PY'
import os
import re
import sys

wrk_out, rss_file, connections, growth_limit, alive, workers = sys.argv[1:]
text = open(wrk_out).read()
match = re.search(r"^RESULT (.*)$", text, re.M)
if not match:
    sys.exit("no RESULT line from wrk")
r = {k: float(v) for k, v in (kv.split("=") for kv in match.group(1).split())}
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
rows = [line.split() for line in open(rss_file) if line.split()]
per_pid: dict[str, list[int]] = {}
for row in rows:
    for pid, kb in zip(row[1::2], row[2::2]):
        per_pid.setdefault(pid, []).append(int(kb))
problems = []
print(f"\nthroughput {r['rps']:.0f} requests/s over {r['seconds']:.0f} s ({r['requests']:.0f} requests)")
print(f"latency p50 {r['p50_ms']:.1f} ms, p90 {r['p90_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, max {r['max_ms']:.1f} ms")
print(f"answers: {r['ok']:.0f} 2xx, {r['refused']:.0f} deliberate bad requests refused with their 4xx "
      f"(of {r['sent_bad']:.0f} sent), {r['errors']:.0f} errors, {r['socket_errors']:.0f} socket errors"
      + (f"; wrk counted {non2xx.group(1)} non-2xx" if non2xx else ""))
for pid, kbs in sorted(per_pid.items()):
    start, middle = kbs[min(1, len(kbs) - 1)], kbs[len(kbs) // 2]
    trend = " ".join(f"{kb / 1024:.1f}" for kb in kbs[:: max(1, len(kbs) // 6)])
    try:  # CPU seconds the worker used (warm-up included): shows both shared the load
        stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        cpu = f", {(int(stat[11]) + int(stat[12])) / os.sysconf('SC_CLK_TCK'):.0f} s CPU"
    except OSError:
        cpu = ""
    print(f"worker {pid} RSS (MB) every few seconds: {trend}; end {kbs[-1] / 1024:.1f}, "
          f"second half +{(kbs[-1] - middle) / 1024:.1f}{cpu}")
    # A leak keeps growing; bounded caches fill early and stay.
    if kbs[-1] - start > int(growth_limit) or kbs[-1] - middle > int(growth_limit) // 2:
        problems.append(f"worker {pid} grew {(kbs[-1] - start) / 1024:.1f} MB")
if r["errors"] or r["socket_errors"]:
    problems.append(f"{r['errors']:.0f} errors and {r['socket_errors']:.0f} socket errors")
# A few bad requests may still be in flight when wrk stops.
if abs(r["refused"] - r["sent_bad"]) > int(connections):
    problems.append(f"{r['refused']:.0f} refusals for {r['sent_bad']:.0f} bad requests sent")
if int(alive) != int(workers):
    problems.append(f"{alive} of {workers} workers alive at the end")
if not per_pid:
    problems.append("no memory samples")
if problems:
    sys.exit("LOAD TEST FAILED: " + "; ".join(problems))
print("load test passed: no errors, memory flat")
PY
