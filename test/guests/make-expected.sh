#!/bin/sh
# Runs every guest in guests.txt under QEMU and writes expected/<name>.txt (console) and <name>.code (exit code).
# Output is taken from -smp 1; -smp 2 and -smp 4 must give the same, or the script fails.
# Usage: test/guests/make-expected.sh [name...]
set -eu
cd "$(dirname "$0")"
QEMU=${QEMU:-qemu-system-riscv64}
TIMEOUT=${TIMEOUT:-120}
command -v "$QEMU" >/dev/null || { echo "make-expected: $QEMU not found (apt-get install qemu-system-misc)" >&2; exit 1; }
mkdir -p expected
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # name machine harts -> $tmp/out, $tmp/code
  set +e
  timeout "$TIMEOUT" "$QEMU" -M "$2" -bios none -display none -monitor none \
    -chardev stdio,id=con,mux=on -serial chardev:con \
    -semihosting-config enable=on,target=native,chardev=con \
    -smp "$3" -kernel "bin/$1.elf" </dev/null >"$tmp/out" 2>"$tmp/err"
  echo $? >"$tmp/code"
  set -e
  if [ "$(cat "$tmp/code")" = 124 ]; then echo "make-expected: $1 timed out on $3 harts" >&2; cat "$tmp/err" >&2; exit 1; fi
  if [ -s "$tmp/err" ]; then echo "make-expected: $1 wrote to QEMU's stderr on $3 harts:" >&2; cat "$tmp/err" >&2; exit 1; fi
}

grep -v '^#' guests.txt | while read -r name machine trace; do
  [ -n "$name" ] || continue
  if [ $# -gt 0 ]; then case " $* " in *" $name "*) ;; *) continue ;; esac; fi
  run "$name" "$machine" 1
  cp "$tmp/out" "expected/$name.txt"
  cp "$tmp/code" "expected/$name.code"
  for n in 2 4; do
    run "$name" "$machine" "$n"
    if ! cmp -s "$tmp/out" "expected/$name.txt" || ! cmp -s "$tmp/code" "expected/$name.code"; then
      echo "make-expected: $name differs on $n harts (exit $(cat "$tmp/code") vs $(cat "expected/$name.code")):" >&2
      diff "expected/$name.txt" "$tmp/out" >&2 || true
      exit 1
    fi
  done
  echo "$name: exit $(cat "expected/$name.code"), $(wc -l <"expected/$name.txt") lines"
done
