#!/usr/bin/env bash
# Builds the test kernel (Linux 6.12 from Debian's linux-source-6.12, riscv64-linux-gnu-gcc) and its initramfs
# into .cache/linux/<key>/, keyed by the config fragment, the source package's version and the initramfs sources.
#
#   scripts/linux/build.sh           build if needed; prints the output folder (Image, vmlinux, initramfs.cpio)
#   scripts/linux/build.sh --print   print the output folder without building (it may not exist yet)
#
# HARTLINE_LINUX_CACHE moves the cache (default: <repo>/.cache/linux). Exit 2 when a tool or the source is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${HARTLINE_LINUX_CACHE:-$root/.cache/linux}"
tarball=/usr/src/linux-source-6.12.tar.xz
fragment="$here/hartline.config"
programs="$root/test/linux"
cross=riscv64-linux-gnu-
packages="gcc-riscv64-linux-gnu libc6-dev-riscv64-cross linux-source-6.12 bc flex bison libssl-dev libelf-dev cpio"

fail() {
  echo "linux build: $*" >&2
  exit 2
}

# The source package's version names the source; without dpkg, the tarball's size and time stand in.
version="$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)"
if [ -z "$version" ] && [ -f "$tarball" ]; then version="file-$(stat -c %s-%Y "$tarball")"; fi
[ -n "$version" ] || version=missing

key="$( {
  echo "linux-source-6.12 $version"
  for f in "$here/build.sh" "$fragment" "$programs"/*; do
    echo "== ${f#"$root"/}"
    cat "$f"
  done
} | sha256sum | cut -c1-16)"
out="$cache/$key"

if [ "${1:-}" = --print ]; then
  echo "$out"
  exit 0
fi

if [ -f "$out/Image" ] && [ -f "$out/vmlinux" ] && [ -f "$out/initramfs.cpio" ]; then
  echo "$out"
  exit 0
fi

[ -f "$tarball" ] || fail "$tarball is missing (apt-get install $packages)"
for tool in "${cross}gcc" make bc flex bison cpio cc; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install $packages)"
done

jobs="$(nproc)"
src_root="$cache/src-$version"
src="$src_root/linux-source-6.12"
if [ ! -f "$src/Makefile" ]; then
  echo "linux build: unpacking $tarball" >&2
  rm -rf "$src_root.tmp"
  mkdir -p "$src_root.tmp"
  tar -xJf "$tarball" -C "$src_root.tmp"
  rm -rf "$src_root"
  mv "$src_root.tmp" "$src_root"
fi

build="$out/build"
# A new key starts from the newest earlier build tree: Kbuild tracks which objects each option touches, so a
# changed fragment or program rebuilds only what it affects instead of the whole kernel.
if [ ! -d "$build" ]; then
  previous="$(ls -dt "$cache"/*/build 2>/dev/null | head -1 || true)"
  if [ -n "$previous" ]; then
    echo "linux build: starting from $previous" >&2
    mkdir -p "$out"
    cp -a "$previous" "$build.tmp" && mv "$build.tmp" "$build"
  fi
fi
mkdir -p "$build" "$out/bin"
kmake() { nice make -s -C "$src" O="$build" ARCH=riscv CROSS_COMPILE="$cross" "$@"; }

echo "linux build: configuring $build" >&2
kmake allnoconfig >/dev/null
# merge_config.sh applies the fragment on top of allnoconfig, then olddefconfig fills in the rest.
(cd "$build" && nice "$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "$fragment" >/dev/null)
kmake olddefconfig >/dev/null
# Every option the fragment asks for must have survived Kconfig's dependencies, or the kernel is not the one asked for.
missing=""
while IFS= read -r line; do
  case "$line" in
    "# CONFIG_"*" is not set") option="${line#\# }" && option="${option%% *}" &&
      if grep -q "^$option=" "$build/.config"; then missing="$missing $option=n"; fi ;;
    CONFIG_*) grep -qx "$line" "$build/.config" || missing="$missing $line" ;;
  esac
done <"$fragment"
[ -z "$missing" ] || fail "Kconfig did not keep:$missing"

echo "linux build: compiling the kernel with $jobs jobs" >&2
kmake -j"$jobs" Image
cp "$build/arch/riscv/boot/Image" "$out/Image.tmp" && mv "$out/Image.tmp" "$out/Image"
cp "$build/vmlinux" "$out/vmlinux.tmp" && mv "$out/vmlinux.tmp" "$out/vmlinux"
cp "$build/.config" "$out/config"

echo "linux build: compiling the initramfs programs" >&2
for c in "$programs"/*.c; do
  name="$(basename "$c" .c)"
  nice "${cross}gcc" -static -O2 -g -pthread -Wall -o "$out/bin/$name" "$c"
done
cc -O2 -o "$out/bin/gen_init_cpio" "$src/usr/gen_init_cpio.c"
sed "s|@BIN@|$out/bin|g" "$programs/initramfs.list" >"$out/initramfs.list"
"$out/bin/gen_init_cpio" "$out/initramfs.list" >"$out/initramfs.cpio.tmp"
mv "$out/initramfs.cpio.tmp" "$out/initramfs.cpio"
echo "$out"
