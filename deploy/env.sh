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

# The student's page is TypeScript built with Node.js: its API types come from the committed
# OpenAPI documents, so a build also checks the page against the APIs.
build_page() {
  if ! command -v npm >/dev/null 2>&1; then
    echo "The student's page is built with Node.js; install it first: apt-get install -y nodejs npm" >&2
    exit 1
  fi
  npm ci --silent --no-audit --no-fund --prefix services/page/web
  npm run --silent build --prefix services/page/web
}
