#!/usr/bin/env bash
# Drives a headless Neovim through editors/neovim/ashlar.lua, as a user's
# would run it: open a plan file with an error, see the server's diagnostic,
# fix the line, see it cleared. Installs Debian's Neovim when there is none.
#
#   editors/neovim/test.sh [ASHLAR]     (default: target/debug/ashlar, built if missing)
#
# Exit 0 when Neovim saw all of it; 1 when it did not; 2 when Neovim cannot
# be had (this is a failure, never a pass).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v nvim >/dev/null; then
  echo "nvim: not found; installing Debian's neovim"
  if ! { command -v apt-get >/dev/null && apt-get install -y -qq neovim >/dev/null; }; then
    echo "FAILED: Neovim is not installed and apt-get cannot install it"
    exit 2
  fi
fi

ashlar="${1:-target/debug/ashlar}"
if [ ! -x "$ashlar" ]; then
  cargo build --quiet --bin ashlar
fi
ashlar="$(cd "$(dirname "$ashlar")" && pwd)/$(basename "$ashlar")"

# A plan marked by ashlar.toml, its spoke in a folder below the root: the
# server must start at the root to see the hub, else the fix leaves errors.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plan="$work/plans/network"
mkdir -p "$plan/spokes"
printf '[severity]\n' > "$plan/ashlar.toml"
cat > "$plan/hub.ashlar" <<'EOF'
settings {
  location = westeurope
}

hub core {
  resource_group = "rg-network"
  address_space  = [10.0.0.0/20]
  subnet shared 10.0.0.0/24
}
EOF
cat > "$plan/spokes/app.ashlar" <<'EOF'
spoke app {
  resource_group = "rg-network"
  address_space  = [10.1.0.0/22]
  subnet web 10.1.0.0/24
  hub            = cor
}
EOF

# --clean: Neovim's defaults (file type detection on), no user configuration;
# then the repository's configuration, then the test.
ASHLAR_TEST_FILE="$plan/spokes/app.ashlar" ASHLAR_TEST_ROOT="$plan" \
  timeout 120 nvim --clean --headless \
  -c "let g:ashlar_cmd = ['$ashlar', 'lsp']" \
  -c "luafile editors/neovim/ashlar.lua" \
  -c "luafile editors/neovim/test.lua"
echo "nvim: the plan's diagnostic came and cleared"
