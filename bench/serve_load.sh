#!/usr/bin/env bash
# Load benchmark of `encore serve` on loopback with wrk (docs/benchmarks.md, "Serving").
#
#   bench/serve_load.sh [BUILD_DIR]
#
# Builds a synthetic 10,000-item store + iALS model (encore_serve_bench_data),
# starts `encore serve`, and measures with wrk:
#   1. GET /api/recommend/{random user}?n=10  (top-10 recommendations)
#   2. POST /api/events, one event per request (each committed before the answer)
#   3. POST /api/events, batches of 100 events per request
# Each phase runs RUNS times (default 3) for DURATION seconds (default 60); the
# medians are printed as a markdown table, with the server's RSS and errors.
# Environment: DURATION, RUNS, CONNECTIONS (16), WRK_THREADS (1), SERVER_THREADS
# (= CONNECTIONS), ITEMS (10000), USERS (20000), EVENTS (500000), WORK (temp dir).
set -euo pipefail

BUILD_DIR=${1:-build}
ENCORE=${ENCORE:-$BUILD_DIR/src/cli/encore}
DATA_TOOL=${DATA_TOOL:-$BUILD_DIR/bench/encore_serve_bench_data}
DURATION=${DURATION:-60}
RUNS=${RUNS:-3}
CONNECTIONS=${CONNECTIONS:-16}
WRK_THREADS=${WRK_THREADS:-1}
SERVER_THREADS=${SERVER_THREADS:-$CONNECTIONS}
ITEMS=${ITEMS:-10000}
USERS=${USERS:-20000}
EVENTS=${EVENTS:-500000}
WORK=${WORK:-$(mktemp -d /tmp/encore-serve-load.XXXXXX)}
KEEP_WORK=${KEEP_WORK:-0}

for tool in wrk "$ENCORE" "$DATA_TOOL"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "serve_load.sh: missing $tool (build the project / apt-get install wrk)" >&2; exit 1; }
done

SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [[ "$KEEP_WORK" != 1 ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

echo "# data: $ITEMS items, $USERS users, $EVENTS plays -> $WORK" >&2
"$DATA_TOOL" --out "$WORK" --items "$ITEMS" --users "$USERS" --events "$EVENTS" >&2

"$ENCORE" serve --db "$WORK/store.db" --model "$WORK/model.bin" --port 0 --threads "$SERVER_THREADS" \
  --max-batch 1000 > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  grep -q "listening on" "$WORK/server.log" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done
URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/server.log" | head -1)
[[ -n "$URL" ]] || { echo "server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }
echo "# server $URL (pid $SERVER_PID)" >&2

# wrk scripts: random users/items; a done() hook prints one parseable line.
cat > "$WORK/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect + e.read + e.write + e.status + e.timeout))
end
LUA
cat > "$WORK/recommend.lua" <<LUA
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/recommend/u" .. math.random(0, $USERS - 1) .. "?n=10")
end
$(cat "$WORK/report.lua")
LUA
cat > "$WORK/event.lua" <<LUA
local counter = 0
local seed = math.random(1, 1000000)
math.randomseed(os.time() + seed)
request = function()
  counter = counter + 1
  local body = string.format('{"user":"u%d","item":"i%d","type":"play","value":1,"timestamp":%d}',
    math.random(0, $USERS - 1), math.random(0, $ITEMS - 1), 1800000000 + seed * 100000 + counter)
  return wrk.format("POST", "/api/events", {["Content-Type"] = "application/json"}, body)
end
$(cat "$WORK/report.lua")
LUA
cat > "$WORK/event_batch.lua" <<LUA
local counter = 0
local seed = math.random(1, 1000000)
math.randomseed(os.time() + seed)
request = function()
  local parts = {}
  for i = 1, 100 do
    counter = counter + 1
    parts[i] = string.format('{"user":"u%d","item":"i%d","type":"click","timestamp":%d}',
      math.random(0, $USERS - 1), math.random(0, $ITEMS - 1), 1900000000 + seed * 1000000 + counter)
  end
  return wrk.format("POST", "/api/events", {["Content-Type"] = "application/json"}, '{"events":[' .. table.concat(parts, ",") .. ']}')
end
$(cat "$WORK/report.lua")
LUA

rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER_PID/status"; }
hwm_mib() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER_PID/status"; }
RSS_IDLE=$(rss_mib)

# Runs one phase RUNS times; prints "name rps p50 p90 p99 errors requests rss" with medians.
phase() {
  local name=$1 script=$2
  local lines=()
  curl -fsS "$URL/api/recommend/u0?n=10" >/dev/null  # warm
  for run in $(seq 1 "$RUNS"); do
    local line
    line=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s -s "$script" "$URL" | grep '^RESULT')
    echo "# $name run $run: $line" >&2
    lines+=("$line")
  done
  printf '%s\n' "${lines[@]}" | python3 -c '
import sys, statistics
rows = [dict(kv.split("=") for kv in l.split()[1:]) for l in sys.stdin if l.strip()]
med = lambda k: statistics.median(float(r[k]) for r in rows)
tot = lambda k: sum(int(float(r[k])) for r in rows)
print(sys.argv[1], "%.0f" % med("rps"), "%.2f" % med("p50_ms"), "%.2f" % med("p90_ms"), "%.2f" % med("p99_ms"),
      tot("errors"), tot("requests"), sys.argv[2])' "$name" "$(rss_mib)"
}

REC=$(phase recommend "$WORK/recommend.lua")
EV1=$(phase events_single "$WORK/event.lua")
EVB=$(phase events_batch100 "$WORK/event_batch.lua")
HWM=$(hwm_mib)
NON2XX=$(curl -fsS "$URL/metrics" | awk -F'[ ]' '/^encore_http_requests_total/ && /status="(4xx|5xx)"/ {s += $2} END {print s + 0}')

CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo
echo "Machine: $(nproc) cores ($CPU), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM; wrk -t$WRK_THREADS -c$CONNECTIONS on loopback, server --threads $SERVER_THREADS; $RUNS runs x ${DURATION}s per phase, medians."
echo "Data: $ITEMS items, $USERS users, $EVENTS plays; model iALS 64 factors. Server RSS idle $RSS_IDLE MiB, peak $HWM MiB; 4xx/5xx answers counted by /metrics: $NON2XX."
echo
echo "| phase | req/s | p50 ms | p90 ms | p99 ms | errors (all runs) | requests (all runs) | RSS after (MiB) |"
echo "|---|---|---|---|---|---|---|---|"
for row in "$REC" "$EV1" "$EVB"; do
  set -- $row
  echo "| $1 | $2 | $3 | $4 | $5 | $6 | $7 | $8 |"
done
