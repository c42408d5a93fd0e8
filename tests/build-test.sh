#!/bin/sh
# build-test: the first build, on a machine without the -dev packages.
#
# `make` with a pkg-config that cannot find a module must stop before it
# compiles anything and name the Debian package to install and `make
# deps`, instead of printing a wall of missing headers and undefined
# references; the tests' own needs (cmocka) stop `make unit` the same
# way; and `make` (all) builds the tools only, the test helpers being
# built by the targets that use them.  Each build goes to a directory of
# its own; nothing is installed.  Prints TAP lines and a summary.
#
# Usage, from the repository root: sh tests/build-test.sh

set -u

if [ ! -f Makefile ] || [ ! -d lib ]; then
	echo "usage: sh tests/build-test.sh (from the repository root)" >&2
	exit 2
fi

pass=0
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/build-test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM
# The make of the test, not the one that runs it (make check).
unset MAKEFLAGS MFLAGS MAKELEVEL

ok() {
	pass=$((pass + 1))
	echo "ok $((pass + fail)) - $*"
}

not_ok() {
	fail=$((fail + 1))
	echo "not ok $((pass + fail)) - $*"
}

# is GOT EXPECTED DESC
is() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		printf '#      got: %s\n# expected: %s\n' "$1" "$2"
	fi
}

# like FILE ERE DESC / unlike FILE ERE DESC
like() {
	if grep -Eq -- "$2" "$1"; then
		ok "$3"
	else
		not_ok "$3"
		sed 's/^/#   /' "$1" | tail -5
	fi
}

unlike() {
	if grep -Eq -- "$2" "$1"; then
		not_ok "$3"
		grep -E -- "$2" "$1" | head -3 | sed 's/^/#   /'
	else
		ok "$3"
	fi
}

# fake_pkg_config NAME MODULE...: a pkg-config that knows every module
# but MODULE..., as on a machine without their -dev packages.
fake_pkg_config() {
	_f=$tmp/$1
	shift
	{
		echo '#!/bin/sh'
		echo 'for a in "$@"; do'
		echo '	case $a in'
		for m in "$@"; do
			echo "	$m) exit 1 ;;"
		done
		echo '	esac'
		echo 'done'
		echo 'exec pkg-config "$@"'
	} >"$_f"
	chmod +x "$_f"
	echo "$_f"
}

# ---- one package missing ----
pc=$(fake_pkg_config no-sqlite sqlite3)
make BUILD="$tmp/b1" PKG_CONFIG="$pc" all >"$tmp/b1.out" 2>"$tmp/b1.err"
rc=$?
is "$([ "$rc" -ne 0 ] && echo yes || echo no)" yes \
    "make without libsqlite3-dev fails"
like "$tmp/b1.err" 'missing Debian packages: libsqlite3-dev$' \
    "it names the missing package, and only it"
like "$tmp/b1.err" "'make deps' installs them" "it says make deps installs it"
like "$tmp/b1.err" "'make demo' and 'make check'" \
    "and that make demo and make check do too"
unlike "$tmp/b1.err" 'undefined reference|No such file|fatal error' \
    "no compiler or linker errors"
if [ -e "$tmp/b1/obj" ] || [ -e "$tmp/b1/bin" ]; then
	not_ok "nothing was compiled"
else
	ok "nothing was compiled"
fi

# ---- no package found at all ----
mkdir -p "$tmp/no-pc"
PKG_CONFIG_LIBDIR=$tmp/no-pc PKG_CONFIG_PATH= make BUILD="$tmp/b2" all \
    >"$tmp/b2.out" 2>"$tmp/b2.err"
rc=$?
is "$([ "$rc" -ne 0 ] && echo yes || echo no)" yes \
    "make where pkg-config finds nothing fails"
for p in libsqlite3-dev libsodium-dev libcurl4-openssl-dev libmagic-dev; do
	like "$tmp/b2.err" "missing Debian packages:.* $p( |\$)" \
	    "it names $p"
done
unlike "$tmp/b2.err" 'undefined reference|fatal error' \
    "no compiler or linker errors"

# ---- the tests' own needs ----
pc=$(fake_pkg_config no-cmocka cmocka)
make BUILD="$tmp/b3" PKG_CONFIG="$pc" unit >"$tmp/b3.out" 2>"$tmp/b3.err"
rc=$?
is "$([ "$rc" -ne 0 ] && echo yes || echo no)" yes \
    "make unit without libcmocka-dev fails"
like "$tmp/b3.err" 'missing Debian packages: libcmocka-dev$' \
    "it names libcmocka-dev"
if [ -e "$tmp/b3/obj" ]; then
	not_ok "nothing was compiled for the unit tests"
else
	ok "nothing was compiled for the unit tests"
fi

# ---- make builds the tools, not the test helpers ----
make -n BUILD="$tmp/b4" all >"$tmp/b4.out" 2>&1
like "$tmp/b4.out" "-o $tmp/b4/bin/ipp-register " "make builds ipp-register"
like "$tmp/b4.out" "-o $tmp/b4/bin/ipp-complain " "and ipp-complain"
unlike "$tmp/b4.out" "$tmp/b4/(helpers|unit)/" \
    "and no test helper or unit test"
make -n BUILD="$tmp/b4" e2e >"$tmp/b5.out" 2>&1
like "$tmp/b5.out" "-o $tmp/b4/helpers/smtpsink " \
    "make e2e builds the helpers it needs"

echo "1..$((pass + fail))"
echo "build: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
