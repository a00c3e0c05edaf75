#!/usr/bin/env python3
"""Builds compiler/data/policy-aliases.json, the Azure Policy alias catalogue
ashlar evaluates assigned definitions with, from the output of

    az provider list --expand resourceTypes/aliases > providers.json

(or any file in that format: a JSON array of providers, each with its
`namespace` and `resourceTypes[].aliases`, or `{ "value": [...] }`), or from
the provider files of Microsoft's PSRule for Azure (repository
Azure/PSRule.Rules.Azure, `data/providers/<namespace>/types.json`): a JSON
array of resource types, each with `resourceType` and `aliases`, a map of
alias name to its default path, the namespace being the file's folder.
A PSRule alias keeps its name and `defaultPath`; it has no `paths` by API
version and no `defaultMetadata` (docs/azure-policy.md says what follows).

Only the resource types ashlar emits are kept: the rows of
compiler/src/azure/resource_types.rs. Each alias keeps its `name`,
`defaultPath`, `paths` and `defaultMetadata`, as Azure wrote them.

    python3 scripts/azure-policy-aliases/build.py providers.json [more.json ...]
    python3 scripts/azure-policy-aliases/build.py PSRule.Rules.Azure/data/providers/*/types.json

Several inputs may be given; an alias found in an earlier file is kept from it.
Then update compiler/data/README.md ("policy-aliases.json") with the source
and the date.
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TYPES = ROOT / "compiler/src/azure/resource_types.rs"
OUT = ROOT / "compiler/data/policy-aliases.json"


def emitted_types():
    text = TYPES.read_text()
    return sorted(set(re.findall(r'row\("(Microsoft\.[A-Za-z]+/[A-Za-z/]+)"', text)))


def providers(path):
    """The providers a file holds, in the format of `az provider list`."""
    data = json.loads(Path(path).read_text())
    if isinstance(data, dict):
        data = data.get("value", [])
    if data and all(isinstance(t, dict) and "resourceType" in t and "namespace" not in t for t in data):
        return [psrule_provider(path, data)]
    return data


def psrule_provider(path, types):
    """A PSRule `data/providers/<namespace>/types.json` as one provider of
    `az provider list`: each alias map becomes a list of aliases with their
    `defaultPath` and no `paths`."""
    namespace = Path(path).resolve().parent.name
    resource_types = []
    for rt in types:
        aliases = rt.get("aliases") or {}
        resource_types.append({
            "resourceType": rt["resourceType"],
            "aliases": [{"name": name, "defaultPath": aliases[name], "paths": []} for name in sorted(aliases)],
        })
    return {"namespace": namespace, "resourceTypes": resource_types}


def main(inputs):
    wanted = {t.lower(): t for t in emitted_types()}
    found = {}
    for path in inputs:
        for provider in providers(path):
            namespace = provider.get("namespace", "")
            for rt in provider.get("resourceTypes", []):
                full = f"{namespace}/{rt.get('resourceType', '')}"
                key = full.lower()
                if key not in wanted:
                    continue
                # The namespace as ashlar spells it (PSRule's folders are lower case).
                spelled = wanted[key].split("/", 1)[0]
                aliases = [
                    {k: a[k] for k in ("name", "defaultPath", "paths", "defaultMetadata") if k in a}
                    for a in rt.get("aliases", [])
                ]
                if not aliases:
                    continue
                # A type listed twice (as some exports do) keeps the union; an alias's first listing wins.
                _, _, known = found.setdefault(key, (spelled, wanted[key].split("/", 1)[1], []))
                names = {a["name"].lower() for a in known}
                known.extend(a for a in aliases if a["name"].lower() not in names)
                known.sort(key=lambda a: a["name"].lower())
    by_namespace = {}
    for key in sorted(found):
        namespace, rtype, aliases = found[key]
        by_namespace.setdefault(namespace, []).append({"resourceType": rtype, "aliases": aliases})
    out = [{"namespace": ns, "resourceTypes": types} for ns, types in sorted(by_namespace.items())]
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    missing = [wanted[k] for k in sorted(wanted) if k not in found]
    print(f"{OUT.relative_to(ROOT)}: {len(found)} of {len(wanted)} types", file=sys.stderr)
    for t in missing:
        print(f"  no aliases for {t}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
