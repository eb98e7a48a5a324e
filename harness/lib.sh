# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the harness scripts. Sourced, never executed.

KHO_ROOT=${KHO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
KHO_BUILD=${KHO_BUILD:-$KHO_ROOT/build}
# ccache's depend mode: on a miss it runs the compiler once and takes the
# headers from the dependency file kbuild asks for (-Wp,-MMD), instead of
# running the preprocessor first to hash its output. Without it a cold
# cache cost a kernel build 45% more than no ccache at all (kernel/, mm/
# and fs/ of the x86 test kernel on 2 cores: 288 s against 198 s; in
# depend mode 189 s). -MMD leaves system headers out: kernel objects
# (built with -nostdinc) read them only from the compiler's own directory,
# which comes and goes with the compiler ccache hashes; host programs,
# which read others, are built without ccache, and so are sources that
# .incbin a file (harness/ccache-cc). CCACHE_NODEPEND=1 turns it off.
if [ -n "${CCACHE_NODEPEND:-}" ]; then
	unset CCACHE_DEPEND
else
	export CCACHE_DEPEND=${CCACHE_DEPEND:-1}
fi

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
