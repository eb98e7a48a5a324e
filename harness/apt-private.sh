#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# apt-private.sh update|candidate PACKAGE|download PACKAGE [DESTDIR]|
#                source-versions PACKAGE|source-file PACKAGE VERSION SUFFIX [DESTDIR]|
#                search REGEX|closure PACKAGE...|download-closure DESTDIR PACKAGE...
#
# Talk to Debian suites the machine does not use (trixie, trixie-backports)
# through an apt state directory of our own under build/apt. The machine's
# /etc/apt is only read (to learn which mirror it uses); nothing there is
# written, and no package is installed: we only download .deb files.
#
# With KHO_APT_ARCH=arm64 the state directory is build/apt-arm64 and apt
# acts as if the machine were arm64 (binary packages only, suite trixie
# unless KHO_APT_SUITES says otherwise): how the arm64 guest's programs are
# fetched without dpkg --add-architecture.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ARCH=${KHO_APT_ARCH:-}
if [ -n "$ARCH" ]; then
	APT_DIR=$KHO_BUILD/apt-$ARCH
	SUITES=${KHO_APT_SUITES:-trixie}
	arch_opts=(-o APT::Architecture="$ARCH" -o APT::Architectures::="$ARCH")
else
	APT_DIR=$KHO_BUILD/apt
	SUITES=${KHO_APT_SUITES:-"trixie trixie-backports"}
	arch_opts=()
fi
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# The Debian archive mirror the machine is configured with (deb822 or
# one-line format), so proxies and local mirrors keep working for us too.
# Only URIs ending in /debian count: not security, not third-party repos.
machine_mirror() {
	local uri
	uri=$({
		awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' \
			/etc/apt/sources.list.d/*.sources 2>/dev/null
		awk '$1 == "deb" { for (i = 2; i <= NF; i++)
				if ($i !~ /^\[/ && $i !~ /\]$/ && $i ~ /:\/\//) { print $i; break } }' \
			/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
	} | grep -E '^(https?|file)://[^ ]*/debian/?$' | grep -v security | head -n 1 || true)
	[ -n "$uri" ] || die "cannot find a Debian archive mirror in /etc/apt"
	echo "${uri%/}"
}

setup() {
	local mirror suite
	mirror=$(machine_mirror)
	mkdir -p "$APT_DIR"/{lists/partial,archives/partial,parts,prefs} "$APT_DIR"/dl
	: > "$APT_DIR/status"
	{
		for suite in $SUITES; do
			if [ -n "$ARCH" ]; then
				echo "deb [arch=$ARCH signed-by=$KEYRING] $mirror $suite main"
				continue
			fi
			echo "deb [signed-by=$KEYRING] $mirror $suite main"
			echo "deb-src [signed-by=$KEYRING] $mirror $suite main"
		done
	} > "$APT_DIR/sources.list.new"
	mv "$APT_DIR/sources.list.new" "$APT_DIR/sources.list"
}

apt_private() {
	local tool=apt-get
	case "$1" in policy | search | show | showsrc | madison) tool=apt-cache ;; esac
	"$tool" -q \
		-o Dir::Etc::SourceList="$APT_DIR/sources.list" \
		-o Dir::Etc::SourceParts="$APT_DIR/parts" \
		-o Dir::Etc::Preferences="$APT_DIR/prefs/none" \
		-o Dir::Etc::PreferencesParts="$APT_DIR/prefs" \
		-o Dir::State::Lists="$APT_DIR/lists" \
		-o Dir::State::status="$APT_DIR/status" \
		-o Dir::Cache="$APT_DIR/cache" \
		-o Dir::Cache::Archives="$APT_DIR/archives" \
		-o APT::Sandbox::User=root \
		-o Debug::NoLocking=true \
		-o Acquire::Languages=none \
		"${arch_opts[@]}" "$@"
}

# Refresh the package lists at most once a day: a cached .deb must be usable
# without the network, and Debian's index changes slowly.
update() {
	setup
	# Sources came later than Packages: lists from before need a refresh.
	if [ -n "$(find "$APT_DIR/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ] &&
		{ [ -n "$ARCH" ] ||
		  [ -n "$(find "$APT_DIR/lists" -maxdepth 1 -name '*Sources*' 2>/dev/null)" ]; }; then
		return 0
	fi
	note "refreshing private apt lists for: $SUITES"
	mkdir -p "$APT_DIR/cache"
	apt_private update >"$APT_DIR/update.log" 2>&1 ||
		{ cat "$APT_DIR/update.log" >&2; die "apt-get update (private lists) failed"; }
}

