#!/usr/bin/env bash
# The LAN captures detect_lan.sh made (tests/data/pcap/lab-*.pcap, see
# tests/data/ORIGINS.md), checked the same way on every machine, namespaces
# or not.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "skip: jq not installed"; exit 77; }
. "$(dirname "$0")/detect_lan_checks.bash"
# the numbers are what tcpdump -r reads in the two files (detect_lan.sh
# computes them the same way for its live captures)
check_arp "$DATA/pcap/lab-arp-sweep.pcap" kept 255
check_distributed "$DATA/pcap/lab-distributed.pcap" kept \
	"10.78.8.11 10.78.8.12 10.78.8.13 10.78.8.14 10.78.8.15 10.78.8.16" \
	"10-14,20-24,30-34,40-44,50-54,60-64"
check_explain "$DATA/pcap/lab-arp-sweep.pcap" "$DATA/pcap/lab-distributed.pcap" kept
finish
