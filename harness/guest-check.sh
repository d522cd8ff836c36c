#!/bin/sh
# Runs inside the guest for harness/check (busybox ash): every installed
# kselftest collection, then a kmemleak scan.  The host parses the console.
# Built-in KUnit suites have already run at boot.
KSFT_TIMEOUT=${KSFT_TIMEOUT:-600}   # per test program: TCG + KASAN is slow (pidfd_poll_test: 305 s measured)
SKIPS=harness/ksft-skip             # upstream programs that cannot run here
# shellcheck source=guest-lib.sh
. harness/guest-lib.sh

# Kernel messages below KERN_WARNING (a device registered, a module loaded)
# stay in the log buffer: on the shared console they cut the tests' result
# lines. A splat's first line is a warning or worse, so the console still
# shows every splat; the log is printed whole after the tests.
echo 5 >/proc/sys/kernel/printk
echo "HARNESS-KSFT-BEGIN"
if [ -x /ksft/run_kselftest.sh ]; then
	for c in $(cut -d: -f1 /ksft/kselftest-list.txt | awk '!seen[$0]++'); do
		echo "HARNESS-TEST kselftest collection $c"
		run=""
		for t in $(grep "^$c:" /ksft/kselftest-list.txt); do
			grep -q "^${t}[[:space:]]" "$SKIPS" 2>/dev/null || run="$run -t $t"
		done
		# shellcheck disable=SC2086  # one -t option per test
		[ -n "$run" ] && /ksft/run_kselftest.sh -o "$KSFT_TIMEOUT" $run
		grep "^$c:" "$SKIPS" 2>/dev/null | while read -r t why; do
			echo "ok 0 selftests: ${t%%:*}: ${t#*:} # SKIP $why"
		done
	done
else
	echo "harness: no /ksft/run_kselftest.sh"
fi
echo "HARNESS-KSFT-END"
# The whole kernel log, for what a splat printed below KERN_WARNING (a hung
# task's stack); parse-console finds no splat in it a second time.
echo "HARNESS-DMESG-BEGIN"
dmesg
echo "HARNESS-DMESG-END"

kmemleak_report
echo "HARNESS-DONE"
