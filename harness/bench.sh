#!/bin/sh
# Runs in the guest (harness/bench/run, make bench): harness/bench.sh
# [build/obj-CONFIG] [perns-bench options]. Runs the perns-bench program
# built by harness/build for that config (the first found otherwise).
obj=
case $1 in build/obj-*) obj=$1; shift ;; esac
for o in $obj build/obj-demo build/obj-baseline build/obj-check; do
	[ -x "$o/demo/perns-bench" ] && exec "$o/demo/perns-bench" "$@"
done
echo "bench: no perns-bench program built (make bench builds it)" >&2
exit 2
