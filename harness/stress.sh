#!/bin/sh
# Runs in the guest for harness/stress: setdevns_fuzz with module reloads
# and, beside it, trinity as nobody on the namespace calls and ioctls of
# valarm's device; then kmemleak and slab before and after.
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
# Its victim file is a node of its own for valarm's device number, open
# to nobody: /dev/valarm is root's and comes and goes as the fuzzer
# reloads the module, and trinity gives up if its victim path is missing
# when it starts. After a reload the number may name another perns device
# (the minor is dynamic), which is as good a victim.
if [ -x /usr/bin/trinity ] && [ -x /usr/bin/setpriv ]; then
	mkdir -p /tmp/trinity /tmp/trinity-victims && chown nobody /tmp/trinity
	# shellcheck disable=SC2046 # "MAJOR MINOR" in hex, two words
	set -- $(stat -c '%t %T' /dev/valarm)
	mknod -m 0666 /tmp/trinity-victims/valarm c $((0x$1)) $((0x$2))
	(cd /tmp/trinity && timeout $((M * 60)) /usr/bin/setpriv --reuid=65534 \
		--regid=65534 --clear-groups /usr/bin/trinity -C 2 --disable-fds=sockets \
		-c unshare -c setns -c clone -c clone3 -c ioctl -V /tmp/trinity-victims 2>&1 |
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
