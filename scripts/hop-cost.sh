#!/usr/bin/env bash
# What one hop costs on this machine: the floor under every gRPC edge of `./nova bench`.
#
#   ./nova up
#   scripts/hop-cost.sh [--poll-idle] [samples=500] [gap-ms=20] [rounds=3]
#
# Runs scripts/HopCost.java inside messaging-service's container, from a virtual thread: a Redis
# PING, a gRPC Health/Check to user-service (Helidon's gRPC server), and the same Health/Check to
# scripts/BareGrpcServer.java (grpc-java's own Netty server, started for the run in user-service's
# container, so that only the server differs), each back to back and with an idle gap before every
# call (as an edge of the bench's mix meets its hops: between two calls the process has slept), in
# alternating rounds. With --poll-idle (root), it runs the same rounds a second time with
# /dev/cpu_dma_latency held at 0, so that an idle CPU of this machine polls instead of halting: if
# the gap's cost were the guest's idle state, it would vanish there. A figure, not a test: it depends
# on the machine and on what else runs on it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
poll=false
[ "${1:-}" = --poll-idle ] && { poll=true; shift; }
samples=${1:-500}
gap=${2:-20}
rounds=${3:-3}
container=nova-messaging-service-1
server=nova-user-service-1
bare_port=9999
libs="$root/nova-services/messaging-service/target/libs"

for c in "$container" "$server"; do
  docker inspect "$c" >/dev/null 2>&1 || { echo "no $c: start the stack first (./nova up)" >&2; exit 1; }
done
[ -d "$libs" ] || { echo "no $libs: build messaging-service first (./nova build)" >&2; exit 1; }
# A JDK >= 21 (the services' runtime; this kind of machine's default javac is 17's): scripts/ci.sh's.
# shellcheck source=scripts/ci.sh
. "$here/ci.sh"
jdk=$(find_jdk) || { echo "no JDK >= 21 found (./nova doctor installs one)" >&2; exit 1; }
classes=$(mktemp -d)
stop_bare() { docker exec "$server" sh -c 'kill "$(cat /tmp/hop-cost/bare.pid)" 2>/dev/null; rm -f /tmp/hop-cost/bare.pid' || true; }
trap 'rm -rf "$classes"; stop_bare' EXIT
"$jdk/bin/javac" --release 21 -d "$classes" -cp "$libs/*" "$here/HopCost.java" "$here/BareGrpcServer.java"
for c in "$container" "$server"; do
  docker exec "$c" mkdir -p /tmp/hop-cost
  docker cp "$classes/." "$c:/tmp/hop-cost/" >/dev/null
done
# The bare server lives at most an hour, should this script be killed before its trap runs. A small
# heap: it shares the container's memory limit with user-service's own JVM.
docker exec "$server" rm -f /tmp/hop-cost/bare.pid
docker exec -d "$server" java -Xmx48m -XX:MaxDirectMemorySize=32m -XX:+UseSerialGC -cp "/tmp/hop-cost:/app/libs/*" BareGrpcServer "$bare_port" 3600 /tmp/hop-cost/bare.pid
for _ in $(seq 1 50); do
  docker exec "$server" test -s /tmp/hop-cost/bare.pid && break
  sleep 0.2
done
docker exec "$server" test -s /tmp/hop-cost/bare.pid || { echo "BareGrpcServer did not start in $server" >&2; exit 1; }
echo "== gRPC servers: user-service-1:8080 is Helidon's (user-service itself); user-service-1:$bare_port is grpc-java's own (BareGrpcServer, same container)"
probe() {
  docker exec "$container" java -cp "/tmp/hop-cost:/app/libs/*" HopCost redis \
    "user-service-1:8080,user-service-1:$bare_port" "$samples" "$gap" "$rounds"
}

echo "== this machine's idle state ($(cat /sys/devices/system/cpu/cpuidle/current_driver 2>/dev/null || echo 'no cpuidle driver'))"
probe
if $poll; then
  [ "$(id -u)" = 0 ] || { echo "--poll-idle needs root (/dev/cpu_dma_latency)" >&2; exit 1; }
  echo "== /dev/cpu_dma_latency held at 0: idle CPUs poll"
  exec 3>/dev/cpu_dma_latency
  printf '\x00\x00\x00\x00' >&3
  probe
  exec 3>&-
fi
