#!/usr/bin/env bash
# Time and peak memory of `ashlar check` with the organisation's Azure Policy:
# N assigned definitions (default 200) over a generated plan (by default the
# issue's target plan: 1,000 spokes, 8,000 subnets, 10,000 machines), against
# `ashlar check` of the same plan without them. The assignments cycle through
# the vendored built-in definitions that ashlar can evaluate, each with its own
# parameters (allowed locations, a required tag, a tag added, no public IPs on
# network interfaces, managed disks, allowed VM sizes), chosen so that the
# generated plan complies with most of them, as a plan that deploys does: one
# assignment in ten requires a tag the plan lacks, so findings are reported
# too. Every further argument goes to the generator.
#   benches/azure-policy.sh [N] [generator flags]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
shift || true
if [ $# -eq 0 ]; then
  set -- --spokes 1000 --subnets 8 --vms 10000 --scale-sets 100 --update-groups 20 --pools 20 --policies 50
fi
cargo build --release --quiet --example gen
cargo build --release --quiet
ashlar=target/release/ashlar
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/plan"
target/release/examples/gen "$@" > "$dir/plan/plan.ashlar"
python3 - "$n" > "$dir/assignments.json" <<'PY'
import json, sys
n = int(sys.argv[1])
sub = "/subscriptions/11111111-2222-3333-4444-555555555555"
p = "/providers/Microsoft.Authorization/policyDefinitions/"
kinds = [
    ("e56962a6-4747-49cd-b67b-bf8b01975c4c", lambda i: {"listOfAllowedLocations": {"value": ["uksouth", "ukwest", "westeurope"][: 1 + i % 3]}}),
    ("871b6d14-10aa-478d-b590-94f262ecfa99", lambda i: {"tagName": {"value": f"costCenter{i}" if i % 10 == 1 else ["owner", "environment"][i % 2]}}),
    ("4f9dc7db-30c1-420c-b61a-e1d640128d26", lambda i: {"tagName": {"value": ["owner", "environment"][i % 2]}, "tagValue": {"value": str(i)}}),
    ("83a86a26-fd1f-447c-b59d-e51f44264114", lambda i: {}),
    ("06a78e20-9358-41c9-923c-fb736d382a4d", lambda i: {}),
    ("cccc23c7-8427-4f53-ad12-b6a63eb452b3", lambda i: {"listOfAllowedSKUs": {"value": ["Standard_D2s_v5", "Standard_D4s_v5"]}}),
]
out = []
for i in range(n):
    definition, params = kinds[i % len(kinds)]
    out.append({"name": f"a{i}", "policyDefinitionId": p + definition, "scope": sub, "parameters": params(i)})
print(json.dumps(out))
PY
echo "plan: $*: $(wc -c < "$dir/plan/plan.ashlar") bytes; $n assignments"
measure() {
  /usr/bin/time -v "$ashlar" check "$dir/plan" --format short "$@" 2>&1 >/dev/null |
    awk -F': ' '/Elapsed \(wall clock\)/ { t = $2 } /Maximum resident set size/ { m = $2 } END { printf "%s wall, %.0f MiB peak RSS\n", t, m / 1024 }'
}
echo "check:                 $(measure)"
echo "check --azure-policy:  $(measure --azure-policy "$dir/assignments.json")   (subscription unknown)"
printf '[azure_policy]\nsubscription = "11111111-2222-3333-4444-555555555555"\n' > "$dir/plan/ashlar.toml"
echo "check --azure-policy:  $(measure --azure-policy "$dir/assignments.json")   (subscription in ashlar.toml)"
"$ashlar" check "$dir/plan" --format short --azure-policy "$dir/assignments.json" 2>&1 | grep -oE '(error|warning|info)\[ASH70[0-9]\]' | sort | uniq -c || true
