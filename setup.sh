#!/usr/bin/env bash
# clscan's two commands (see README.md):
#   ./setup.sh demo   install what is missing (Debian), build, report on a bundled sample
#   ./setup.sh test   build and run the whole test suite, then once more under ASan+UBSan
# Other verbs: deps, build, asan, fuzz SECONDS.
set -euo pipefail
cd "$(dirname "$0")"

DEB_PACKAGES="build-essential cmake pkg-config zlib1g-dev libzstd-dev libcmocka-dev gzip zstd gawk jq
	libpcap-dev nmap tcpdump iproute2 python3 libmaxminddb-dev"
FUZZ_PACKAGES="clang libclang-rt-dev"
TEST_PACKAGES="chromium" # e2e: the HTML report opened in headless Chromium
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

# Free geo data from the npm registry into ./geo (found by build/clscan, see README
# "Countries and networks"): country (ip-location-db, CC0 + NRO CC BY 4.0) and ASN ranges
# (ip-location-db asn, CC BY 4.0). Never fatal: without it countries show as unknown.
geo() {
	local dir=geo tmp
	if ! command -v npm >/dev/null 2>&1; then
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >&2 ||
			{ echo "setup: WARNING: npm not available; no geo data (countries unknown)" >&2; return 0; }
	fi
	tmp=$(mktemp -d)
	if ! (cd "$tmp" && timeout 300 npm pack --silent @ip-location-db/geo-whois-asn-country-mmdb \
		@ip-location-db/asn >/dev/null 2>&1); then
		echo "setup: WARNING: npm registry unreachable; no geo data (countries unknown)" >&2
		rm -rf "$tmp"
		return 0
	fi
	# (an if context turns set -e off: each step is chained with &&)
	if ! { mkdir -p "$dir/country" "$dir/asn" &&
		tar xzf "$tmp"/ip-location-db-geo-whois-asn-country-mmdb-*.tgz -C "$dir/country" \
			--strip-components=1 &&
		tar xzf "$tmp"/ip-location-db-asn-*.tgz -C "$dir/asn" --strip-components=1 &&
		mv -f "$dir/country/geo-whois-asn-country.mmdb" "$dir/asn/asn-ipv4.csv" \
			"$dir/asn/asn-ipv6.csv" "$dir/" &&
		rm -f "$dir"/country/*.mmdb "$dir"/asn/*.csv; }; then
		echo "setup: WARNING: unexpected geo package contents; no geo data (countries unknown)" >&2
		rm -rf "$tmp"
		return 0
	fi
	rm -rf "$tmp"
	echo "setup: geo data in $dir/ (licences in $dir/country, $dir/asn)" >&2
}

case "${1:-}" in
geo)
	geo
	;;
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
	[ -f geo/geo-whois-asn-country.mmdb ] || geo
	./build/clscan report --year 2022 --tz UTC tests/data/teliten-vps/
	;;
test)
	deps $TEST_PACKAGES
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
	echo "usage: ./setup.sh demo|test|deps|build|asan|fuzz [SECONDS]|geo" >&2
	exit 2
	;;
esac
