#!/usr/bin/env bash
# This repository was split from the Nova platform by `./nova split`: one module, its history kept.
# The same CI commands as the platform's `./nova ci`, for this module (the Jenkinsfile calls them):
#   ./nova ci <stage> [artifactId]   quality build unit integration contract-gate api-compat image publish deploy
#   ./nova ci pipeline [artifactId]  every stage up to the image (services) or the API check (libraries)
#   ./nova release <artifactId> <version>   a library: API check, tag, publish (NOVA_REPOSITORY_URL)
# Nova's libraries come from the release repository only (.mvn/settings.xml, NOVA_REPOSITORY_URL).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"

say() { printf '%-6s %s\n' "$1" "$2"; }
die() { say FAIL "$1"; exit 1; }
mvnw() { "$ROOT/mvnw" -B -ntp "$@"; }
# shellcheck source=/dev/null
. "$ROOT/.ci/ci.sh"

SELF=$(pom_value "$ROOT/pom.xml" artifactId)
module_dir() { if [ "$1" = "$SELF" ]; then echo .; else return 1; fi; }

usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; }

cmd=${1:-help}; shift || true
case "$cmd" in
  ci)
    ensure_jdk >/dev/null
    stage=${1:-}; shift || true
    case "$stage" in
      pipeline) ci_pipeline "${1:-$SELF}" ;;
      "") usage; exit 2 ;;
      *) ci_stage "$stage" "${1:-$SELF}" ;;
    esac ;;
  release) ensure_jdk >/dev/null; nova_release "${1:-}" "${2:-}" ;;
  help|-h|--help) usage ;;
  *) usage; exit 2 ;;
esac
