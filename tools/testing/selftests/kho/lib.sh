# SPDX-License-Identifier: GPL-2.0
#
# Host-side helpers for the tests in tests/. Sourced by each test, which runs
# with: KHO_KERNEL (bzImage under test), KHO_LOGDIR (where logs go),
# KHO_BUILD (where host tools are built; the repository's build/ when
# unset) and KHO_ACCEL (kvm or tcg, probed once by run-tests.sh).

KT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KHO_ROOT=${KHO_ROOT:-$(cd "$KT_DIR/../../../.." && pwd)}
KHO_LOGDIR=${KHO_LOGDIR:-$KHO_ROOT/build/test-logs}
mkdir -p "$KHO_LOGDIR"

# What a kernel says of a persistent tmpfs handed over to it, before the
# kho=NAME it waits for.
KT_TMPFS_WAITING='handed over by the previous kernel, waiting for mount -o'
# A physical range as the kernel prints it, "[mem 0x...-0x...]".
KT_MEM_RE='\[mem 0x[0-9a-f]+-0x[0-9a-f]+\]'

fail() {
	echo "FAIL: $*"
	exit 1
}

need_kernel() {
	[ -n "${KHO_KERNEL:-}" ] && [ -f "$KHO_KERNEL" ] ||
		fail "kernel image not found (KHO_KERNEL='${KHO_KERNEL:-}'); run make kernel"
}

# kt_boot NAME SCENARIO [run-qemu.sh options]: boot the guest, log to
# $KHO_LOGDIR/NAME.log, and print that path. QEMU's exit status is returned.
kt_boot() {
	local name=$1 scenario=$2 log
	shift 2
	need_kernel >&2
	log=$KHO_LOGDIR/$name.log
	echo "$log"
	"$KT_DIR/run-qemu.sh" -k "$KHO_KERNEL" -s "$KT_DIR/scenarios/$scenario" \
		-l "$log" -t "${KHO_TIMEOUT:-240}" "$@" >&2
}

# expect LOG REGEX WHAT: the log must contain a line matching REGEX.
expect() {
	if ! grep -qE -- "$2" "$1"; then
		echo "  missing in $(basename "$1"): $3 (/$2/)"
		return 1
	fi
	echo "  ok: $3"
}

# expect_count LOG REGEX N WHAT: exactly N lines match.
expect_count() {
	local n
	n=$(grep -cE -- "$2" "$1" || true)
	if [ "$n" != "$3" ]; then
		echo "  $(basename "$1"): expected $3 lines for $4, found $n (/$2/)"
		return 1
	fi
	echo "  ok: $4 ($n)"
}

# A random word for command-line markers, so a stale log cannot match.
kt_token() {
	head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n'
}

# assert_roundtrip LOG MARKER: the first kernel kexec'd, and a second kernel
# booted with the new command line, reached its init and saw the marker.
assert_roundtrip() {
	local log=$1 marker=$2 rc=0
	expect "$log" '^KT: kexec -e: jumping to stage 2' "first kernel executed kexec -e" || rc=1
	expect_count "$log" 'Linux version 6\.' 2 "two kernels booted" || rc=1
	expect "$log" "Kernel command line: .*kt\\.stage=2 .*kt\\.marker=$marker" \
		"second kernel booted with the new command line" || rc=1
	expect "$log" '^KT: init reached: stage 2' "second kernel reached its init" || rc=1
	expect "$log" "^KT: second kernel marker: $marker\$" \
		"second kernel's /proc/cmdline has the marker" || rc=1
	return $rc
}

