#!/usr/bin/env bash
# 1,000 concurrent sessions through one proxy: needs more descriptors than the default limit, for both the
# clients (1,000) and the proxy (2,000 and its listeners), so the limit is raised here for both.
# Usage: thousand_sessions_test.sh ZKWIRE ENSEMBLE_DIR
set -euo pipefail
ulimit -n 20000
exec /usr/bin/python3 "$(dirname "$0")/thousand_sessions.py" "$@"
