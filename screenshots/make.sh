#!/usr/bin/env bash
# Regenerate screenshots/*.svg (the real app on the demo store) with one command.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="${PYTHON:-$here/../.venv/bin/python}"
[ -x "$py" ] || py=python3
exec "$py" "$here/make.py" "$@"
