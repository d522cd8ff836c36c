# shellcheck shell=bash
# Common helpers, sourced by the harness scripts.  Not executable.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=$ROOT/build                 # all build outputs (gitignored)
T=$B/linux                    # assembled kernel tree (a git repo)
TARBALL=${PERNS_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
CONFIGS=$ROOT/harness/configs
export ROOT B T

die() { echo "ERROR: $*" >&2; exit 1; }
note() { echo ">> $*" >&2; }

# Fragments making up a named config.
config_fragments() {
	case $1 in
	check) echo base kunit debug project selftests ;;
	demo) echo base project perf ;;
	nsoff) echo base nsoff ;;
	baseline) echo base project baseline perf ;;
	*) die "unknown config '$1' (known: check demo nsoff baseline)" ;;
	esac
}

objdir() { echo "$B/obj-$1"; }

# Author of the series commits: the repository's git identity or the default.
series_author() {
	local n e
	n=$(git -C "$ROOT" config user.name || true)
	e=$(git -C "$ROOT" config user.email || true)
	echo "${n:-Perns Developers} <${e:-perns-devel@example.org}>"
}

# Print the last $2 lines of log $1 and its path (for build errors).
tail_log() {
	echo "---- last ${2:-40} lines of $1 ----" >&2
	tail -n "${2:-40}" "$1" >&2
	echo "---- full log: $1" >&2
}

# Hold build/.lock for the rest of the calling script (serialises builds).
take_lock() {
	mkdir -p "$B"
	exec 9>"$B/.lock"
	if ! flock -n 9; then
		note "waiting for another build to finish ($B/.lock)"
		flock 9
	fi
}