# check_refusal WHAT REASON [late [ARGS]]: the first kernel corrupts its
# handover with out/corrupt=WHAT; the second must print REASON (a regex
# after "KHO: ") once, boot without the handover and still hand over
# normally to a third kernel. "late": the damage is only seen when the
# preserved memory is reserved, after the second kernel had found the
# handover. ARGS are added to every kernel's command line.
# Returns non-zero when any of that does not hold.
check_refusal() {
	local what=$1 reason=$2 found=1 log rc=0
	[ "${3:-}" = late ] && found=2
	log=$(kt_boot "kho-bad-${what//[^a-z0-9-]/_}" kho-chain.sh -m 1024 \
		-a "kho=on kt.stages=3 kt.corrupt=$what ${4:-}") ||
		{ echo "  QEMU or the kernel failed (log: $log)"; return 1; }
	echo "  -- corrupt=$what"
	expect "$log" "^KT: corrupted the handover: ${what%%,*}\$" \
		"first kernel corrupted its handover" || rc=1
	expect_count "$log" "KHO: $reason" 1 "second kernel names the reason" || rc=1
	expect_count "$log" 'KHO: disabling KHO revival: booting without the handover$' 1 \
		"second kernel drops the handover" || rc=1
	expect_count "$log" '^KT: is-kho-boot: no$' 2 \
		"kernels 1 and 2 run without an incoming handover" || rc=1
	expect "$log" '^KT: init reached: stage 3' "the kexec after the refusal still works" || rc=1
	expect_count "$log" 'KHO: found kexec handover data' $found \
		"the third kernel accepts the second kernel's (valid) handover" || rc=1
	expect_count "$log" 'test_kho: restore succeeded' 1 \
		"test_kho data survives the valid hop" || rc=1
	kt_no_warnings "$log" || rc=1
	return $rc
}

# The reserve_mem regions of the reserve_mem tests: ramoops (with pmsg) in
# "oops" and the ftrace boot_map instance in "trace".
KT_PSTORE_ARGS="reserve_mem=1M:4096:oops ramoops.mem_name=oops ramoops.pmsg_size=0x10000"
KT_RESERVE_MEM_ARGS="$KT_PSTORE_ARGS reserve_mem=2M:4096:trace trace_instance=boot_map@trace"

# kt_region_addrs LOG: one line per kernel, "<oops address> <trace address>"
# as ramoops and ftrace reported them.
kt_region_addrs() {
	awk '/Linux version 6\./ { if (n++) print oops, trace; oops = "-"; trace = "-" }
	     /ramoops: using 0x[0-9a-f]+@/ { sub(/.*@/, ""); sub(/,.*/, ""); oops = $0 }
	     /Tracing: mapped boot instance boot_map at physical memory/ {
		sub(/.*physical memory /, ""); sub(/ .*/, ""); trace = $0 }
	     END { if (n) print oops, trace }' "$1"
}

# kt_same_region LOG N: ramoops reported the same region in each of the N
# kernels of LOG.
kt_same_region() {
	local addrs
	addrs=$(sed -n 's/.*ramoops: using \(0x[0-9a-f]*@0x[0-9a-f]*\),.*/\1/p' "$1")
	echo "  pstore region in each kernel (size@address): $(echo $addrs)"
	if [ "$(echo "$addrs" | grep -c .)" = "$2" ] &&
		[ "$(echo "$addrs" | sort -u | wc -l)" = 1 ]; then
		echo "  ok: the pstore region is at the same address in all $2 kernels"
	else
		echo "  the pstore region was not at one address in all $2 kernels"
		return 1
	fi
}

# The mainline peer kernel (harness/peer.sh): KHO_PEER_KERNEL is its
# bzImage. Interop tests cannot run without it and fail.
need_peer() {
	[ -n "${KHO_PEER_KERNEL:-}" ] && [ -f "$KHO_PEER_KERNEL" ] ||
		fail "peer kernel not found (KHO_PEER_KERNEL='${KHO_PEER_KERNEL:-}'); run make peer"
	cat "$(dirname "$KHO_PEER_KERNEL")/../../../.kho-peer" 2>/dev/null ||
		echo "peer: $KHO_PEER_KERNEL"
}

