#!/usr/bin/env bash
# The language server's latency from a didChange to its publishDiagnostics, on a
# generated plan split over 5 files (p50 and p95 over 20 changes).
#   benches/lsp.sh [SPOKES] [SUBNETS] [FILES]     (default 500 x 4 in 5 files: about 5,000 lines)
set -euo pipefail
cd "$(dirname "$0")/.."
spokes=${1:-500}
subnets=${2:-4}
files=${3:-5}
cargo build --release --quiet --example gen --example lsp_bench
cargo build --release --quiet
target=${CARGO_TARGET_DIR:-target}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$target/release/examples/gen" --spokes "$spokes" --subnets "$subnets" > "$dir/plan.ashlar"
"$target/release/examples/lsp_bench" "$dir/plan.ashlar" "$target/release/ashlar" "$files"
