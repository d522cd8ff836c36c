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
# trinity as nobody (util-linux setpriv: busybox has neither chpst nor a
# setpriv that changes ids); --disable-fds=sockets, as its socket cache
# setup segfaults in this guest. It prints each call; only the call names
# are kept (the full log would fill the guest's tmpfs), counted at the end.
if [ -x /usr/bin/trinity ] && [ -x /usr/bin/setpriv ]; then
	mkdir -p /tmp/trinity && chown nobody /tmp/trinity
	(cd /tmp/trinity && timeout $((M * 60)) /usr/bin/setpriv --reuid=65534 \
		--regid=65534 --clear-groups /usr/bin/trinity -C 2 --disable-fds=sockets \
		-c unshare -c setns -c clone -c clone3 -c ioctl -V /dev/valarm 2>&1 |
		grep -aoiE '\] \[[0-9]+\] [a-z0-9_]+\(|segmentation fault' >/tmp/trinity.log)&
	echo "stress: trinity started"
else
	echo "stress: trinity or setpriv not installed on the host (apt-get install trinity)"
fi
/ksft/setdevns/setdevns_fuzz -t $((M * 60)) -w 6 -s "$S"
wait
if [ -f /tmp/trinity.log ]; then
	calls=$(grep '(' /tmp/trinity.log | sed 's/.* //; s/($//' |
		sort | uniq -c | awk '{ n += $1; s = s " " $2 "=" $1 } END { print n + 0 ":" s }')
	echo "stress: trinity: ${calls%%:*} calls:${calls#*:}"
	grep -i 'segmentation fault' /tmp/trinity.log | head -n 3 | sed 's/^/stress: trinity: /'
fi
after=$(slab_kb)
echo "stress: slab after: ${after} kB ($((after - before)) kB)"
slab_snapshot /tmp/slab.after
slab_verdict /tmp/slab.before /tmp/slab.after "$SLAB_MARGIN_KB"
kmemleak_report
echo "HARNESS-DONE"
