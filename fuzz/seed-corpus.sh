#!/usr/bin/env bash
# Copies the seed inputs into the cargo-fuzz corpus folders: every *.ashlar of
# examples/ and tests/fixtures/, and every file of tests/fixtures/fuzz (the
# regression inputs, whatever their names), plus each example folder's files
# joined into one plan, which is clean and so reaches emission where a single
# file of a several-file example does not. Each input is stored under its
# content hash, as libFuzzer does, so running this twice adds nothing.
#
#   bash fuzz/seed-corpus.sh            # both targets
#   bash fuzz/seed-corpus.sh pipeline   # one target
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse pipeline)
for target in "${targets[@]}"; do
  dir="fuzz/corpus/$target"
  mkdir -p "$dir"
  count=0
  while IFS= read -r -d '' file; do
    cp "$file" "$dir/$(sha1sum "$file" | cut -d' ' -f1)"
    count=$((count + 1))
  done < <(find examples tests/fixtures -name '*.ashlar' -type f -not -path 'tests/fixtures/fuzz/*' -print0;
           find tests/fixtures/fuzz -type f -print0 2>/dev/null)
  for example in examples/*/; do
    joined=$(mktemp)
    find "$example" -name '*.ashlar' -type f -print0 | sort -z | xargs -0 cat > "$joined"
    mv "$joined" "$dir/$(sha1sum "$joined" | cut -d' ' -f1)"
    count=$((count + 1))
  done
  echo "$dir: $count seed inputs ($(ls "$dir" | wc -l) in the corpus)"
done
