#!/usr/bin/env python3
"""Rebuilds compiler/data/vm-sizes.csv from Microsoft's size documentation.

The source is the markdown of Microsoft Learn's "Sizes for virtual machines in
Azure", kept in the MicrosoftDocs/azure-compute-docs repository. Check out the
pages (a sparse checkout of articles/virtual-machines is enough):

    git clone --depth 1 --filter=blob:none --sparse \
        https://github.com/MicrosoftDocs/azure-compute-docs
    git -C azure-compute-docs sparse-checkout set articles/virtual-machines

then run, from the repository's root:

    python3 scripts/vm-sizes/build.py azure-compute-docs \
        --commit "$(git -C azure-compute-docs rev-parse HEAD)"

What each column comes from (compiler/data/README.md says the same):

- vcpus, memory_gib: the series page's "Basics" table;
- max_data_disks: its "Remote Storage" table ("Max Remote Storage Disks");
- max_nics: its "Network" table ("Max NICs");
- premium_storage, accelerated_networking, generations: its "Feature support"
  list ("Premium Storage: Supported", "Accelerated Networking: Required",
  "VM Generation Support: Generation 1 and 2", "Generation 1 VMs: Not
  Supported", ...), and a note on the page that narrows one of them to named
  sizes ("Accelerated Networking is only supported for Standard_B12ms, ...");
- trusted_launch: the table of articles/virtual-machines/trusted-launch.md,
  by series where it names the series, else by family; "yes" only for sizes
  known to boot generation 2;
- encryption_at_host: "unknown" for every size: Microsoft publishes no list
  ("You can find the list of supported VM sizes by ... the Resource Skus API").

Nothing is guessed. Where two of Microsoft's pages disagree the value is
"unknown", and ashlar claims nothing from it:

- premium_storage, when the feature list contradicts the size's name (the
  `s` feature, or the DS and GS series, of "Azure virtual machine sizes
  naming conventions");
- generations, when the page gives generation 1 only but
  articles/virtual-machines/generation-2.md lists the size's family as
  supporting generation 2;
- accelerated_networking, when the page says "Supported" for a size with one
  vCPU: the Accelerated Networking overview supports it on sizes "with two or
  more vCPUs".
"""

import argparse
import datetime
import pathlib
import re
import sys

SIZES = "articles/virtual-machines/sizes"

