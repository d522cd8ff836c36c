# shellcheck shell=bash
# Helpers shared by harness/review and harness/review-*.  Not executable.
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RV=$B/review                  # review logs and scratch files
mkdir -p "$RV"
export CCACHE_BASEDIR=$ROOT CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=time_macros
export KBUILD_BUILD_USER=perns KBUILD_BUILD_HOST=harness
JOBS=$(nproc)
export JOBS

# locked CMD...: run CMD holding build/.lock (one kernel build at a time on
# the machine), for this command only, so that other builds can interleave.
locked() {
	mkdir -p "$B"
	flock "$B/.lock" "$@"
}

# kconfig O SRC ARCH FRAGMENT...: configure $O as tinyconfig + fragments
# (merge_config.sh -m) + olddefconfig.  tinyconfig runs in a scratch
# directory ($O.kconfig), so that an unchanged result touches nothing in $O
# (syncconfig only touches the symbols that changed: no needless rebuild).
# Prints the fragment symbols (=y/=m) that are not in the final .config and
# returns 1 when there are any (2 when configuring failed).
kconfig() {
	local O=$1 src=$2 arch=$3; shift 3
	local S=$O.kconfig log=$O.kconfig/log missing
	mkdir -p "$O" "$S"
	{ make -C "$src" O="$S" ARCH="$arch" tinyconfig &&
	  (cd "$S" && "$src/scripts/kconfig/merge_config.sh" -m .config "$@") &&
	  cp "$S/.config" "$O/.config" &&
	  make -C "$src" O="$O" ARCH="$arch" olddefconfig; } >"$log" 2>&1 ||
		{ tail_log "$log" 30; return 2; }
	missing=$(grep -ho '^CONFIG_[A-Za-z0-9_]*=[ym]' "$@" | sort -u |
		while IFS= read -r c; do grep -qx "$c" "$O/.config" || echo "$c"; done)
	if [[ -n $missing ]]; then echo "$missing"; return 1; fi
}

# Files the series adds or changes (paths in the tree).
series_files() { git -C "$T" diff --name-only base HEAD; }

# series_warnings LOG: compiler/sparse warnings and errors in files the
# series adds or changes, and checksyscalls' "#warning syscall X not
# implemented" (a missing table entry).
series_warnings() {
	awk 'NR == FNR { f[$0] = 1; next }
	     /#warning syscall .* not implemented/ { print; next }
	     match($0, /^[^: ]+:[0-9]+(:[0-9]+)?: (warning|error):/) {
		p = $0; sub(/:.*/, "", p)
		for (s in f) if (p == s || substr(p, length(p) - length(s)) == "/" s) { print; next }
	     }' <(series_files) "$1" | sort -u
}

# arm64_cross: put aarch64-linux-gnu-gcc in PATH.  Debian's gcc-aarch64-linux-gnu
# (gcc-12-aarch64-linux-gnu) Conflicts: gcc-multilib, which harness/deps needs,
# so when it is not installed, the same compiler is unpacked from its .deb
# (apt-get download + dpkg-deb -x) into build/review/cross, beside the
# installed, non-conflicting cpp-12-aarch64-linux-gnu, binutils-aarch64-linux-gnu,
# libgcc-12-dev-arm64-cross and libc6-dev-arm64-cross (cc1, as/ld, libgcc, libc).
arm64_cross() {
	command -v aarch64-linux-gnu-gcc >/dev/null && return 0
	local d=$RV/cross g=/usr/lib/gcc-cross/aarch64-linux-gnu/12 f
	if ! "$d/bin/aarch64-linux-gnu-gcc" --version >/dev/null 2>&1; then
		[[ -x $g/cc1 ]] || { echo "cpp-12-aarch64-linux-gnu is not installed" >&2; return 1; }
		mkdir -p "$d"
		(cd "$d" && rm -f gcc-12-aarch64-linux-gnu_*.deb && apt-get download gcc-12-aarch64-linux-gnu) >"$d/download.log" 2>&1 ||
			{ cat "$d/download.log" >&2; return 1; }
		rm -rf "${d:?}/root" "${d:?}/bin"
		dpkg-deb -x "$(find "$d" -maxdepth 1 -name 'gcc-12-aarch64-linux-gnu_*.deb' | head -n1)" "$d/root" || return 1
		for f in "$g"/*; do
			[[ -e $d/root$g/${f##*/} ]] || ln -s "$f" "$d/root$g/"
		done
		ln -s /usr/aarch64-linux-gnu "$d/root/usr/aarch64-linux-gnu"
		mkdir -p "$d/bin"
		ln -s ../root/usr/bin/aarch64-linux-gnu-gcc-12 "$d/bin/aarch64-linux-gnu-gcc"
		"$d/bin/aarch64-linux-gnu-gcc" --version >/dev/null || return 1
		note "using aarch64-linux-gnu-gcc unpacked in $d (gcc-aarch64-linux-gnu conflicts with gcc-multilib)"
	fi
	export PATH=$d/bin:$PATH
}
