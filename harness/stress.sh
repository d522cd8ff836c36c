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
. "$(dirname "$0")/guest-lib.sh"
modprobe test_perns
modprobe valarm
slab_snapshot /tmp/slab.before
before=$(slab_kb)
echo "stress: slab before: ${before} kB"
echo "HARNESS-TEST stress"
# trinity as nobody (util-linux setpriv: busybox has neither chpst nor a
# setpriv that changes ids), for the first half of the fuzzer's run: the
# files it opens at its start keep valarm loaded, and in the second half
# the fuzzer unloads and loads it again. --disable-fds=sockets, as its
# socket cache setup segfaults in this guest. It prints each call; only the
# call names are kept (the full log would fill the guest's tmpfs), counted
# at the end. Its victim is a node of its own for valarm's device number,
# mode 0644 as /dev/valarm (GET_TIME for nobody, EPERM for the rest):
# trinity gives up if its victim is missing when it starts, and
# /dev/valarm comes and goes as the fuzzer reloads the module. coreutils'
# timeout: with the shell's own, once it had killed trinity, the end of
# this script ran twice. It relays the TERM it gets at half time.
tpid=
# shellcheck disable=SC2046 # "MAJOR MINOR" in hex: two words, or none
set -- $(stat -c '%t %T' /dev/valarm 2>/dev/null)
if [ $# -ne 2 ]; then
	echo "stress: no /dev/valarm: trinity does not run"
elif [ -x /usr/bin/trinity ] && [ -x /usr/bin/setpriv ] && [ -x /usr/bin/timeout ]; then
	mkdir -p /tmp/trinity && chown nobody /tmp/trinity
	rm -f /tmp/trinity-valarm /tmp/trinity.pid
	mknod -m 0644 /tmp/trinity-valarm c $((0x$1)) $((0x$2))
	(cd /tmp/trinity && sh -c 'echo $$ >/tmp/trinity.pid; exec "$@"' sh \
		/usr/bin/timeout -k 30 $((M * 60 + 120)) /usr/bin/setpriv --reuid=65534 \
		--regid=65534 --clear-groups /usr/bin/trinity -C 2 --disable-fds=sockets \
		-c unshare -c setns -c clone -c clone3 -c ioctl -V /tmp/trinity-valarm 2>&1 |
		/usr/bin/grep --line-buffered -aoiE '\] \[[0-9]+\] [a-z0-9_]+\(|segmentation fault' \
		>/tmp/trinity.log)&
	# Its setup takes a minute on this kernel: the fuzzer starts once it
	# has made a call (or has died, or after 120 s)
	i=0
	while [ $i -lt 120 ] && ! grep -q '(' /tmp/trinity.log 2>/dev/null; do
		[ -s /tmp/trinity.pid ] && ! kill -0 "$(cat /tmp/trinity.pid)" 2>/dev/null && break
		sleep 1
		i=$((i + 1))
	done
	tpid=$(cat /tmp/trinity.pid 2>/dev/null)
	if grep -q '(' /tmp/trinity.log 2>/dev/null; then
		echo "stress: trinity made its first call after $i s, runs for $((M * 30)) s more"
	else
		echo "stress: trinity made no call in $i s"
	fi
	[ -n "$tpid" ] && (sleep $((M * 30)); kill -TERM "$tpid" 2>/dev/null)&
else
	echo "stress: trinity, setpriv or timeout not installed on the host (apt-get install trinity)"
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