# kt_boot_chain NAME "KERNELS" "ARGS" [run-qemu.sh options]: boot a chain
# of kexecs through the kernels named, "ours" or "peer" (for example "ours
# peer ours"), running scenarios/interop.sh with command line ARGS. The
# first kernel boots; each later one is packed into the initramfs and picked
# by kt.kernel-N. Logs to $KHO_LOGDIR/NAME.log and prints that path.
# KT_CHAIN_SCENARIO names another scenario to run than interop.sh.
kt_boot_chain() {
	local name=$1 kernels=$2 append="$3 kt.stages=0" stage=0 k image
	local first= files=()
	shift 3
	need_kernel >&2
	need_peer >&2
	for k in $kernels; do
		stage=$((stage + 1))
		case $k in
		ours) image=$KHO_KERNEL ;;
		peer) image=$KHO_PEER_KERNEL ;;
		*) fail "unknown kernel '$k'" ;;
		esac
		if [ -z "$first" ]; then
			first=$image
		else
			files+=(-f "$image:/kernel.$k")
			append+=" kt.kernel-$stage=$k"
		fi
	done
	append=${append/kt.stages=0/kt.stages=$stage}
	echo "$KHO_LOGDIR/$name.log"
	"$KT_DIR/run-qemu.sh" -k "$first" \
		-s "$KT_DIR/scenarios/${KT_CHAIN_SCENARIO:-interop.sh}" \
		-l "$KHO_LOGDIR/$name.log" -t "${KHO_TIMEOUT:-240}" "${files[@]}" \
		-a "$append" "$@" >&2
}

# kt_guest_program NAME [CFLAGS...]: build NAME.c of this directory, a
# static program for the guest, into $KHO_BUILD/tools/NAME (build/tools of
# the repository when unset) unless it is up to date, and print its path.
# Tests pack it with run-qemu.sh -f "$path:/bin/NAME".
kt_guest_program() {
	local name=$1 src out cc=gcc dev=libc6-dev
	shift
	src=$KT_DIR/$name.c out=${KHO_BUILD:-$KHO_ROOT/build}/tools/$name
	# An arm64 guest (KHO_ARCH=arm64) gets an arm64 build, in tools/arm64.
	if [ "${KHO_ARCH:-x86_64}" = arm64 ]; then
		cc=aarch64-linux-gnu-gcc dev=libc6-dev-arm64-cross
		out=${KHO_BUILD:-$KHO_ROOT/build}/tools/arm64/$name
	fi
	if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
		mkdir -p "$(dirname "$out")"
		# Tests may run side by side: each builds its own copy and
		# renames it into place.
		if ! $cc -O2 -static -Wall -Wextra "$@" -o "$out.$$" "$src" >&2; then
			rm -f "$out.$$"
			echo "error: cannot build $src with $cc -static" \
				"(is $dev installed?)" >&2
			return 1
		fi
		mv "$out.$$" "$out"
	fi
	echo "$out"
}

# kt_tree_tool: kho_tree.c, the program the persistent tmpfs tests run in
# the guest as /bin/kho_tree.
kt_tree_tool() {
	kt_guest_program kho_tree
}

# kt_luo_agent: luo_agent.c, the live-update agent of the LUO tests, built
# against the tree's uAPI header (an installed kselftest has a copy of it
# next to this file); packed as /bin/luo_agent.
kt_luo_agent() {
	local uapi=$KHO_ROOT/include/uapi
	if [ ! -f "$uapi/linux/liveupdate.h" ] && [ -f "$KT_DIR/liveupdate.h" ]; then
		uapi=${KHO_BUILD:-$KHO_ROOT/build}/tools/uapi
		mkdir -p "$uapi/linux" && cp "$KT_DIR/liveupdate.h" "$uapi/linux/" || return 1
	fi
	kt_guest_program luo_agent -I "$uapi"
}

# kt_host_program NAME: the run-qemu.sh arguments, one a line, that pack
# the host's program NAME (as /usr/bin/NAME) and the shared libraries it
# loads (at their own paths) into a test guest. NAME's Debian package is
# installed (harness/deps.sh) when the program is missing.
kt_host_program() {
	local path lib n=0

	command -v "$1" > /dev/null || "$KHO_ROOT/harness/deps.sh" "$1" > /dev/null ||
		{ echo "error: $1 is missing (harness/deps.sh $1 installs it)" >&2; return 1; }
	path=$(command -v "$1")
	printf '%s\n' -f "$path:/usr/bin/$1"
	while read -r lib; do
		printf '%s\n' -f "$lib:$lib"
		n=$((n + 1))
	done < <(ldd "$path" | awk '/=>/ { print $3 } /^[[:space:]]*\// { print $1 }')
	[ $n -gt 0 ] || { echo "error: ldd names no libraries of $path" >&2; return 1; }
}