# Each series page read, with the family page the trusted launch and
# generation 2 tables name it by.
SERIES = [
    ("general-purpose/av2-series.md", "general-purpose/a-family.md"),
    ("general-purpose/bv1-series.md", "general-purpose/b-family.md"),
    ("general-purpose/bsv2-series.md", "general-purpose/b-family.md"),
    ("general-purpose/basv2-series.md", "general-purpose/b-family.md"),
    ("general-purpose/dv2-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dsv2-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dv3-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dsv3-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dv4-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dsv4-series.md", "general-purpose/d-family.md"),
    ("general-purpose/ddv4-series.md", "general-purpose/d-family.md"),
    ("general-purpose/ddsv4-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dav4-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dasv4-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dv5-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dsv5-series.md", "general-purpose/d-family.md"),
    ("general-purpose/ddv5-series.md", "general-purpose/d-family.md"),
    ("general-purpose/ddsv5-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dasv5-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dadsv5-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dlsv5-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dldsv5-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dsv6-series.md", "general-purpose/d-family.md"),
    ("general-purpose/ddsv6-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dasv6-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dadsv6-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dlsv6-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dldsv6-series.md", "general-purpose/d-family.md"),
    ("general-purpose/dalsv6-series.md", "general-purpose/d-family.md"),
    ("general-purpose/daldsv6-series.md", "general-purpose/d-family.md"),
    # One page, two series: each read from its own section ("## Ev3-series").
    ("memory-optimized/ev3-esv3-series.md#ev3", "memory-optimized/e-family.md"),
    ("memory-optimized/ev3-esv3-series.md#esv3", "memory-optimized/e-family.md"),
    ("memory-optimized/ev4-series.md", "memory-optimized/e-family.md"),
    ("memory-optimized/esv4-series.md", "memory-optimized/e-family.md"),
    ("memory-optimized/edv4-series.md", "memory-optimized/e-family.md"),
    ("memory-optimized/edsv4-series.md", "memory-optimized/e-family.md"),
    ("memory-optimized/eav4-series.md", "memory-optimized/e-family.md"),
    ("memory-optimized/easv4-series.md", "memory-optimized/e-family.md"),
    ("memory-optimized/ev5-series.md", "memory-optimized/e-family.md"),
    ("memory-optimized/esv5-series.md", "memory-optimized/e-family.md"),
    ("memory-optimized/edsv5-series.md", "memory-optimized/e-family.md"),
    ("memory-optimized/easv5-series.md", "memory-optimized/e-family.md"),
    ("memory-optimized/eadsv5-series.md", "memory-optimized/e-family.md"),
    ("memory-optimized/esv6-series.md", "memory-optimized/e-family.md"),
    ("memory-optimized/edsv6-series.md", "memory-optimized/e-family.md"),
    ("memory-optimized/easv6-series.md", "memory-optimized/e-family.md"),
    ("memory-optimized/eadsv6-series.md", "memory-optimized/e-family.md"),
    ("compute-optimized/fsv2-series.md", "compute-optimized/f-family.md"),
    ("compute-optimized/fasv6-series.md", "compute-optimized/f-family.md"),
    ("compute-optimized/falsv6-series.md", "compute-optimized/f-family.md"),
    ("compute-optimized/famsv6-series.md", "compute-optimized/f-family.md"),
    ("storage-optimized/lsv2-series.md", "storage-optimized/l-family.md"),
    ("storage-optimized/lsv3-series.md", "storage-optimized/l-family.md"),
    ("storage-optimized/lasv3-series.md", "storage-optimized/l-family.md"),
    ("gpu-accelerated/ncast4v3-series.md", "gpu-accelerated/nc-family.md"),
    ("gpu-accelerated/nca100v4-series.md", "gpu-accelerated/nc-family.md"),
    ("gpu-accelerated/nvv4-series.md", "gpu-accelerated/nv-family.md"),
    ("gpu-accelerated/nvadsa10v5-series.md", "gpu-accelerated/nv-family.md"),
]

# Names a page's "Basics" table misspells, with the evidence for the fix.
ERRATA = {
    # bv1-series.md: the Basics, Remote Storage and Network tables say
    # Standard_B1ls2; the same page's CPU Burst table and its note "B1ls is
    # supported only on Linux" name the size Standard_B1ls.
    "Standard_B1ls2": "Standard_B1ls",
    # dav4-series.md: every table says Standard_D2a_v41, a footnote mark run
    # into the name (the page's other sizes are Standard_D<n>a_v4; its sibling
    # dasv4-series.md says Standard_D2as_v4).
    "Standard_D2a_v41": "Standard_D2a_v4",
    # lsv2-series.md: the Basics and Network tables say Standard_L80s_v26 (a
    # footnote mark); the same page's Local and Remote Storage tables say
    # Standard_L80s_v2.
    "Standard_L80s_v26": "Standard_L80s_v2",
}

COLUMNS = [
    "name",
    "vcpus",
    "memory_gib",
    "premium_storage",
    "accelerated_networking",
    "generations",
    "max_data_disks",
    "max_nics",
    "encryption_at_host",
    "trusted_launch",
    "series",
]


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def section(text, anchor):
    """The part of a page under the heading `## <anchor>-series` (pages that hold two series)."""
    found = re.search(rf"^## {re.escape(anchor)}-series\s*$(.*?)(?=^## |\Z)", text, re.M | re.S | re.I)
    if not found:
        sys.exit(f"no section '## {anchor}-series'")
    return found.group(1)


