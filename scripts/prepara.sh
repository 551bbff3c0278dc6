# Sourced by benchmarks/run.sh: scripts/prepara.py sets up .venv, then its bin/ goes first on PATH.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python3 scripts/prepara.py >/dev/null || return 2
export PATH="$PWD/.venv/bin:$PATH"
