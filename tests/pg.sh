#!/bin/sh
# tests/pg.sh: a throw-away PostgreSQL cluster for the tests (POSIX sh).
#
#	sh tests/pg.sh COMMAND [ARG...]
#
# Creates a cluster in a fresh temporary directory with initdb, starts it
# with pg_ctl listening on a Unix socket in that directory only (no TCP),
# with fsync off, runs COMMAND with IPP_TEST_PG set to a libpq connection
# string for its superuser "ipp" (database "postgres"), then stops the
# cluster and removes the directory, however COMMAND ends (a trap), and
# exits with COMMAND's status.  The connection string is also printed on
# standard error, so that a kept cluster (IPP_KEEP_PG=1) can be looked at.
#
# The server refuses to run as root, and CI runs as root: then the cluster
# belongs to an unprivileged user, IPP_PG_USER (default "nobody"; created
# with useradd when missing), and its processes run through runuser.
# Authentication is "trust", for local connections only.
#
# The tool is from Debian's postgresql package: /usr/lib/postgresql/*/bin,
# the newest version there, unless PG_BINDIR names another directory.
set -u

if [ $# -eq 0 ]; then
	echo "usage: sh tests/pg.sh COMMAND [ARG...]" >&2
	exit 2
fi

bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && bindir=$d
	done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
	echo "pg.sh: no initdb in /usr/lib/postgresql/*/bin: install" \
	    "Debian's postgresql package ('make deps')" >&2
	exit 2
fi

# as CMD...: runs CMD as the cluster's owner.
if [ "$(id -u)" -eq 0 ]; then
	owner=${IPP_PG_USER:-nobody}
	if ! id "$owner" >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin \
		    "$owner" || exit 2
	fi
	as() {
		runuser -u "$owner" -- "$@"
	}
else
	owner=$(id -un)
	as() {
		"$@"
	}
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/ipp-pg.XXXXXX") || exit 2
chmod 0755 "$dir"
[ "$(id -u)" -eq 0 ] && chown "$owner" "$dir"

stop() {
	status=$?
	trap - EXIT HUP INT TERM
	as "$bindir/pg_ctl" -D "$dir/data" -m immediate -s stop \
	    >/dev/null 2>&1
	if [ "${IPP_KEEP_PG:-0}" = 1 ]; then
		echo "pg.sh: kept $dir" >&2
	else
		rm -rf "$dir"
	fi
	exit "$status"
}
trap stop EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

if ! as "$bindir/initdb" -D "$dir/data" -U ipp --auth=trust --no-sync \
    --no-instructions -E UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
	echo "pg.sh: initdb failed:" >&2
	cat "$dir/initdb.log" >&2
	exit 2
fi
# Durability buys nothing in a cluster that lives for one test run.
if ! as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
    -o "-c listen_addresses= -c unix_socket_directories=$dir \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c max_connections=200 -c shared_buffers=32MB" start; then
	echo "pg.sh: the server did not start:" >&2
	cat "$dir/server.log" >&2
	exit 2
fi

IPP_TEST_PG="host=$dir user=ipp dbname=postgres"
PG_BINDIR=$bindir
export IPP_TEST_PG PG_BINDIR
echo "pg.sh: $IPP_TEST_PG" >&2
"$@"
