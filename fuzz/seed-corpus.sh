#!/usr/bin/env bash
# Copies the seed inputs into the cargo-fuzz corpus folders. Each input is
# stored under its content hash, as libFuzzer does, so running this twice adds
# nothing.
#
# - parse, pipeline: every *.ashlar of examples/ and tests/fixtures/, and every
#   file of tests/fixtures/fuzz (the regression inputs, whatever their names),
#   plus each example folder's files joined into one plan, which is clean and
#   so reaches emission where a single file of a several-file example does not.
# - lock: every ashlar.lock of examples/ and tests/fixtures/, and the files of
#   tests/fixtures/fuzz/lock/.
# - config: every ashlar.toml of examples/ and tests/fixtures/, and the files of
#   tests/fixtures/fuzz/config/.
# - lsp: the scripts of tests/fixtures/fuzz/lsp/, and for each plan file of
#   at most 3,800 bytes a script that opens it as the whole text of a document
#   (operation 2 of compiler/tests/support/fuzz_lsp.rs), then changes a range
#   and asks for a hover, completion, references, rename and formatting.
#
#   bash fuzz/seed-corpus.sh            # every target
#   bash fuzz/seed-corpus.sh pipeline   # one target
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse pipeline lock config lsp)

plans() {
  find examples tests/fixtures -name '*.ashlar' -type f -not -path 'tests/fixtures/fuzz/*' -print0
}

# A file of the corpus named by its hash.
keep() {
  cp "$1" "$dir/$(sha1sum "$1" | cut -d' ' -f1)"
  count=$((count + 1))
}

# The lsp script that sets a document to a plan file's text, then edits it and asks.
lsp_script() {
  local len
  len=$(stat -c %s "$1")
  [ "$len" -le 3800 ] || return 1
  printf '\x02\x00'
  printf "\\x$(printf %02x $((len & 255)))\\x$(printf %02x $((len >> 8)))"
  cat "$1"
  # A change of a range, a hover, a completion, references, a rename, formatting.
  printf '\x01\x00\x04\x02\x04\x06\x03abc\x03\x00\x00\x05\x0a\x03\x00\x02\x06\x04'
  printf '\x03\x00\x03\x08\x0c\x01\x03\x00\x05\x0a\x03\x03new\x03\x00\x07\x00\x00'
}

for target in "${targets[@]}"; do
  dir="fuzz/corpus/$target"
  mkdir -p "$dir"
  count=0
  case "$target" in
    parse | pipeline)
      while IFS= read -r -d '' file; do keep "$file"; done < <(plans; find tests/fixtures/fuzz -maxdepth 1 -type f -print0)
      for example in examples/*/; do
        joined=$(mktemp)
        find "$example" -name '*.ashlar' -type f -print0 | sort -z | xargs -0 cat > "$joined"
        keep "$joined"
        rm "$joined"
      done
      ;;
    lock | config)
      name=ashlar.lock
      [ "$target" = lock ] || name=ashlar.toml
      while IFS= read -r -d '' file; do keep "$file"; done < <(
        find examples tests/fixtures -name "$name" -type f -print0
        find "tests/fixtures/fuzz/$target" -type f -print0)
      ;;
    lsp)
      while IFS= read -r -d '' file; do keep "$file"; done < <(find tests/fixtures/fuzz/lsp -type f -print0)
      script=$(mktemp)
      while IFS= read -r -d '' file; do
        if lsp_script "$file" > "$script"; then keep "$script"; fi
      done < <(plans)
      rm "$script"
      ;;
    *)
      echo "no such target: $target" >&2
      exit 2
      ;;
  esac
  echo "$dir: $count seed inputs ($(ls "$dir" | wc -l) in the corpus)"
done
