#!/usr/bin/env bash
# Installs what qftp-harness needs to build and run, from Debian packages.
# Idempotent: installs nothing when everything is present. As non-root it
# only says what is missing and how to install it.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config   # toolchain
  clang                              # the second compiler CI builds with
  check                              # unit tests
  libyaml-dev libjansson-dev         # case files, results.json
  libssl-dev openssl                 # FTPS in the simulator, certificates
  libpcap-dev tcpdump                # wire capture
  vsftpd                             # the FTP server under test
  passwd libpam-modules util-linux procps  # useradd, pam_unix, unshare, pgrep
  jq                                 # end-to-end tests read results.json
  chromium                           # e2e.browser: report.html in headless Chromium
  ser2net                            # end-to-end: the module over RFC 2217 / raw TCP
  iproute2                           # e2e.lab: network namespaces and a veth pair
  libhiredis0.14 libmemcached11 libmemcachedutil2 libpcre2-posix3  # proftpd's libraries
)

# proftpd serves the MLSD cases (vsftpd has no MLSD). As Debian packages it
# and vsftpd exclude each other (both provide ftp-server), so its binary is
# unpacked from the package, never installed: no service, no conflict.
PROFTPD_DIR=/opt/qftp/proftpd-core
install_proftpd() {
  [ -x "$PROFTPD_DIR/usr/sbin/proftpd" ] && [ -x /usr/local/sbin/proftpd ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: proftpd missing; as root: apt-get download proftpd-core &&" \
         "dpkg-deb -x proftpd-core_*.deb $PROFTPD_DIR &&" \
         "ln -sf $PROFTPD_DIR/usr/sbin/proftpd /usr/local/sbin/proftpd" >&2
    return 1
  fi
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && { apt-get download -qq proftpd-core >/dev/null 2>&1 ||
                  { apt-get update -qq && apt-get download -qq proftpd-core >/dev/null; }; })
  mkdir -p "$PROFTPD_DIR"
  dpkg-deb -x "$tmp"/proftpd-core_*.deb "$PROFTPD_DIR"
  rm -rf "$tmp"
  mkdir -p /usr/local/sbin
  ln -sf "$PROFTPD_DIR/usr/sbin/proftpd" /usr/local/sbin/proftpd
  echo "deps: proftpd unpacked into $PROFTPD_DIR"
}

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PACKAGES[@]} packages present"
  install_proftpd
  exit $?
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
# The Debian packages start a system vsftpd on port 21 and a system
# ser2net with the package's example ports; the harness and its tests run
# their own, so the system ones are only in the way.
if command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now vsftpd >/dev/null 2>&1 || true
  systemctl disable --now ser2net >/dev/null 2>&1 || true
fi
install_proftpd
echo "deps: done"
