#!/bin/sh
# Runs in the guest for harness/stress: setdevns_fuzz with module reloads
# and, beside it, trinity as nobody on the namespace calls and ioctls of
# /dev/valarm; then kmemleak and slab before and after.
M=$1
S=$2
slab_kb() {
	for c in /sys/kernel/slab/*/shrink; do echo 1 >"$c" 2>/dev/null; done
	awk '/^Slab:/ { print $2 }' /proc/meminfo
}
modprobe test_perns
modprobe valarm
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
sleep 5
after=$(slab_kb)
echo "stress: slab after: ${after} kB ($((after - before)) kB)"
echo "HARNESS-TEST kmemleak scan"
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
fi
echo "HARNESS-DONE"
