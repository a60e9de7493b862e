#!/usr/bin/env bash
# Installs the Debian packages the tests and the demo drive for real (packer 1.6.6, OpenSSH's
# sshd, …) when running as root and they are missing. Without root it only reports what is
# missing; the specs that need a tool then skip with the reason printed.
set -euo pipefail

# package:command pairs; the command proves the package is there.
wanted=("$@")
missing=()
for pair in "${wanted[@]}"; do
  pkg=${pair%%:*}
  cmd=${pair#*:}
  if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "$cmd" ]; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: not root, not installing: ${missing[*]} (specs needing them will be skipped)" >&2
  exit 0
fi
echo "system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A stale package index is the usual reason for a 404; refresh once, then install.
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
