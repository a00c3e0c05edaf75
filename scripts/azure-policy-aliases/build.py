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

It also reads the markdown the repository maciejporebski/azure-policy-aliases
writes from Azure PowerShell's `Get-AzPolicyAlias -ListAvailable`: one file a
resource type, `aliases/<Namespace>/<type, its slashes as dashes>.md`, headed
`# <Namespace>/<type>` and holding a table `| Default Path | Alias |` whose
cells are in backquotes. A folder given is searched for such files (give the
`aliases` folder, or a namespace's); a `.md` file given is read alone. As with
PSRule, an alias keeps its name and `defaultPath` only.

Only the resource types ashlar emits are kept: the rows of
compiler/src/azure/resource_types.rs. Each alias keeps its `name`,
`defaultPath`, `paths` and `defaultMetadata`, as Azure wrote them.

    python3 scripts/azure-policy-aliases/build.py providers.json [more.json ...]
    python3 scripts/azure-policy-aliases/build.py PSRule.Rules.Azure/data/providers/*/types.json
    python3 scripts/azure-policy-aliases/build.py azure-policy-aliases/aliases

Several inputs may be given; an alias found in an earlier file is kept from it
(alias names are compared ignoring case, as regorus looks them up).
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
    """The providers a file (or a folder of markdown) holds, in the format of `az provider list`."""
    path = Path(path)
    if path.is_dir():
        return [markdown_provider(f) for f in sorted(path.rglob("*.md")) if is_alias_table(f)]
    if path.suffix == ".md":
        return [markdown_provider(path)]
    data = json.loads(path.read_text())
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


TABLE_HEAD = "| Default Path | Alias |"


def is_alias_table(path):
    """Whether a markdown file is one type's alias table (a folder may hold a README)."""
    lines = path.read_text().splitlines()
    return len(lines) >= 3 and lines[0].startswith("# ") and TABLE_HEAD in lines


def markdown_provider(path):
    """One type's markdown table of `Get-AzPolicyAlias` as one provider of
    `az provider list`, with each alias's `defaultPath` and no `paths`."""
    lines = Path(path).read_text().splitlines()
    if not lines or not lines[0].startswith("# ") or TABLE_HEAD not in lines:
        sys.exit(f"{path}: not a table of aliases (`# Namespace/type`, then `{TABLE_HEAD}`)")
    full = lines[0][2:].strip()
    namespace, _, rtype = full.partition("/")
    aliases = {}
    for n, line in enumerate(lines[lines.index(TABLE_HEAD) + 2:], start=lines.index(TABLE_HEAD) + 3):
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or not all(len(c) > 2 and c[0] == "`" and c[-1] == "`" for c in cells):
            sys.exit(f"{path}:{n}: expected `| `path` | `alias` |`, found {line!r}")
        default_path, name = (c[1:-1] for c in cells)
        aliases.setdefault(name, default_path)
    return {
        "namespace": namespace,
        "resourceTypes": [{
            "resourceType": rtype,
            "aliases": [{"name": name, "defaultPath": aliases[name], "paths": []} for name in sorted(aliases, key=str.lower)],
        }],
    }


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