def unlink(text):
    """`[Premium Storage](../x.md)` -> `Premium Storage`; drops `<br>` and footnote digits."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return text.replace("<br>", "").strip()


def tables(text):
    """Every table whose header has a `Size Name` column: (header, rows)."""
    lines = text.splitlines()
    found = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("|") and ("size name" in line.lower() or (cells(line) or [""])[0].lower() == "size"):
            header = cells(line)
            rows = []
            i += 2  # the header and its `| --- |` line
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                row = cells(lines[i])
                if row and row[0]:
                    rows.append(row)
                i += 1
            found.append((header, rows))
        else:
            i += 1
    return found


def column(header, *prefixes):
    for i, name in enumerate(header):
        if any(name.lower().startswith(p) for p in prefixes):
            return i
    return None


def number(text):
    # The older pages write "Max NICs / Network bandwidth" in one cell: "2/1000".
    text = text.replace(",", "").split("/")[0].strip()
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        return None
    return text


def features(text):
    """The feature list, as {lower-case feature name: lower-case status}."""
    found = {}
    for raw in re.split(r"<br>|\n", text):
        line = unlink(raw).strip().lstrip("-").strip()
        if line.startswith("|"):
            parts = cells(line)
            if len(parts) >= 2:
                name, status = parts[0], parts[1]
            else:
                continue
        elif ":" in line:
            name, status = line.split(":", 1)
        else:
            continue
        name = re.sub(r"\d+$", "", name.strip()).strip().lower()
        status = status.strip().lower()
        if name in ("premium storage", "accelerated networking", "vm generation support", "generation 1 vms", "generation 2 vms"):
            found.setdefault(name, status)
    return found


def only_supported_for(text, feature):
    """Sizes a note narrows a feature to: "X is only supported for A, B and C"."""
    for line in text.splitlines():
        plain = unlink(line.lstrip("> "))
        if feature.lower() in plain.lower() and "only supported for" in plain:
            return set(re.findall(r"Standard_\w+", plain.split("only supported for", 1)[1]))
    return None


def yes_no(status):
    if status is None:
        return "unknown"
    if status.startswith("not supported"):
        return "no"
    if status.startswith("required"):
        return "required"
    if status.startswith("supported"):
        return "yes"
    return "unknown"


def generations(feats):
    support = feats.get("vm generation support")
    if support is not None:
        has1 = "generation 1" in support
        has2 = "2" in support.replace("generation 1", "")
        return {(True, True): "1+2", (True, False): "1", (False, True): "2"}.get((has1, has2), "unknown")
    g1, g2 = yes_no(feats.get("generation 1 vms")), yes_no(feats.get("generation 2 vms"))
    if "unknown" in (g1, g2):
        return "unknown"
    return {("yes", "yes"): "1+2", ("yes", "no"): "1", ("no", "yes"): "2"}.get((g1, g2), "unknown")


def name_says_premium(name):
    """The naming convention: the `s` feature, or the DS and GS series."""
    m = re.match(r"(?:Standard|Basic)_([A-Z]+)\d+(?:-\d+)?([a-z]*)", name)
    if not m:
        return None
    return "s" in m.group(2) or m.group(1) in ("DS", "GS")


def family_table(text):
    """Page names in a table of families and series: {file name: column index}."""
    found = {}
    for line in text.splitlines():
        if not line.startswith("|") or "](" not in line:
            continue
        for index, cell in enumerate(cells(line)):
            for target in re.findall(r"\]\(([^)#]+)", cell):
                found.setdefault(pathlib.PurePosixPath(target).name, index)
    return found


def read(root, relative):
    path = root / relative
    if not path.exists():
        sys.exit(f"missing {path}: check out articles/virtual-machines of MicrosoftDocs/azure-compute-docs")
    return path.read_text(encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("docs", type=pathlib.Path, help="a checkout of MicrosoftDocs/azure-compute-docs")
    parser.add_argument("--commit", default="unknown", help="the checkout's commit, recorded in the output")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("compiler/data/vm-sizes.csv"))
    parser.add_argument("--date", default=datetime.date.today().isoformat(), help="the date recorded in the output")
    args = parser.parse_args()

    trusted = family_table(read(args.docs, "articles/virtual-machines/trusted-launch.md"))
    gen2 = family_table(read(args.docs, "articles/virtual-machines/generation-2.md"))
    # trusted-launch.md columns: 1 supported, 2 currently not supported, 3 not supported.
    # generation-2.md columns: 1 generation 2 supported, 2 not supported.

    rows = {}
    for entry, family in SERIES:
        page, _, anchor = entry.partition("#")
        text = read(args.docs, f"{SIZES}/{page}")
        series = pathlib.PurePosixPath(page).name.removesuffix("-series.md")
        if anchor:
            text, series = section(text, anchor), anchor
        feats = features(text)
        sizes = {}
        for header, table_rows in tables(text):
            vcpus = column(header, "vcpu")
            memory = column(header, "memory")
            disks = column(header, "max remote storage", "max data disks")
            nics = column(header, "max nics")
            for row in table_rows:
                name = re.sub(r"<sup>.*?</sup>", "", row[0]).strip()
                name = ERRATA.get(name, name)
                if not re.fullmatch(r"(Standard|Basic)_[A-Za-z0-9_-]+", name):
                    continue
                entry = sizes.setdefault(name, {})
                for key, index in (("vcpus", vcpus), ("memory_gib", memory), ("max_data_disks", disks), ("max_nics", nics)):
                    if index is not None and index < len(row) and number(row[index]) is not None:
                        entry.setdefault(key, number(row[index]))
        premium = yes_no(feats.get("premium storage"))
        accelerated = yes_no(feats.get("accelerated networking"))
        narrowed = only_supported_for(text, "Accelerated Networking")
        gens = generations(feats)
        if gens == "1" and gen2.get(pathlib.PurePosixPath(family).name) == 1:
            gens = "unknown"
        tl_column = trusted.get(pathlib.PurePosixPath(page).name, trusted.get(pathlib.PurePosixPath(family).name))
        for name, entry in sizes.items():
            if "vcpus" not in entry:
                continue  # a size only named in another table (the CPU Burst table's spelling)
            row = {"name": name, "series": series, "encryption_at_host": "unknown"}
            row.update({k: entry.get(k, "unknown") for k in ("vcpus", "memory_gib", "max_data_disks", "max_nics")})
            says = name_says_premium(name)
            row["premium_storage"] = "unknown" if says is not None and (premium == "yes") != says else premium
            an = accelerated
            if narrowed is not None:
                an = "yes" if name in narrowed else "no"
            if an == "yes" and entry.get("vcpus") == "1":
                an = "unknown"
            row["accelerated_networking"] = an
            row["generations"] = gens
            if tl_column == 1 and gens in ("2", "1+2"):
                row["trusted_launch"] = "yes"
            elif tl_column in (2, 3) or gens == "1":
                row["trusted_launch"] = "no"
            else:
                row["trusted_launch"] = "unknown"
            rows[name] = row

    lines = [
        "# Azure VM sizes: built by scripts/vm-sizes/build.py; compiler/data/README.md says where each column comes from.",
        f"# Source: https://github.com/MicrosoftDocs/azure-compute-docs at {args.commit}, {SIZES}/ (learn.microsoft.com/azure/virtual-machines/sizes/overview).",
        f"# Built: {args.date}. Values: yes, no, required (accelerated networking), unknown (the pages say nothing, or disagree).",
        ",".join(COLUMNS),
    ]
    for name in sorted(rows):
        lines.append(",".join(rows[name][c] for c in COLUMNS))
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} sizes written to {args.out}")


if __name__ == "__main__":
    main()
