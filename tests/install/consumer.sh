#!/usr/bin/env bash
# Usage: consumer.sh BUILD_DIR SOURCE_DIR CC
set -euo pipefail
build=$1 src=$2 cc=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() { echo "TEST: $1 [FAIL]"; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null || fail "cmake --install"
for f in include/stt/stt.h include/stt/version.h lib/pkgconfig/libstt.pc lib/cmake/stt/sttConfig.cmake; do
	[ -e "$prefix/$f" ] || { ls -R "$prefix" | head -40; fail "installed $f"; }
done
echo "TEST: cmake --install lays out headers, libstt.pc, sttConfig.cmake [ OK ]"

# pkg-config: compile and link against the installed shared library
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
flags=$(pkg-config --cflags --libs libstt) || fail "pkg-config libstt"
"$cc" -std=c11 -o "$work/pc-consumer" "$src/consumer.c" $flags 2>"$work/cc.log" ||
	{ cat "$work/cc.log"; fail "compile with pkg-config flags"; }
LD_LIBRARY_PATH=$prefix/lib "$work/pc-consumer" | grep -q '^libstt .* ok$' || fail "pkg-config consumer runs"
echo "TEST: consumer built with pkg-config libstt runs [ OK ]"

# CMake package
mkdir -p "$work/cm"
cp "$src/consumer.c" "$work/cm/"
cp "$src/CMakeLists.consumer.txt" "$work/cm/CMakeLists.txt"
cmake -S "$work/cm" -B "$work/cm/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
	>"$work/cm.log" 2>&1 || { cat "$work/cm.log"; fail "find_package(stt)"; }
cmake --build "$work/cm/build" >"$work/cmb.log" 2>&1 || { cat "$work/cmb.log"; fail "build with find_package(stt)"; }
"$work/cm/build/consumer" | grep -q '^libstt .* ok$' || fail "find_package consumer runs"
echo "TEST: consumer built with find_package(stt) runs [ OK ]"
