#!/usr/bin/env bash
# Stages the image's root filesystem: the controller binary, exactly the shared
# libraries it loads (as ldd resolves them, the dynamic loader included), the
# CA bundle, and a passwd/group naming the non-root user 65534. No shell, no
# package manager, nothing else. Used by the Containerfile's build stage and by
# scripts/build-image.sh, so both images hold the same files.
# Usage: scripts/stage-rootfs.sh BINARY ROOTFS-DIR   (ROOTFS-DIR must not exist)
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BINARY ROOTFS-DIR" >&2
  exit 2
fi
binary=$1 rootfs=$2
[ -x "$binary" ] || { echo "stage-rootfs: '$binary' is not an executable" >&2; exit 2; }
[ ! -e "$rootfs" ] || { echo "stage-rootfs: '$rootfs' already exists" >&2; exit 2; }
ca_bundle=/etc/ssl/certs/ca-certificates.crt
[ -s "$ca_bundle" ] || { echo "stage-rootfs: no $ca_bundle (install ca-certificates)" >&2; exit 1; }

mkdir -p "$rootfs/etc/ssl/certs"
# Stripped: symbols and debug info are for the build tree, not the image.
install -s -m 0755 "$binary" "$rootfs/kube-aws-iam-controller"

# Every library by the path the loader will look for, resolved to its file.
# ldd prints "name => /path (addr)", "/path (addr)" (the loader) or
# "linux-vdso.so.1 (addr)" (in the kernel, nothing to copy).
libraries=$(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
if ldd "$binary" | grep -q 'not found'; then
  echo "stage-rootfs: unresolved libraries:" >&2
  ldd "$binary" | grep 'not found' >&2
  exit 1
fi
for lib in $libraries; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done

cp -L "$ca_bundle" "$rootfs$ca_bundle"
cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/nonexistent
nobody:x:65534:65534:nobody:/nonexistent:/nonexistent
PASSWD
cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
# Names: /etc/hosts first (the runtime provides it), then DNS (cluster DNS).
echo 'hosts: files dns' >"$rootfs/etc/nsswitch.conf"

echo "stage-rootfs: $(find "$rootfs" -type f | wc -l) files, $(du -sk "$rootfs" | cut -f1) KiB in $rootfs"
