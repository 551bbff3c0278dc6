#!/usr/bin/env bash
# Kept for habit: the example's command is `python scripts/esempio.py` (README, "Avvio rapido").
exec python3 "$(dirname "$0")/esempio.py" "$@"
