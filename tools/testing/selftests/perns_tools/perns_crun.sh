#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Two crun containers with perns-oci-hook as their createRuntime hook: one
# annotated with a private /dev/valarm context set to 2038, one without
# annotations. Each reads its clock through valarm inside; lsdevns -J,
# parsed, shows their contexts; the host's clock does not move. Then a
# malformed annotation fails the container's start.
DIR=$(cd "$(dirname "$0")" && pwd)
Y2038=2145916800
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n $1"; }
check() { if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2"; fi; }
skip_all() { echo "1..0 # SKIP $1"; exit 4; }
diag() { sed 's/^/# /'; }

[ "$(id -u)" = 0 ] || skip_all "needs root"
CRUN=$(command -v crun) || skip_all "no crun (Debian package crun)"
[ -x /usr/bin/python3 ] || skip_all "no /usr/bin/python3"
[ -e /dev/valarm ] || modprobe valarm >/dev/null 2>&1
[ -e /dev/valarm ] || skip_all "no /dev/valarm (CONFIG_VALARM)"
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || BUSYBOX=/usr/bin/busybox
[ -x "$BUSYBOX" ] || skip_all "no static busybox for the rootfs"

echo "TAP version 13"
W=$(mktemp -d /tmp/perns-crun.XXXXXX)
# the containers' root (uid 100000 on the host) walks down to its rootfs
chmod 755 "$W"
RUN="$W/run"
crun() { "$CRUN" --root "$RUN" --cgroup-manager=disabled "$@"; }
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	for c in perns-2038 perns-host perns-bad; do
		crun kill "$c" KILL >/dev/null 2>&1
		crun delete -f "$c" >/dev/null 2>&1
	done
	rm -rf "$W"
}
trap cleanup EXIT

# bundle NAME ANNOTATIONS-JSON: a busybox rootfs, a user namespace mapping
# container root to 100000, /dev/valarm bound in, the hook at createRuntime.
bundle() {
	b="$W/$1"
	mkdir -p "$b/rootfs/bin" "$b/rootfs/proc" "$b/rootfs/dev" "$b/rootfs/tmp"
	cp "$BUSYBOX" "$b/rootfs/bin/busybox"
	for a in sh cat mv sleep; do ln -s busybox "$b/rootfs/bin/$a"; done
	cp "$DIR/valarm_gettime" "$b/rootfs/bin/valarm_gettime"
	chown -R 100000:100000 "$b/rootfs"
	cat >"$b/config.json" <<JSON
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": [ "/bin/sh", "-c",
              "valarm_gettime >/out.tmp 2>&1; mv /out.tmp /out; exec sleep 600" ],
    "env": [ "PATH=/bin" ],
    "cwd": "/"
  },
  "root": { "path": "rootfs", "readonly": false },
  "hostname": "$1",
  "annotations": { $2 },
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
      "options": [ "nosuid", "mode=755" ] },
    { "destination": "/dev/valarm", "type": "bind", "source": "/dev/valarm", "options": [ "bind" ] }
  ],
  "hooks": {
    "createRuntime": [ { "path": "$DIR/perns-oci-hook",
                         "args": [ "perns-oci-hook", "--verbose" ] } ]
  },
  "linux": {
    "namespaces": [ { "type": "user" }, { "type": "mount" }, { "type": "pid" },
                    { "type": "uts" }, { "type": "ipc" } ],
    "uidMappings": [ { "containerID": 0, "hostID": 100000, "size": 65536 } ],
    "gidMappings": [ { "containerID": 0, "hostID": 100000, "size": 65536 } ]
  }
}
JSON
}

# wait_out NAME: the container's valarm_gettime line, "rtc S ctx C"
wait_out() {
	i=0
	while [ ! -e "$W/$1/rootfs/out" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	cat "$W/$1/rootfs/out" 2>/dev/null
}

host_before=$(date +%s)
bundle perns-2038 '"perns.devctx": "/dev/valarm:unshare:user",
		   "perns.valarm.date": "2038-01-01T00:00:00Z"'
bundle perns-host '"org.example.note": "no perns annotation"'

for c in perns-2038 perns-host; do
	crun run --no-pivot --no-new-keyring --detach -b "$W/$c" "$c" >"$W/$c.log" 2>&1
	rc=$?
	diag <"$W/$c.log"
	check $rc "crun run $c (createRuntime hook perns-oci-hook) exits 0"
done

out_2038=$(wait_out perns-2038)
out_host=$(wait_out perns-host)
echo "# perns-2038: $out_2038"
echo "# perns-host: $out_host"
host_after=$(date +%s)

# pid_of NAME: the container's process, from crun state (JSON)
pid_of() {
	crun state "$1" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])'
}
pid_2038=$(pid_of perns-2038)
pid_host=$(pid_of perns-host)
check $? "crun state gives both containers' pids ($pid_2038, $pid_host)"

echo "# lsdevns -p PID -d /dev/valarm of each container:"
"$DIR/lsdevns" -d /dev/valarm -p "$pid_2038" | diag
"$DIR/lsdevns" -n -d /dev/valarm -p "$pid_host" | diag
"$DIR/lsdevns" -J -d /dev/valarm -p "$pid_2038" >"$W/2038.json"
r1=$?
"$DIR/lsdevns" -J -d /dev/valarm -p "$pid_host" >"$W/host.json"
r2=$?
"$DIR/lsdevns" -J -d /dev/valarm -p $$ >"$W/self.json"
r3=$?
check $((r1 + r2 + r3)) "lsdevns -J -p PID -d /dev/valarm exits 0 for both containers and the host"

