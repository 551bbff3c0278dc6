#!/usr/bin/env bash
# Kept for habit: the test command is `python scripts/test.py` (README, "Avvio rapido").
exec python3 "$(dirname "$0")/test.py" "$@"
