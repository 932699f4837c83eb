#!/bin/sh
# Generates Nova's Python gRPC client stubs from its contracts, the way a downstream team does it
# with Debian's packages only: protoc 3.21 (protobuf-compiler; the well-known types from
# libprotobuf-dev) and grpc_python_plugin 1.51 (protobuf-compiler-grpc), the versions of Debian's
# python3-protobuf and python3-grpcio runtimes. Not python3-grpc-tools: trixie's is grpcio-tools
# 1.14.1, whose bundled protoc 3.5.1 rejects proto3 `optional` fields (auth.proto, user.proto).
#
#   generate-stubs.sh OUT_DIR CONTRACTS_DIR [HEALTH_DIR]
#
# CONTRACTS_DIR: Nova's .proto files (contracts/src/main/proto, or the proto files of the
# nova-contracts jar). HEALTH_DIR (default: proto/ beside this script) holds grpc's own health.proto
# under grpc_health/, the module name of Python's grpcio-health-checking: under grpc/ the grpc
# package itself would shadow it. Debian packages no grpc_health module.
# Then: PYTHONPATH=OUT_DIR python3 -c 'import nova.user.v1.user_pb2_grpc'
set -eu
out=$1
contracts=$2
health=${3:-$(dirname "$0")/proto}
for tool in protoc grpc_python_plugin; do
  command -v "$tool" >/dev/null || {
    echo "$tool is missing: apt-get install -y protobuf-compiler protobuf-compiler-grpc libprotobuf-dev" >&2
    exit 2
  }
done
mkdir -p "$out"
# Files named under their -I root, so protoc maps each to its import path.
find "$health" "$contracts" -name '*.proto' | sort | xargs protoc -I "$health" -I "$contracts" -I /usr/include \
  --python_out="$out" --grpc_out="$out" --plugin=protoc-gen-grpc="$(command -v grpc_python_plugin)"
