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
# make demo builds build/obj-demo; the check build has the program too.
for o in build/obj-demo build/obj-check; do
	[ -x "$o/demo/valarm-demo" ] && exec "$o/demo/valarm-demo"
done
echo "demo: no valarm-demo program built (make demo builds it)" >&2
exit 1
