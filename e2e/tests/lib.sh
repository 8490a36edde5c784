# shellcheck shell=bash source-path=SCRIPTDIR
# Shared helpers for the e2e shell tests (sourced, not run).
#
# After sourcing: $E2E (the e2e/ folder), $E2E_BIN_DIR (exported, holds kubectl and the
# control plane), kubectl on PATH; fail, step, wait_for and the timing summary.

E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TEST_NAME=$(basename "$0")
TEST_START=$(date +%s.%N)
declare -a TIMINGS=()

fail() { echo "$TEST_NAME: FAIL: $*" >&2; exit 1; }
note() { echo "$TEST_NAME: $*" >&2; }

# The toolchain is resolved once here and exported, so `cluster up` does not ask again.
if [ -z "${E2E_BIN_DIR:-}" ]; then
  E2E_BIN_DIR=$("$E2E/build-toolchain" | tail -n 1) || fail "e2e/build-toolchain failed (see above)"
fi
export E2E_BIN_DIR
export PATH="$E2E_BIN_DIR:$PATH"
# shellcheck source=../versions.env
source "$E2E/versions.env"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# step NAME COMMAND...: runs a check, records how long it took, fails the test with NAME.
# The check runs in a subshell with `set -e` in force: bash ignores -e inside a function
# called as `f || ...`, which would let a failing command in the middle pass unnoticed.
# (So a step cannot set variables for later steps; do such work outside `step`.)
step() {
  local name=$1 t0 rc
  shift
  t0=$(now)
  set +e
  (set -e; "$@")
  rc=$?
  set -e
  [ $rc -eq 0 ] || fail "$name"
  record "$name" "$t0"
}

# record NAME START: adds a timing line for work done outside `step`.
record() {
  TIMINGS+=("$(printf '%6.1f s  %s' "$(elapsed "$2")" "$1")")
  note "ok: $1 ($(elapsed "$2") s)"
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls until COMMAND succeeds.
wait_for() {
  local timeout=$1 what=$2 deadline
  shift 2
  deadline=$(($(date +%s) + timeout))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { note "timed out after ${timeout} s waiting for $what"; return 1; }
    sleep 0.2
  done
}

print_timings() {
  echo "$TEST_NAME: timings" >&2
  printf '  %s\n' "${TIMINGS[@]}" >&2
  printf '  %6.1f s  total\n' "$(elapsed "$TEST_START")" >&2
}

# PIDs of processes whose command line mentions a path (a cluster's state folder).
# (Call these in this shell, not in `bash -c "..."`: that shell's own command line
# would mention the path too.)
pids_mentioning() { pgrep -f -- "$1" || true; }
no_process_mentions() { [ -z "$(pids_mentioning "$1")" ]; }
