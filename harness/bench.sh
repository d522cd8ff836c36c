#!/bin/sh
# Runs in the guest (make bench): the perns and valarm performance targets,
# measured by harness/bench/perns-bench.c (built by harness/build).
for o in build/obj-demo build/obj-check; do
	[ -x "$o/demo/perns-bench" ] && exec "$o/demo/perns-bench"
done
echo "bench: no perns-bench program built (make bench builds it)" >&2
exit 2
