#!/usr/bin/env bash
# clscan's two commands (see README.md):
#   ./setup.sh demo   install what is missing (Debian), build, report on a bundled sample
#   ./setup.sh test   build and run the whole test suite, then once more under ASan+UBSan
# Other verbs: deps, build, asan, fuzz SECONDS.
set -euo pipefail
cd "$(dirname "$0")"

DEB_PACKAGES="build-essential cmake pkg-config zlib1g-dev libzstd-dev libcmocka-dev gzip zstd gawk jq
	libpcap-dev nmap tcpdump iproute2 python3"
FUZZ_PACKAGES="clang libclang-rt-dev"
JOBS=$(nproc 2>/dev/null || echo 2)

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

deps() {
	local missing=()
	for p in $DEB_PACKAGES "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "setup: installing ${missing[*]}" >&2
		as_root apt-get update -qq
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
	fi
}

build() { # build DIR [cmake options...]
	local dir=$1
	shift
	cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
	cmake --build "$dir" -j "$JOBS"
}

case "${1:-}" in
deps)
	deps
	;;
build)
	deps
	build build
	;;
demo)
	deps
	build build >&2
	./build/clscan report --year 2022 --tz UTC tests/data/teliten-vps/
	;;
test)
	deps
	build build
	(cd build && ctest --output-on-failure -j "$JOBS")
	echo "== the same suite under AddressSanitizer + UndefinedBehaviorSanitizer =="
	build build-asan -DCLSCAN_SANITIZE=ON
	(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j "$JOBS")
	;;
asan)
	deps
	build build-asan -DCLSCAN_SANITIZE=ON
	(cd build-asan && ctest --output-on-failure -j "$JOBS")
	;;
fuzz)
	deps $FUZZ_PACKAGES
	secs=${2:-60}
	CC=clang build build-fuzz -DCLSCAN_FUZZ=ON -DCMAKE_C_COMPILER=clang
	for t in build-fuzz/fuzz/fuzz_*; do
		case "$t" in *_replay) continue ;; esac
		name=$(basename "$t")
		mkdir -p "build-fuzz/corpus/$name"
		echo "== $name for ${secs}s"
		"$t" -max_total_time="$secs" -max_len=4096 "build-fuzz/corpus/$name" "fuzz/corpus/$name"
	done
	;;
*)
	echo "usage: ./setup.sh demo|test|deps|build|asan|fuzz [SECONDS]" >&2
	exit 2
	;;
esac
