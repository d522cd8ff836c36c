#!/bin/sh
# Runs in the guest (make demo): per-container wall clocks with valarm.
# Two child user namespaces get private /dev/valarm contexts with
# setdevns(); one sets its clock to 2038, the other to 1999; each reads its
# own time and gets an alarm at its own time; the host clock stays put.
set -e
echo "== kernel: $(uname -r)"
echo "== namespaces of this shell"
for n in user uts ipc pid net mnt cgroup time; do
	printf '  %-7s %s\n' "$n" "$(readlink "/proc/self/ns/$n")"
done
modprobe valarm 2>/dev/null || true
echo "== perns devices (/proc/perns/devices)"
sed 's/^/  /' /proc/perns/devices
echo
# tools/perns: two crun containers started with perns-oci-hook, one
# annotated to 2038 with a private valarm context, one with the host's
# clock, and their lsdevns rows. Never fails the demonstration.
echo "== crun containers with perns-oci-hook (tools/perns/)"
if [ -x /ksft/perns_tools/perns_crun.sh ] && command -v crun >/dev/null 2>&1; then
	/ksft/perns_tools/perns_crun.sh 2>&1 | grep -v '^ok \|^1\.\.\|^TAP' | sed 's/^# \{0,1\}/  /' || true
else
	echo "  skipped: needs crun on the host (harness/deps) and /ksft/perns_tools"
fi
echo
# vinput: a uinput keyboard, the host's seat and two containers with
# private seats; A in front, S held, the switch to B. Never fails the
# demonstration.
echo "== vinput: one foreground seat per input device (drivers/staging/vinput/)"
if modprobe vinput 2>/dev/null && [ -x /ksft/vinput/vinput_test ]; then
	/ksft/vinput/vinput_test -t switch_with_key_held \
		-t events_reach_only_the_foreground -t latency_vs_evdev 2>&1 |
		grep -v '^TAP\|^1\.\.\|^# Totals\|RUN\|OK  ' | sed 's/^# \{0,1\}/  /' || true
else
	echo "  skipped: no vinput module or /ksft/vinput"
fi
echo
# make demo builds build/obj-demo; the check build has the program too.
for o in build/obj-demo build/obj-check; do
	[ -x "$o/demo/valarm-demo" ] && exec "$o/demo/valarm-demo"
done
echo "demo: no valarm-demo program built (make demo builds it)" >&2
exit 1
