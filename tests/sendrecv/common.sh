# Shared by the sendrecv scripts (sourced): the TEST lines and the
# checks, written once so that every script reports the same way.
# TEST_WIDTH: the name column (default 60). The sourcing script sets
# fails=0 and exits with [ $fails = 0 ].

# ok NAME / fail NAME [DETAIL...]: one "TEST: name [ OK ]" or "[FAIL]" line
ok() { printf 'TEST: %-*s [ OK ]\n' "${TEST_WIDTH:-60}" "$1"; }
fail() {
	printf 'TEST: %-*s [FAIL]\n' "${TEST_WIDTH:-60}" "$1"
	shift
	[ $# -gt 0 ] && printf '      %s\n' "$@"
	fails=$((fails + 1))
}

# check NAME CMD...: passes when CMD succeeds
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name" "command failed: $*"; fi
}
# check_not NAME CMD...: passes when CMD fails (the negative control)
check_not() {
	local name=$1
	shift
	if "$@"; then fail "$name" "expected failure: $*"; else ok "$name"; fi
}
