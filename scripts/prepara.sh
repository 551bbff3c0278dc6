# Sourced by the other scripts: creates .venv with Python >= 3.11 and installs registro in it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=""
for cand in python3.11 python3.12 python3.13 python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PY="$cand"; break
  fi
done
if [ -z "$PY" ]; then
  echo "Serve Python 3.11 o successivo (non trovato)." >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  echo "Preparo l'ambiente Python in .venv ..."
  "$PY" -m venv .venv
fi
# The editable install follows code changes by itself: reinstall only when pyproject.toml changes.
stamp=.venv/.pyproject-installato
want="$(.venv/bin/python -c 'import hashlib; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest())')"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --disable-pip-version-check -q -e '.[test]' 2>&1 | grep -v -e '^WARNING: Location' || true
  .venv/bin/python -c 'import registro.cli' && echo "$want" > "$stamp"
fi
.venv/bin/python -c 'import registro.cli' || { echo "Installazione non riuscita." >&2; exit 2; }
export PATH="$PWD/.venv/bin:$PATH"