# Newest candidate version of PACKAGE across our suites.
candidate() {
	apt_private policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }'
}

# download PACKAGE DESTDIR: print the path of the .deb, reusing a cached one.
download() {
	local pkg=$1 dest=$2 ver file
	mkdir -p "$dest"
	file=$(ls -1 "$dest/${pkg}_"*.deb 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -n "$file" ]; then
		echo "$file"
		return 0
	fi
	update >&2
	ver=$(candidate "$pkg")
	[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
		die "package $pkg not found in: $SUITES"
	note "downloading $pkg $ver" >&2
	(cd "$dest" && apt_private download "$pkg=$ver" >&2) ||
		die "download of $pkg $ver failed"
	ls -1 "$dest/${pkg}_"*.deb | sort -V | tail -n 1
}

# source-versions PACKAGE: every version of source package PACKAGE in
# the Sources indexes of our suites, newest first.
source_versions() {
	update >&2
	apt_private showsrc --only-source "$1" 2>/dev/null |
		awk '$1 == "Version:" { print $2 }' | sort -u -V -r
}

# source-file PACKAGE VERSION SUFFIX DESTDIR: download the one file of
# source package PACKAGE at VERSION whose name ends in SUFFIX (for example
# .debian.tar.xz) and print its path. apt-helper checks it against the
# hash of the signed Sources index; only that file is fetched, not the
# whole source package. A file the mirror does not serve is an error.
source_file() {
	local pkg=$1 ver=$2 suffix=$3 dest=$4 uri name size hash file why
	mkdir -p "$dest"
	update >&2
	read -r uri name size hash < <(apt_private --print-uris --only-source source "$pkg=$ver" 2>/dev/null |
		tr -d "'" | awk -v s="$suffix" 'substr($2, length($2) - length(s) + 1) == s' | tail -n 1) ||
		die "source package $pkg $ver has no file *$suffix in: $SUITES"
	file=$dest/$name
	if [ ! -f "$file" ]; then
		note "downloading $name ($size bytes)" >&2
		if ! /usr/lib/apt/apt-helper download-file "$uri" "$file.part" "$hash" \
			> "$file.log" 2>&1; then
			why=$(grep -m 1 '^E: ' "$file.log" || grep -m 1 '^Err' "$file.log" || true)
			rm -f "$file.part" "$file.log"
			die "download of $uri failed: $why"
		fi
		rm -f "$file.log"
		mv "$file.part" "$file"
	fi
	echo "$file"
}

# closure PACKAGE...: PACKAGE=VERSION of the packages and of everything
# they depend on (not what they recommend), one a line, as apt would
# install them on an empty machine (our status file lists nothing).
closure() {
	update >&2
	apt_private install -s --no-install-recommends "$@" 2>&1 |
		awk '$1 == "Inst" { v = $3; gsub(/[()]/, "", v); print $2 "=" v }'
}

# download-closure DESTDIR PACKAGE...: download the packages of closure
# into DESTDIR, which is emptied first, and print their paths.
download_closure() {
	local dest=$1 list
	shift
	list=$(closure "$@")
	[ -n "$list" ] || die "cannot resolve $* in: $SUITES (see $APT_DIR/update.log)"
	rm -rf "$dest"
	mkdir -p "$dest"
	note "downloading $(echo "$list" | wc -l) packages for $*" >&2
	# shellcheck disable=SC2086 # one PACKAGE=VERSION a word
	(cd "$dest" && apt_private download $list > download.log 2>&1) ||
		{ tail -n 5 "$dest/download.log" >&2; die "download of $* failed"; }
	ls -1 "$dest"/*.deb
}

# Names of source packages matching a pattern, newest version first.
search() {
	update >&2
	apt_private search --names-only "$1" 2>/dev/null | awk '{ print $1 }' | sort -V -r
}

cmd=${1:-}
shift || true
case "$cmd" in
update) update ;;
candidate) update; candidate "$1" ;;
download) download "$1" "${2:-$KHO_BUILD/downloads}" ;;
source-versions) source_versions "$1" ;;
source-file) source_file "$1" "$2" "$3" "${4:-$KHO_BUILD/downloads}" ;;
search) search "$1" ;;
closure) closure "$@" ;;
download-closure) download_closure "$@" ;;
*) die "usage: $0 update|candidate PKG|download PKG [DIR]|source-versions PKG|source-file PKG VER SUFFIX [DIR]|search REGEX|closure PKG...|download-closure DIR PKG..." ;;
esac
