# Sourced by deploy/run and deploy/test: makes sure uv and the locked Python environment exist.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v uv >/dev/null 2>&1; then
  export PATH="$HOME/.local/bin:$PATH"
fi
if ! command -v uv >/dev/null 2>&1; then
  echo "installing uv (the Python package manager this project locks its dependencies with) …" >&2
  python3 -m pip install --quiet --user uv 2>/dev/null \
    || python3 -m pip install --quiet --user --break-system-packages uv \
    || python3 -m pip install --quiet uv
fi
uv sync --frozen --quiet
