# Shared by scripts/serve and scripts/test: make .venv and install the project into it.
# Re-installs only when pyproject.toml changed, so repeated runs start at once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "BaselTrack needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi
extras=${1:-}
stamp=".venv/.installed$extras"
want="$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing BaselTrack and its dependencies into .venv ..." >&2
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".$extras" 2>&1 | grep -v '^WARNING: Location' >&2 || true
  .venv/bin/python -c 'import app.main' # fails loudly if the install did not work
  echo "$want" > "$stamp"
fi
