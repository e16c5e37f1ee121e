# Shared by the end-to-end tests: sourced, never run. Each test gets the
# clscan binary as $1 and a private temporary directory, removed on exit.
set -euo pipefail
CLSCAN=${1:?usage: $0 PATH/TO/clscan}
CLSCAN=$(cd "$(dirname "$CLSCAN")" && pwd)/$(basename "$CLSCAN")
DATA=${TEST_DATA_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)}
GOLDEN=${TEST_GOLDEN_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../golden" && pwd)}
mkdir -p "${TEST_TMP:-/tmp}"
TMP=$(mktemp -d "${TEST_TMP:-/tmp}/clscan-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export TZ=UTC LC_ALL=C NO_COLOR=1
# no user's configuration file leaks into a test
unset CLSCAN_CONFIG
export XDG_CONFIG_HOME="$TMP/xdg-config"

PASSED=0
FAILED=0

ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }

# expect_eq WHAT GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1 = $3"; else not_ok "$1: got '$2', want '$3'"; fi
}

# expect_status WHAT WANT CMD...
expect_status() {
	local what=$1 want=$2
	shift 2
	local got=0
	"$@" >"$TMP/out" 2>"$TMP/err" || got=$?
	if [ "$got" = "$want" ]; then
		ok "$what: exit $want"
	else
		not_ok "$what: exit $got, want $want"
		sed 's/^/    stderr: /' "$TMP/err" | head -5
	fi
}

finish() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ]
}
