#!/usr/bin/env bash
# Performance benchmark (issue 7): generates realistic registers (10k, 100k, 1M rows by default),
# runs read / valida / totali / esporta / CSV vs frictionless as separate processes, prints the table
# and writes it to benchmarks/out/risultati.md.
#   bash benchmarks/run.sh [--righe 10000,100000,1000000] [--prepara-frictionless] [--rigenera]
set -euo pipefail
source "$(dirname "$0")/../scripts/prepara.sh"
python -m benchmarks.bench "$@"
