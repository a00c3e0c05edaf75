#!/usr/bin/env bash
# Time and peak memory of `ashlar check` (the default, human report) on plans
# of shapes that once took time out of proportion to their size: a landing
# zone as teams write one, a big `tags` map, many DNS servers, a long
# misspelt name, many blocks of one name, many references to a misspelt
# name. Each shape at two or three sizes, to show how the time grows with
# the plan.
#   benches/adversarial.sh                 # every shape
#   benches/adversarial.sh tags long-name  # some of them
# Environment: ASHLAR (the binary, default target/release/ashlar),
# LIMIT (seconds before a run is stopped, default 300), RUNS (best of, default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${LIMIT:-300}
runs=${RUNS:-1}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --example gen
if [ -z "${ASHLAR:-}" ]; then
  cargo build --release --quiet
  ASHLAR="$target/release/ashlar"
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# name | generator flags, one size a line (the sizes separated by `;`)
shapes=(
  "landing-zone|--spokes 250 --landing-zone;--spokes 500 --landing-zone;--spokes 1000 --landing-zone"
  "nsg-nat|--spokes 1000 --shared-rules --nat;--spokes 2000 --shared-rules --nat;--spokes 4000 --shared-rules --nat"
  "tags|--spokes 10 --tags 20000;--spokes 10 --tags 40000;--spokes 10 --tags 100000"
  "dns-servers|--spokes 10 --dns-servers 50000;--spokes 10 --dns-servers 100000;--spokes 10 --dns-servers 200000"
  "tags-and-dns|--spokes 10 --tags 50000 --dns-servers 50000;--spokes 10 --tags 100000 --dns-servers 100000"
  "long-name|--spokes 10 --long-name 100000;--spokes 10 --long-name 200000;--spokes 10 --long-name 1000000"
  "duplicates|--spokes 10 --duplicates 8000;--spokes 10 --duplicates 16000;--spokes 10 --duplicates 60000"
  "misspelt-hub|--spokes 2000 --subnets 1 --misspelt-hub;--spokes 4000 --subnets 1 --misspelt-hub;--spokes 8000 --subnets 1 --misspelt-hub"
)

wanted=("$@")
printf '%-14s %-45s %10s %9s %9s\n' shape flags bytes seconds "peak MiB"
for shape in "${shapes[@]}"; do
  name=${shape%%|*}
  if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
  IFS=';' read -ra sizes <<< "${shape#*|}"
  for flags in "${sizes[@]}"; do
    # shellcheck disable=SC2086
    "$target/release/examples/gen" $flags > "$dir/plan.ashlar"
    bytes=$(wc -c < "$dir/plan.ashlar")
    best=""
    for _ in $(seq "$runs"); do
      /usr/bin/time -v timeout "$limit" "$ASHLAR" check "$dir/plan.ashlar" > /dev/null 2> "$dir/time" || true
      if ! grep -q "Exit status: [01]$" "$dir/time"; then best="over ${limit} s"; break; fi
      seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$dir/time")
      kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$dir/time")
      if [ -z "$best" ] || awk -v a="$seconds" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
        best="$seconds $(awk -v k="$kib" 'BEGIN { printf "%.0f", k / 1024 }')"
      fi
    done
    if [[ $best == over* ]]; then
      printf '%-14s %-45s %10s %9s %9s\n' "$name" "$flags" "$bytes" "$best" -
    else
      printf '%-14s %-45s %10s %9s %9s\n' "$name" "$flags" "$bytes" "${best%% *}" "${best##* }"
    fi
  done
done
