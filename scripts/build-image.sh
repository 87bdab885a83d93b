#!/usr/bin/env bash
# Builds the kube-aws-iam-controller container image OFFLINE, from this
# machine's Debian packages: builds the binary (or takes --binary), stages the
# root filesystem with scripts/stage-rootfs.sh, and builds the Containerfile's
# runtime stage from it with podman (no registry, --network=none). Also writes
# the image as an OCI archive, for `podman load` / `skopeo copy` elsewhere.
#
# Usage: scripts/build-image.sh [--binary PATH] [--tag REF] [--output FILE]
#                               [--source URL] [--storage DIR]
#   --binary   a built controller (default: a release build in build-image/)
#   --tag      the image reference (default: localhost/kube-aws-iam-controller:VERSION)
#   --output   the OCI archive (default: build-image/kube-aws-iam-controller-VERSION.oci.tar)
#   --source   the org.opencontainers.image.source label (default: git's origin URL)
#   --storage  a private podman storage directory (default: podman's own), as the tests use
# The last line printed is the image reference.
set -euo pipefail
cd "$(dirname "$0")/.."

binary="" tag="" output="" source="" storage=""
for arg in "$@"; do
  case "$arg" in
    --binary=*) binary=${arg#*=} ;;
    --tag=*) tag=${arg#*=} ;;
    --output=*) output=${arg#*=} ;;
    --source=*) source=${arg#*=} ;;
    --storage=*) storage=${arg#*=} ;;
    -h | --help) sed -n '/^# Usage/,/^# The last line/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-image: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
command -v podman >/dev/null || { echo "build-image: podman is not installed (scripts/install-deps.sh)" >&2; exit 1; }
podman=(podman)
[ -z "$storage" ] || podman+=(--root "$storage/root" --runroot "$storage/run")

if [ -z "$binary" ]; then
  cmake -S . -B build-image -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DKAIC_BUILD_TESTS=OFF -DKAIC_BUILD_BENCH=OFF >/dev/null
  cmake --build build-image --target kube-aws-iam-controller >&2
  binary=build-image/controller/kube-aws-iam-controller
fi
# "kube-aws-iam-controller 0.1.0 (revision 0123456789ab)": the binary says what it is.
read -r _ version _ revision < <("$binary" --version)
revision=${revision%)}
[ -n "$version" ] && [ -n "$revision" ] || { echo "build-image: '$binary --version' printed no version" >&2; exit 1; }
tag=${tag:-localhost/kube-aws-iam-controller:$version}
output=${output:-build-image/kube-aws-iam-controller-$version.oci.tar}
if [ -z "$source" ]; then
  # The origin's URL when it is one (a clone of a local path is no source to cite).
  source=$(git config --get remote.origin.url 2>/dev/null || true)
  [[ "$source" == *://* || "$source" == git@* ]] || source=""
fi

context=$(mktemp -d "${TMPDIR:-/tmp}/kaic-image.XXXXXX")
trap 'rm -rf "$context"' EXIT
scripts/stage-rootfs.sh "$binary" "$context/rootfs" >&2
"${podman[@]}" build --network=none --pull=never --quiet \
  --build-arg ROOTFS_FROM=prestaged --build-arg VERSION="$version" \
  --build-arg REVISION="$revision" --build-arg SOURCE="$source" \
  --tag "$tag" --file Containerfile "$context" >/dev/null
mkdir -p "$(dirname "$output")"
rm -f "$output"
"${podman[@]}" save --quiet --format oci-archive --output "$output" "$tag"
size=$("${podman[@]}" image inspect --format '{{.Size}}' "$tag")
echo "build-image: $tag ($version, revision $revision): $((size / 1024 / 1024)) MiB uncompressed, $(($(stat -c %s "$output") / 1024 / 1024)) MiB as $output" >&2
echo "$tag"
