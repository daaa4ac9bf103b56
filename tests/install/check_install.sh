#!/usr/bin/env bash
# check_install.sh <build dir> <consumer source dir> <scratch dir> <c++ compiler>
set -euo pipefail
build=$1 consumer=$2 work=$3 cxx=$4
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null

# 1. find_package(braid CONFIG)
cmake -S "$consumer" -B "$work/cmake-build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
      -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cmake-build" >/dev/null
echo "cmake consumer: $("$work/cmake-build/consumer")"
if [ -x "$work/cmake-build/consumer_mpi" ]; then
  echo "cmake mpi consumer: $(OMPI_MCA_btl=self,vader,tcp timeout 60 "$work/cmake-build/consumer_mpi")"
fi

# 2. pkg-config, from a moved copy of the tree: the .pc file must not hard-code the prefix
mv "$work/prefix" "$work/moved-prefix"
pcdir=$(dirname "$(find "$work/moved-prefix" -name braid.pc)")
flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs braid)
# shellcheck disable=SC2086
"$cxx" "$consumer/consumer.cpp" -o "$work/pc-consumer" $flags
echo "pkg-config consumer: $("$work/pc-consumer")"
if [ -f "$pcdir/braid-mpi.pc" ]; then
  flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs braid-mpi)
  # shellcheck disable=SC2086
  "$cxx" "$consumer/consumer_mpi.cpp" -o "$work/pc-consumer-mpi" $flags
  echo "pkg-config mpi consumer: $(OMPI_MCA_btl=self,vader,tcp timeout 60 "$work/pc-consumer-mpi")"
fi
