#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the demo need.
# Idempotent: does nothing (and prints one line) when everything is present.
# Usage: scripts/install-deps.sh [--build-only]
#   --build-only  only what building the controller binary needs (the
#                 Containerfile's build stage): no clang, no test tools.
set -euo pipefail

build_only=false
case "${1:-}" in
  "") ;;
  --build-only) build_only=true ;;
  *) echo "usage: $0 [--build-only]" >&2; exit 2 ;;
esac

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config
  # libraries (design card + chosen)
  libssl-dev rapidjson-dev libyaml-cpp-dev
  libgflags-dev libabsl-dev libpugixml-dev
  libcpp-httplib-dev zlib1g-dev libre2-dev
  # the CA bundle the image carries (scripts/stage-rootfs.sh)
  ca-certificates
)
if [ "$build_only" = false ]; then
  packages+=(
    # sanitizer builds, formatting and lint
    clang clang-format clang-tidy libclang-rt-14-dev
    # tests and benchmarks
    libgtest-dev libgmock-dev libbenchmark-dev
    # real clients used by the integration tests and the demo
    awscli python3-boto3 openssl curl procps
    # the container image: built (scripts/build-image.sh) and run in the tests
    podman buildah runc
    # deploy/monitoring: promtool checks and unit-tests the alert rules;
    # PyYAML reads manifests in the tests (Debian's python3, /usr/bin/python3)
    prometheus python3-yaml
  )
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# kubectl: use the one on the machine if any; plain Debian only has kubernetes-client (1.20).
if [ "$build_only" = false ] && ! command -v kubectl >/dev/null 2>&1; then
  missing+=(kubernetes-client)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
