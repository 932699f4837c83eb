#!/usr/bin/env bash
# CPU per request, container by container: what one route costs the whole `./nova up` stack.
#
#   ./nova up --bench-limits        (the gateway's rate limit would refuse a load)
#   scripts/cpu-per-request.sh '/api/v1/feed?limit=20' "$TOKEN" [connections=8] [seconds=20]
#
# Runs a closed-loop load (scripts/HttpLoad.java: keep-alive connections, each sending the next
# request when the last answered) against the gateway, reads every container's CPU time from its
# cgroup before and after, and prints the CPU each container spent per request, and the whole
# machine's (/proc/stat: the load generator, docker-proxy and the kernel too). Run a round first
# and ignore it: the JIT compilers of a fresh stack are still at work. A figure, not a test: it
# depends on the machine and on what else runs on it.
set -euo pipefail
path=${1:?usage: scripts/cpu-per-request.sh PATH TOKEN [CONNECTIONS] [SECONDS]}
token=${2:?a bearer token of the user to load as}
connections=${3:-8}
seconds=${4:-20}
gateway=${NOVA_GATEWAY:-http://localhost:8000}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# nanoseconds of CPU: cgroup v1 (cpuacct.usage) or v2 (cpu.stat usage_usec)
cpu_of() {
  local id=$1 f
  for f in /sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage /sys/fs/cgroup/cpu,cpuacct/docker/$id/cpuacct.usage; do
    [ -r "$f" ] && { cat "$f"; return; }
  done
  for f in /sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat /sys/fs/cgroup/docker/$id/cpu.stat; do
    [ -r "$f" ] && { awk '/^usage_usec/ {print $2 * 1000}' "$f"; return; }
  done
  echo "no cgroup CPU counter found for container $id" >&2; exit 1
}
snapshot() {
  local name
  for name in $(docker ps --filter label=nova.stack=up --format '{{.Names}}'); do
    echo "$name $(cpu_of "$(docker inspect -f '{{.Id}}' "$name")")"
  done
  # the whole machine: user + nice + system + irq + softirq jiffies, in nanoseconds
  awk -v hz="$(getconf CLK_TCK)" '/^cpu / {printf "machine %.0f\n", ($2 + $3 + $4 + $7 + $8) * 1e9 / hz}' /proc/stat
}

before=$(mktemp); after=$(mktemp); classes=$(mktemp -d)
trap 'rm -rf "$before" "$after" "$classes"' EXIT
javac -d "$classes" "$here/HttpLoad.java" # compiled first: javac's CPU is not the route's
snapshot >"$before"
result=$(java -cp "$classes" HttpLoad "$gateway$path" "$token" "$connections" "$seconds")
snapshot >"$after"
echo "GET $path, $connections connections, $seconds s: $result"
requests=$(awk '{print $2}' <<<"$result")
join <(sort "$before") <(sort "$after") \
  | awk -v n="$requests" '{ms = ($3 - $2) / 1e6 / n; if (ms >= 0.005) printf "  %-32s %7.3f ms CPU per request\n", $1, ms}' \
  | sort -k2 -rn
