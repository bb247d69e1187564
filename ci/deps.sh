#!/usr/bin/env bash
# Installs what qftp-harness needs to build and run, from Debian packages.
# Idempotent: installs nothing when everything is present. As non-root it
# only says what is missing and how to install it.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config   # toolchain
  check                              # unit tests
  libyaml-dev libjansson-dev         # case files, results.json
  libssl-dev openssl                 # FTPS in the simulator, certificates
  libpcap-dev tcpdump                # wire capture
  vsftpd                             # the FTP server under test
  passwd libpam-modules util-linux procps  # useradd, pam_unix, unshare, pgrep
  jq                                 # end-to-end tests read results.json
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing packages: ${missing[*]}" >&2
  echo "deps: install them as root:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian package starts a system vsftpd on port 21; the harness runs its
# own per run, so the system one is only in the way.
if command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now vsftpd >/dev/null 2>&1 || true
fi
echo "deps: done"
