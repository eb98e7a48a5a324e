# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the harness scripts. Sourced, never executed.

KHO_ROOT=${KHO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
KHO_BUILD=${KHO_BUILD:-$KHO_ROOT/build}

die() {
	echo "error: $*" >&2
	exit 1
}

note() {
	echo ">>> $*"
}

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	else
		command -v sudo >/dev/null || die "need root (or sudo) to run: $*"
		sudo "$@"
	fi
}
