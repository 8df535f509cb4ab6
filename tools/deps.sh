#!/bin/sh
# deps.sh: installs the Debian packages denwatch needs, when any is missing.
# Used by `make deps`, a prerequisite of `make check` and `make demo`.
set -eu
PKGS="gcc make pkg-config libpcap-dev libzmq3-dev libsqlite3-dev libprotobuf-c-dev
protobuf-c-compiler libinih-dev libjansson-dev libcmocka-dev tshark sqlite3 jq
libxml2-utils clang libclang-rt-14-dev libsodium-dev python3 time"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $missing >/dev/null
