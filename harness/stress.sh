#!/bin/sh
# Runs in the guest for harness/stress: setdevns_fuzz with module reloads
# and, beside it, trinity as nobody on the namespace calls and ioctls of
# /dev/valarm; then kmemleak and slab before and after.
# Verdict on slab: every kmalloc and namespace cache ends within
# SLAB_MARGIN_KB of its start, after a settle; a leak of one small object
# per operation of the fuzzer would exceed it within a minute.
M=$1
S=$2
SLAB_MARGIN_KB=256
# shellcheck source=guest-lib.sh
. harness/guest-lib.sh
modprobe test_perns
modprobe valarm
slab_snapshot /tmp/slab.before
before=$(slab_kb)
echo "stress: slab before: ${before} kB"
echo "HARNESS-TEST stress"
if [ -x /usr/bin/trinity ]; then
	mkdir -p /tmp/trinity && chown nobody /tmp/trinity
	(cd /tmp/trinity && timeout $((M * 60)) chpst -u nobody:nogroup \
		/usr/bin/trinity -q -C 2 -c unshare -c setns -c clone -c clone3 \
		-c ioctl -V /dev/valarm >/tmp/trinity.log 2>&1)&
	echo "stress: trinity started"
else
	echo "stress: trinity not installed on the host (apt-get install trinity)"
fi
/ksft/setdevns/setdevns_fuzz -t $((M * 60)) -w 6 -s "$S"
wait
tail -n 3 /tmp/trinity.log 2>/dev/null | sed 's/^/stress: trinity: /'
after=$(slab_kb)
echo "stress: slab after: ${after} kB ($((after - before)) kB)"
slab_snapshot /tmp/slab.after
slab_verdict /tmp/slab.before /tmp/slab.after "$SLAB_MARGIN_KB"
kmemleak_report
echo "HARNESS-DONE"
