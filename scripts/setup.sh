#!/usr/bin/env bash
# Installs what the demo and the tests need on a fresh Debian or Ubuntu machine: Prometheus and
# promtool (the demo and the tests backfill and query a real Prometheus), Java (DynamoDB Local)
# and the npm packages. Installs only what is missing, so it is safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  as_root=(sudo)
fi

missing_packages=()
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  missing_packages+=(prometheus)
fi
if ! command -v java >/dev/null; then
  missing_packages+=(default-jre-headless)
fi
if [ "${#missing_packages[@]}" -gt 0 ]; then
  echo "Installing ${missing_packages[*]} with apt-get"
  "${as_root[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y --no-install-recommends "${missing_packages[@]}"
fi

# npm ci also runs the "prepare" script, which bundles the CLI into dist/.
npm ci