# kt_same_sum LOG NAME N: the guest logged "sum NAME: entries=... manifest=..."
# (scenarios/tmpfs.sh) N times, all equal. Prints them, and the manifest
# differences the guest logged if any.
kt_same_sum() {
	local sums n
	sums=$(sed -n "s/^KT: sum $2: //p" "$1")
	n=$(grep -c . <<< "$sums")
	echo "  sums of kho=$2:"
	sed 's/^/    /' <<< "$sums"
	if [ "$n" = "$3" ] && [ "$(sort -u <<< "$sums" | wc -l)" = 1 ] &&
		grep -qE '^entries=[0-9]+ manifest=[0-9a-f]{64}$' <<< "$sums"; then
		echo "  ok: the tree of kho=$2 is the same each of the $3 times"
		return 0
	fi
	echo "  the tree of kho=$2 changed (or was not summed $3 times, found $n)"
	sed -n "s/^KT: diff $2: /    diff: /p" "$1"
	return 1
}

# kt_frozen_restored LOG NAME N: kho=NAME was frozen for handover N times
# and restored N times, each restore with the inodes, folios and KiB of the
# freeze before it.
kt_frozen_restored() {
	local frozen restored re='[0-9]+ inodes, [0-9]+ folios' kib='([0-9]+) KiB'
	frozen=$(sed -nE "s/.*tmpfs: kho=$2: frozen for handover: ($re), $kib\$/\\1, \\2 KiB/p" \
		"$1")
	restored=$(sed -nE "s/.*tmpfs: kho=$2: restored ($re) \\($kib\\)\$/\\1, \\2 KiB/p" "$1")
	sed "s/^/  kho=$2 frozen:   /" <<< "$frozen"
	sed "s/^/  kho=$2 restored: /" <<< "$restored"
	if [ "$(grep -c . <<< "$frozen")" = "$3" ] && [ "$frozen" = "$restored" ]; then
		echo "  ok: kho=$2 restored what was frozen, $3 time(s)"
		return 0
	fi
	echo "  kho=$2: expected $3 freezes and $3 restores of the same size"
	return 1
}

# kt_no_warnings LOG: no kernel warning, BUG or oops.
kt_no_warnings() {
	expect_count "$1" '(WARNING|BUG):|Oops|Call Trace:' 0 "no kernel warning, BUG or oops"
}

# check_tmpfs_refusal WHAT REASON: the first kernel hands over kho=bad and
# kho=good, finalizes and damages bad with tmpfs/corrupt="WHAT bad"; the
# next kernel refuses to mount bad (EINVAL) naming REASON (a regex after
# "tmpfs: kho=bad: "), still restores good, mounts a plain tmpfs, and hands
# good on to a third kernel. Returns non-zero when any of that does not hold.
check_tmpfs_refusal() {
	local what=$1 reason=$2 tool log rc=0
	tool=$(kt_tree_tool) || { echo "  cannot build kho_tree"; return 1; }
	log=$(kt_boot "tmpfs-bad-$what" tmpfs.sh -f "$tool:/bin/kho_tree" \
		-a "kho=on kt.tmpfs=corrupt kt.what=$what kt.stages=3 kt.seed=44") ||
		{ echo "  QEMU or the kernel failed (log: $log)"; return 1; }
	expect_count "$log" 'Linux version 6\.' 3 "three kernels booted" || rc=1
	expect "$log" '^KT: stage 3 done' "the third kernel finished its scenario" || rc=1
	expect "$log" '^KT: finalize 1: ok$' "the first kernel finalized" || rc=1
	expect "$log" "^KT: corrupt $what bad: ok\$" \
		"the first kernel damaged kho=bad ($what)" || rc=1
	expect_count "$log" "tmpfs: kho=bad: $KT_TMPFS_WAITING kho=bad\$" 1 \
		"kernel 2 announces kho=bad at boot" || rc=1
	expect_count "$log" '^KT: mount bad on /kho/bad: failed: Invalid argument$' 1 \
		"kernel 2 refuses to mount kho=bad with EINVAL" || rc=1
	expect_count "$log" "tmpfs: kho=bad: $reason" 1 "kernel 2 names the reason" || rc=1
	expect_count "$log" 'tmpfs: kho=bad: restored' 0 "nothing of kho=bad is restored" || rc=1
	expect_count "$log" '^KT: mount good on /kho/good: ok$' 3 \
		"kho=good mounts in each kernel" || rc=1
	expect_count "$log" '^KT: manifest good: same$' 2 \
		"kernels 2 and 3 see the tree of kho=good" || rc=1
	kt_same_sum "$log" good 3 || rc=1
	kt_frozen_restored "$log" good 2 || rc=1
	expect_count "$log" '^KT: plain tmpfs: works$' 2 \
		"a plain tmpfs works after the refusal" || rc=1
	kt_no_warnings "$log" || rc=1
	return $rc
}

