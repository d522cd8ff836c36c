#!/bin/sh
# Runs in the guest (make demo): the kernel, the eight namespaces of this
# process, and a child in new namespaces of every type showing other inodes.
# (busybox unshare lacks -C/-T, so the host's util-linux unshare is used from
# the /usr share when it is there.)
echo "== kernel"
uname -a
NS="user uts ipc pid net mnt cgroup time"
show() {
	for n in $NS; do
		printf '  %-7s %s\n' "$n" "$(readlink "/proc/self/ns/$n")"
	done
}
echo "== namespaces of the init process' shell"
show > /tmp/ns.parent
cat /tmp/ns.parent
if /usr/bin/unshare --help 2>/dev/null | grep -q -- '--time'; then
	UNSHARE="/usr/bin/unshare -U -r -p -f -n -u -i -m -C -T"
else
	UNSHARE="unshare -U -r -p -f -n -u -i -m"
fi
echo "== child of: $UNSHARE"
# shellcheck disable=SC2086  # word splitting of the option list is intended
$UNSHARE /bin/sh -c 'for n in '"$NS"'; do printf "  %-7s %s\n" "$n" "$(readlink /proc/self/ns/$n)"; done' > /tmp/ns.child
cat /tmp/ns.child
echo "== differences (parent -> child)"
same=0
for n in $NS; do
	p=$(grep "^  $n " /tmp/ns.parent | awk '{print $2}')
	c=$(grep "^  $n " /tmp/ns.child | awk '{print $2}')
	if [ "$p" = "$c" ]; then echo "  $n: SAME ($p)"; same=$((same + 1))
	else echo "  $n: $p -> $c"; fi
done
echo "== $same of 8 namespace types shared with the parent"