for f in 2038 host self; do
	/usr/bin/python3 "$DIR/validate_json.py" "$DIR/lsdevns.schema.json" \
		"$W/$f.json" >"$W/v" 2>&1
	rc=$?
	diag <"$W/v"
	check $rc "lsdevns -J output ($f) validates against lsdevns.schema.json"
done

# assert.py: the containers' rows parsed, and each container's own view
cat >"$W/assert.py" <<'PY'
import json, os, sys
w, y2038, before, after, pid2038, pidhost = sys.argv[1:7]
out2038, outhost = sys.argv[7], sys.argv[8]
def rows(f):
    with open(os.path.join(w, f)) as fh:
        return json.load(fh)["devcontexts"]
def ino(pid):
    return os.stat("/proc/%s/ns/user" % pid).st_ino
def view(s):
    f = s.split()
    assert len(f) == 4 and f[0] == "rtc" and f[2] == "ctx", "bad output %r" % s
    return int(f[1]), int(f[3])
checks = []
def check(cond, what):
    checks.append((bool(cond), what))
r2038, rhost, rself = rows("2038.json"), rows("host.json"), rows("self.json")
check(len(r2038) == 1 and len(rhost) == 1 and len(rself) == 1, "one valarm row per namespace")
a, b, h = r2038[0], rhost[0], rself[0]
check(a["ns"] == ino(pid2038) and a["pid"] == int(pid2038) and a["type"] == "user"
      and a["name"] == "valarm", "perns-2038 row: its user namespace and pid")
check(a["mode"] == "private" and a["owner"] == a["ns"] and a["ctx"] != h["ctx"],
      "perns-2038 owns a private valarm context (lsdevns)")
check(b["ns"] == ino(pidhost) and b["pid"] == int(pidhost),
      "perns-host row: its user namespace and pid")
check(b["mode"] == "shared" and b["ctx"] == h["ctx"] and b["owner"] == h["ns"],
      "perns-host shares the initial user namespace's context (lsdevns)")
t2038, c2038 = view(out2038)
thost, chost = view(outhost)
check(int(y2038) <= t2038 < int(y2038) + 120,
      "perns-2038 reads 2038 through valarm GET_TIME (%d)" % t2038)
check(c2038 == a["ctx"], "perns-2038's file is bound to the context lsdevns shows")
check(int(before) - 5 <= thost <= int(after) + 5,
      "perns-host reads the host's time through valarm (%d)" % thost)
check(chost == h["ctx"], "perns-host's file is bound to the host's context")
for good, what in checks:
    print("%s %s" % ("ok" if good else "not ok", what))
sys.exit(0 if all(g for g, _ in checks) else 1)
PY
/usr/bin/python3 "$W/assert.py" "$W" $Y2038 "$host_before" "$host_after" \
	"$pid_2038" "$pid_host" "$out_2038" "$out_host" >"$W/a" 2>&1
rc=$?
while read -r line; do
	case $line in
	"ok "*) ok "${line#ok }" ;;
	"not ok "*) not_ok "${line#not ok }" ;;
	*) echo "# $line" ;;
	esac
done <"$W/a"
check $rc "container views parsed (assert.py exits 0)"

now=$(date +%s)
check $(( now >= host_before && now - host_before < 600 && now < Y2038 ? 0 : 1 )) \
	"the host clock did not move ($host_before -> $now)"
host_view=$("$DIR/valarm_gettime")
t=${host_view#rtc }
t=${t%% *}
check $(( t >= host_before && t <= now + 5 ? 0 : 1 )) \
	"the host's valarm reads the host's time ($host_view)"

# A malformed annotation fails the start: the hook exits 1, crun fails.
bundle perns-bad '"perns.devctx": "/dev/valarm:steal"'
crun run --no-pivot --no-new-keyring --detach -b "$W/perns-bad" perns-bad >"$W/bad.log" 2>&1
rc=$?
diag <"$W/bad.log"
check $(( rc != 0 ? 0 : 1 )) "crun run with a malformed perns.devctx fails (exit $rc)"
# crun 1.8 reports the hook's exit status, not its stderr (which the C
# tests assert); the hook's own message is shown by running it as crun did.
grep -qF "error executing hook \`$DIR/perns-oci-hook\` (exit code: 1)" "$W/bad.log"
check $? "crun reports the hook's exit status 1"
printf '{"pid": %d, "annotations": {"perns.devctx": "/dev/valarm:steal"}}' $$ |
	"$DIR/perns-oci-hook" >"$W/hook.out" 2>&1
rc=$?
diag <"$W/hook.out"
check $(( rc == 1 ? 0 : 1 )) "perns-oci-hook exits 1 on that annotation"
want="perns-oci-hook: annotation perns.devctx: entry 1 '/dev/valarm:steal':"
want="$want unknown mode 'steal' (share, unshare or migrate)"
grep -qxF "$want" "$W/hook.out"
check $? "with the message naming the entry and the mode"
left=$(crun list 2>/dev/null | grep -c '^perns-bad ')
check $(( left == 0 ? 0 : 1 )) "no perns-bad container is left running"

echo "1..$n"
exit $failed
