#!/usr/bin/env bash
# The language server's latency from a didChange to its publishDiagnostics, on a
# generated plan split over FILES files (5 unless set): the median and worst of
# 20 single edits, and of the last edit of 10 bursts of 20 edits 30 ms apart.
#   benches/lsp.sh [GEN FLAGS]
# With no flags, the plan of docs/performance.md: about 5,100 lines with NSGs,
# a firewall with rules, policies and machines.
set -euo pipefail
cd "$(dirname "$0")/.."
files=${FILES:-5}
if [ $# -eq 0 ]; then
  set -- --spokes 140 --subnets 4 --nsg-rules 8 --shared-rules --policies 20 --firewall-rules 300 --vms 300
fi
cargo build --release --quiet --example gen --example lsp_bench
cargo build --release --quiet
target=${CARGO_TARGET_DIR:-target}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$target/release/examples/gen" "$@" > "$dir/plan.ashlar"
"$target/release/examples/lsp_bench" "$dir/plan.ashlar" "$target/release/ashlar" "$files"
