#!/usr/bin/env bash
# Waits (up to 15 minutes) while another apt/dpkg holds the package lock, saying so, instead of failing at once.
# Sourced by bin/setup; MOEGEN_APT_LOCK overrides the lock file (tests).
apt_wait() {
  local lock="${MOEGEN_APT_LOCK:-/var/lib/dpkg/lock-frontend}"
  [ -e "$lock" ] || return 0
  command -v flock >/dev/null || return 0
  if ! flock -n "$lock" true 2>/dev/null; then
    echo "moegen setup: another apt/dpkg holds $lock; waiting for it (up to 15 min)..." >&2
    flock -w 900 "$lock" true || { echo "moegen setup: $lock still held after 15 min; try again when the other install finishes" >&2; return 1; }
    echo "moegen setup: the lock is free; continuing" >&2
  fi
}
if [ "${BASH_SOURCE[0]}" = "$0" ]; then apt_wait; fi
