#!/usr/bin/env bash
# CPU per MiB moved, container by container: what a transfer costs the whole `./nova up` stack.
#
#   ./nova up --bench-limits
#   scripts/cpu-per-mib.sh MIB RUNS CURL_ARGS...
#
# Runs `curl -s -o /dev/null CURL_ARGS...` RUNS times one after another (each run moves MIB MiB: a
# download, or an upload with --data-binary @file), reads every container's CPU time from its
# cgroup before and after, and prints the rate and the CPU each container, docker-proxy (the
# published ports) and the whole machine (/proc/stat: curl and the kernel too) spent per MiB.
# Examples, with a 64 MiB item ($ID) of the user whose token is $TOKEN:
#   scripts/cpu-per-mib.sh 64 5 -H "Authorization: Bearer $TOKEN" http://localhost:8000/api/v1/media/$ID/content
#   scripts/cpu-per-mib.sh 64 5 --aws-sigv4 aws:amz:us-east-1:s3 --user nova-dev-access-key:nova-dev-secret-key \
#       -H x-amz-content-sha256:UNSIGNED-PAYLOAD http://localhost:<object store port>/nova-media/<key>
# Run a round first and ignore it (the JIT compilers of a fresh stack are still at work). A
# figure, not a test: it depends on the machine and on what else runs on it.
set -euo pipefail
mib=${1:?usage: scripts/cpu-per-mib.sh MIB RUNS CURL_ARGS...}
runs=${2:?usage: scripts/cpu-per-mib.sh MIB RUNS CURL_ARGS...}
shift 2

# the cgroup CPU counter of each container (nanoseconds), found once: cgroup v1 or v2
counters=()
for name in $(docker ps --filter label=nova.stack=up --format '{{.Names}}'); do
  id=$(docker inspect -f '{{.Id}}' "$name")
  for f in /sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage /sys/fs/cgroup/cpu,cpuacct/docker/$id/cpuacct.usage \
           /sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat /sys/fs/cgroup/docker/$id/cpu.stat; do
    [ -r "$f" ] && { counters+=("$name=$f"); break; }
  done
done
[ ${#counters[@]} -gt 0 ] || { echo "no running ./nova up containers (or no cgroup CPU counters)" >&2; exit 1; }
snapshot() {
  local entry f ticks=0 p
  for entry in "${counters[@]}"; do
    f=${entry#*=}
    case $f in
      *cpu.stat) echo "${entry%%=*} $(awk '/^usage_usec/ {print $2 * 1000}' "$f")" ;;
      *) echo "${entry%%=*} $(cat "$f")" ;;
    esac
  done
  for p in $(pgrep -x docker-proxy || true); do ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo "docker-proxy $((ticks * 1000000000 / $(getconf CLK_TCK)))"
  awk -v hz="$(getconf CLK_TCK)" '/^cpu / {printf "machine %.0f\n", ($2 + $3 + $4 + $7 + $8) * 1e9 / hz}' /proc/stat
}

before=$(mktemp); after=$(mktemp)
trap 'rm -f "$before" "$after"' EXIT
snapshot >"$before"
started=$(date +%s%N)
for _ in $(seq "$runs"); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$@")
  case $code in 2??) ;; *) echo "curl got HTTP $code" >&2; exit 1 ;; esac
done
ended=$(date +%s%N)
snapshot >"$after"
total=$((mib * runs))
awk -v mib="$total" -v ns="$((ended - started))" 'BEGIN {printf "%d MiB in %.2f s: %.1f MiB/s\n", mib, ns / 1e9, mib / (ns / 1e9)}'
join <(sort "$before") <(sort "$after") \
  | awk -v mib="$total" '{ms = ($3 - $2) / 1e6 / mib; if (ms >= 0.05) printf "  %-32s %6.2f ms CPU per MiB\n", $1, ms}' \
  | sort -k2 -rn
