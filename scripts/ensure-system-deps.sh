#!/usr/bin/env bash
# System tools some tests drive (tmux for the setup wizard's pseudo-terminal test, redis-server for
# token-refresh's Redis fleet store).
# Installed from Debian's packages when missing and we are root; otherwise those tests say they skip.
set -u
missing=()
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} (apt-get)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null 2>&1 ||
    echo "could not install ${missing[*]}: the tests that need them will skip" >&2
else
  echo "missing ${missing[*]} (not root): the tests that need them will skip" >&2
fi
exit 0
