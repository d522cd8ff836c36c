# shellcheck shell=bash
# The stage runner of harness/check, harness/review and harness/stress.
# Sourced, not executable.
#
#   stage NAME CMD...    run CMD (stderr merged into stdout) between the
#                        lines "== stage NAME" and "-- NAME: OK|FAILED (Ns)";
#                        returns CMD's status
#   stage_skip NAME WHY  record NAME as "SKIPPED (WHY)"
#   stage_count NAME     do not count NAME's failure as a failed stage (its
#                        failures are counted elsewhere, e.g. as test results)
#   stages_failed        the names of the failed, counted stages, one a line
#   stage_summary        a table of every stage run, with its result and time
#
# STAGE_ORDER, STAGE_RES and STAGE_TIME hold what ran.

STAGE_ORDER=()
declare -A STAGE_RES=() STAGE_TIME=() STAGE_UNCOUNTED=()

stage() {
	local name=$1 t0=$SECONDS rc
	shift
	echo "== stage $name"
	"$@" 2>&1
	rc=$?
	STAGE_TIME[$name]=$((SECONDS - t0))
	STAGE_ORDER+=("$name")
	if [[ $rc == 0 ]]; then STAGE_RES[$name]=OK; else STAGE_RES[$name]=FAILED; fi
	echo "-- $name: ${STAGE_RES[$name]} (${STAGE_TIME[$name]}s)"
	return "$rc"
}

stage_skip() {
	echo "== stage $1"
	echo "-- $1: SKIPPED ($2)"
	STAGE_RES[$1]="SKIPPED ($2)"
	STAGE_TIME[$1]=0
	STAGE_ORDER+=("$1")
}

stage_count() { STAGE_UNCOUNTED[$1]=1; }

stages_failed() {
	local s
	for s in "${STAGE_ORDER[@]}"; do
		[[ ${STAGE_RES[$s]} == FAILED && -z ${STAGE_UNCOUNTED[$s]:-} ]] && echo "$s"
	done
	return 0
}

stage_summary() {
	local s
	for s in "${STAGE_ORDER[@]}"; do
		printf '   %-13s %-8s %5ss\n' "$s" "${STAGE_RES[$s]}" "${STAGE_TIME[$s]}"
	done
}
