#!/usr/bin/env bash
# Time and peak memory of `ashlar check` and `ashlar build` on generated plans.
#   benches/check.sh [SPOKES] [SUBNETS]     (default 1000 x 8)
set -euo pipefail
cd "$(dirname "$0")/.."
spokes=${1:-1000}
subnets=${2:-8}
cargo build --release --quiet --example gen
cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/plan"
target/release/examples/gen --spokes "$spokes" --subnets "$subnets" > "$dir/plan/plan.ashlar"
echo "plan: $spokes spokes x $subnets subnets, $(wc -c < "$dir/plan/plan.ashlar") bytes"
for cmd in check build; do
  args=("$cmd" "$dir/plan")
  [ "$cmd" = build ] && args+=(-o "$dir/out")
  /usr/bin/time -f "$cmd: %e s wall, %M KiB peak RSS" target/release/ashlar "${args[@]}" 2>&1 | grep -E "^$cmd:|error" || true
done
du -sh "$dir/out" | awk '{print "output: " $1}'
