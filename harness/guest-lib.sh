# shellcheck shell=sh
# Sourced by the guest scripts (busybox ash): the kmemleak scan and the
# slab figures they share.

# kmemleak_report: two scans (an object must be unreferenced in both), then
# what kmemleak holds; the host's parse-console fails the run on any of it.
kmemleak_report() {
	echo "HARNESS-TEST kmemleak scan"
	if [ -w /sys/kernel/debug/kmemleak ]; then
		echo scan >/sys/kernel/debug/kmemleak
		sleep 6
		echo scan >/sys/kernel/debug/kmemleak
		cat /sys/kernel/debug/kmemleak
	else
		echo "harness: kmemleak not available"
	fi
}

# slab_settle: let RCU frees and the workqueues run, then shrink every cache
# (which also empties KASAN's quarantine and the per-CPU partial slabs).
slab_settle() {
	sleep 5
	for c in /sys/kernel/slab/*/shrink; do echo 1 >"$c" 2>/dev/null; done
}

# slab_kb: Slab: of /proc/meminfo, in kB, after a settle
slab_kb() {
	slab_settle
	awk '/^Slab:/ { print $2 }' /proc/meminfo
}

# SLAB_CACHES: the caches the verdict covers: every kmalloc cache (perns,
# valarm and vinput allocate from kmalloc, accounted ones from kmalloc-cg-*)
# and the namespace caches the churn goes through.
SLAB_CACHES='^(kmalloc-|nsproxy |pid_namespace |user_namespace |uts_namespace |net_namespace |mnt_cache |cred_jar )'

# slab_snapshot FILE: "cache bytes-in-use" for SLAB_CACHES, after a settle
slab_snapshot() {
	slab_settle
	awk -v re="$SLAB_CACHES" 'NR > 2 && ($1 " ") ~ re { print $1, $2 * $4 }' /proc/slabinfo >"$1"
}

# slab_verdict BEFORE AFTER MARGIN_KB: each cache of SLAB_CACHES may end at
# most MARGIN_KB above its start; prints the five that grew most and
# "stress: slab verdict: ok" or "... FAILED"
slab_verdict() {
	if [ ! -s "$1" ] || [ ! -s "$2" ]; then
		echo "stress: slab: no snapshot of /proc/slabinfo to compare"
		echo "stress: slab verdict: FAILED"
		return 1
	fi
	: >/tmp/slab.delta
	awk -v m="$3" '
		NR == FNR { b[$1] = $2; next }
		{ d = int(($2 - b[$1]) / 1024); n++
		  if (d > m) { bad++; print "stress: slab: " $1 " grew " d " kB (margin " m " kB)" }
		  print d, $1 > "/tmp/slab.delta" }
		END { print "stress: slab: " n " caches compared, " bad + 0 " above the margin"
		      exit (bad > 0 || n == 0) }' "$1" "$2"
	rc=$?
	sort -rn /tmp/slab.delta | head -n 5 | while read -r d c; do
		echo "stress: slab: largest change: $c ${d} kB"
	done
	if [ $rc = 0 ]; then echo "stress: slab verdict: ok"; else echo "stress: slab verdict: FAILED"; fi
	return $rc
}