# Checks that read only sources (builds of other configurations, the
# documentation, static analysis, the mails) run again only when what they
# read changed since a passing run, which each records in a stamp file
# under harness/ to be committed with the change: the same rule
# harness/check-series.sh follows for the prefix builds.

# kt_series_digest "PACKAGE..." PATH...: a digest of the base kernel, every
# file the series put in build/linux (as make check assembles it: an edit
# made in the tree counts too), the repository's own copies of them (make
# series mails those, and a tree not assembled since they changed must not
# pass for the one a run checked), the files under each PATH of the
# repository (harness scripts, patches/), this file, the calling test, and
# the installed version of each Debian PACKAGE named (dpkg's, the same
# whatever PATH puts first). Repository files are those git tracks or
# would track, stamps left out. Prints nothing and fails if a PATH is
# missing: a renamed script must not drop out of the digest unnoticed.
kt_series_digest() {
	local tree=$KHO_ROOT/build/linux packages=$1 path dirs

	shift
	[ -f "$tree/.kho-manifest" ] || { echo "  no assembled tree in $tree" >&2; return 1; }
	for path; do
		[ -e "$KHO_ROOT/$path" ] || { echo "  no $path in $KHO_ROOT" >&2; return 1; }
	done
	# The top directories the series writes to (arch, include, mm, ...).
	dirs=$(awk '{ print $2 }' "$tree/.kho-manifest" | cut -d/ -f1 | LC_ALL=C sort -u)
	{
		cat "$tree/.kho-base"
		awk '{ print $2 }' "$tree/.kho-manifest" | LC_ALL=C sort |
			(cd "$tree" && xargs sha256sum)
		# shellcheck disable=SC2086 # a list of directories
		(cd "$KHO_ROOT" &&
			{ git ls-files -z -co --exclude-standard -- "$@" $dirs 2>/dev/null ||
				find "$@" $dirs -type f -print0; } |
			grep -zv -- '-checked$' | LC_ALL=C sort -z | xargs -0 sha256sum)
		sha256sum < "$KT_DIR/lib.sh"
		sha256sum < "$0"
		# shellcheck disable=SC2086 # a list of package names
		LC_ALL=C dpkg-query -W -f '${Package} ${Version}\n' $packages 2> /dev/null
	} | sha256sum | cut -d' ' -f1
}

# kt_recorded_pass STAMP DIGEST: true, and says so, when STAMP records a
# passing run on inputs with DIGEST.
kt_recorded_pass() {
	[ -f "$1" ] || return 1
	if [ "$(cut -d' ' -f1 "$1")" != "$2" ]; then
		echo "  inputs changed since the run $(basename "$1") records (digest $2): checking"
		return 1
	fi
	echo "  ok: the inputs are those a passing run checked on $(cut -d' ' -f2- "$1")"
	echo "  (digest $2, harness/$(basename "$1")): not checked again"
}

# kt_record_pass STAMP DIGEST NOW: after a passing run, record DIGEST in
# STAMP, unless the inputs changed while it ran (NOW, their digest at the
# end, differs).
kt_record_pass() {
	[ "$2" = "$3" ] || { echo "  inputs changed during the run: nothing recorded"; return 0; }
	echo "$2 $(date -u +%Y-%m-%d)" > "$1" || fail "cannot write $1"
	echo "  wrote harness/$(basename "$1"); commit it with the change"
}
