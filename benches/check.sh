#!/usr/bin/env bash
# Time and peak memory of `ashlar check` and `ashlar build` on a generated plan,
# the best of RUNS runs (default 3). Every argument goes to the generator:
#   benches/check.sh --spokes 1000 --subnets 8 --vms 10000 --scale-sets 100 \
#       --update-groups 20 --pools 20 --policies 50
# With no arguments, that plan (the issue's target: 1,000 spokes, 8,000
# subnets, 10,000 machines, 50 policies). ASHLAR names another binary to time
# (an older build, to compare); by default the release build of this tree.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
if [ $# -eq 0 ]; then
  set -- --spokes 1000 --subnets 8 --vms 10000 --scale-sets 100 --update-groups 20 --pools 20 --policies 50
fi
cargo build --release --quiet --example gen
if [ -z "${ASHLAR:-}" ]; then
  cargo build --release --quiet
fi
ashlar=${ASHLAR:-target/release/ashlar}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/plan"
target/release/examples/gen "$@" > "$dir/plan/plan.ashlar"
echo "plan: $*: $(wc -c < "$dir/plan/plan.ashlar") bytes"
for cmd in check build; do
  args=("$cmd" "$dir/plan" --format short)
  [ "$cmd" = build ] && args+=(-o "$dir/out")
  best=""
  for _ in $(seq "$runs"); do
    line=$(/usr/bin/time -f "%e %M" "$ashlar" "${args[@]}" 2>&1 >/dev/null | tail -1)
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then best=$line; fi
  done
  echo "$cmd: ${best%% *} s wall, ${best##* } KiB peak RSS (best of $runs)"
done
"$ashlar" build "$dir/plan" -o "$dir/out" --format short -v 2>&1 | grep -E "^wrote|^  " || true
du -sh "$dir/out" | awk '{print "output: " $1}'
