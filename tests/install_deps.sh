#!/bin/sh
# Installs the Debian packages the build needs when run as root; otherwise
# prints the exact command and fails.  Usage: install_deps.sh PKG...
missing=""
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "installing build dependencies:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
    echo "apt-get install failed for:$missing" >&2; exit 1; }
else
  echo "missing build dependencies; run as root:" >&2
  echo "  apt-get install -y$missing" >&2
  exit 1
fi
