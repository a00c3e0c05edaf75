#!/usr/bin/env bash
# Time and peak memory of `ashlar check` on plans that are mostly `auto`
# prefixes, the best of RUNS runs (default 1):
#   benches/allocation.sh spaces 4000    # 4,000 vnets, each `address_space = [auto /24]`, one /8 pool
#   benches/allocation.sh subnets 4000   # one vnet in 10.0.0.0/16 with 4,000 `subnet sN auto /29`
#   benches/allocation.sh spaces 4000 literal   # the same prefixes written out
# With no arguments, spaces and subnets at 1,000, 2,000 and 4,000.
# ASHLAR=path/to/ashlar times another binary (default: target/release/ashlar, built first).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-1}
if [ -z "${ASHLAR:-}" ]; then
  cargo build --release --quiet
  ASHLAR=target/release/ashlar
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# Writes the plan of one case to $dir/plan/plan.ashlar.
generate() {
  local shape=$1 n=$2 literal=${3:-}
  rm -rf "$dir/plan" && mkdir -p "$dir/plan"
  awk -v shape="$shape" -v n="$n" -v literal="$literal" 'BEGIN {
    print "settings { location = uksouth }"
    if (shape == "spaces") {
      print "address_pool big { address_space = [10.0.0.0/8] }"
      for (i = 0; i < n; i++) {
        space = literal ? sprintf("10.%d.%d.0/24", int(i / 256), i % 256) : "auto /24"
        printf "vnet v%d {\n  resource_group = \"rg\"\n  address_pool = big\n  address_space = [%s]\n}\n", i, space
      }
    } else {
      print "vnet net {\n  resource_group = \"rg\"\n  address_space = [10.0.0.0/16]"
      for (i = 0; i < n; i++) {
        prefix = literal ? sprintf("10.0.%d.%d/29", int(i / 32), (i % 32) * 8) : "auto /29"
        printf "  subnet s%d %s\n", i, prefix
      }
      print "}"
    }
  }' > "$dir/plan/plan.ashlar"
}

run() {
  local shape=$1 n=$2 literal=${3:-}
  generate "$shape" "$n" "$literal"
  local best=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -v -o "$dir/time" "$ASHLAR" check "$dir/plan" --format short > "$dir/out" 2>&1 || true
    local secs kib
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$dir/time")
    kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$dir/time")
    if [ -z "$best" ] || awk -v a="$secs" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then best="$secs $kib"; fi
  done
  local summary
  summary=$(grep -Eo '[0-9]+ errors?, [0-9]+ warnings?' "$dir/out" | tail -1 || true)
  printf '%-8s %6d %-8s %8.2f s %8.1f MiB peak  (%s)\n' "$shape" "$n" "${literal:-auto}" "${best%% *}" \
    "$(awk -v k="${best##* }" 'BEGIN { print k / 1024 }')" "${summary:-no summary}"
}

if [ $# -eq 0 ]; then
  for shape in spaces subnets; do
    for n in 1000 2000 4000; do run "$shape" "$n"; done
  done
else
  run "$@"
fi
