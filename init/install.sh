#!/bin/sh
# pmtr install / uninstall, called by `make install` and `make uninstall`.
#
#   init/install.sh install|uninstall
#
# Everything comes from the environment (the Makefile passes it):
#   PREFIX      /usr/local
#   SBINDIR     $PREFIX/sbin                pmtr
#   BINDIR      $PREFIX/bin                 pmtrctl
#   LIBEXECDIR  $PREFIX/libexec             pmtr/pmtr-parser, pmtr/pmtr-log, pmtr/pmtr-net
#   MANDIR      $PREFIX/share/man           man8/pmtr.8, man8/pmtrctl.8, man5/pmtr.conf.5
#   BASHCOMPLETIONDIR  $PREFIX/share/bash-completion/completions   pmtrctl
#   SYSCONFDIR  /etc                        pmtr.conf, init.d/pmtr
#   SYSTEMDUNITDIR  see unit_dir below      pmtr.service
#   DESTDIR     empty                       staging root (packaging); any
#                                           non-empty value, even /, means
#                                           "do not touch the host's users"
#   INIT        auto|systemd|sysv|openrc|none
#   BUILD       build                       where the programs were built
#
# Install never overwrites an existing pmtr.conf and creates the `pmtr`
# system user only on the live system (DESTDIR empty): a staging install
# must not touch the host's users, so it prints what it would have done.
# Uninstall removes the files install puts down (the known paths below, not
# a manifest: they follow from the same variables) and leaves pmtr.conf and
# the user alone.  A path that a Debian package owns is never touched.
#
# pmtr finds pmtr-parser next to itself, then at the LIBEXECDIR compiled
# into it.  `make install` rebuilds pmtr first when PREFIX/LIBEXECDIR differ
# from the build's (the Makefile's libexecdir stamp); run by hand, this
# script installs $BUILD's programs as they are.
set -eu

PREFIX=${PREFIX:-/usr/local}
SBINDIR=${SBINDIR:-$PREFIX/sbin}
BINDIR=${BINDIR:-$PREFIX/bin}
LIBEXECDIR=${LIBEXECDIR:-$PREFIX/libexec}
MANDIR=${MANDIR:-$PREFIX/share/man}
# bash-completion looks there for /usr, and in $XDG_DATA_DIRS (which holds
# /usr/local/share by default) for /usr/local.
BASHCOMPLETIONDIR=${BASHCOMPLETIONDIR:-$PREFIX/share/bash-completion/completions}
SYSCONFDIR=${SYSCONFDIR:-/etc}
DESTDIR=${DESTDIR:-}
INIT=${INIT:-auto}
BUILD=${BUILD:-build}

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
case $BUILD in
  /*) ;;
  *) BUILD=$top/$BUILD ;;
esac

# systemd looks in /lib/systemd/system (packages, Debian 12), in
# /usr/local/lib/systemd/system (the administrator's installs) and in
# /etc/systemd/system; any other prefix goes to the last.
unit_dir() {
  if [ -n "${SYSTEMDUNITDIR:-}" ]; then
    echo "$SYSTEMDUNITDIR"
    return
  fi
  case $PREFIX in
    /usr) echo /lib/systemd/system ;;
    /usr/local) echo /usr/local/lib/systemd/system ;;
    *) echo "$SYSCONFDIR/systemd/system" ;;
  esac
}

say() { printf '%s\n' "$*"; }
die() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}

is_root() { [ "$(id -u)" = 0 ]; }

# The init system of the machine we run on.  With DESTDIR set this is a
# guess about the target; packagers pass INIT explicitly.
detect_init() {
  if [ -d /run/systemd/system ]; then
    echo systemd
  elif [ -x /sbin/openrc-run ]; then
    echo openrc
  elif [ -d /etc/init.d ]; then
    echo sysv
  else
    echo none
  fi
}

# A file that dpkg knows belongs to the package; make install must not
# overwrite it and make uninstall must not delete it.
owned_by_package() {
  [ -z "$DESTDIR" ] || return 1
  command -v dpkg-query >/dev/null 2>&1 || return 1
  dpkg-query -S "$1" >/dev/null 2>&1
}

check_not_packaged() {
  if owned_by_package "$1"; then
    die "$1 belongs to a Debian package ($(dpkg-query -S "$1" 2>/dev/null | cut -d: -f1)); remove the package or choose another PREFIX"
  fi
}

# install(1) with root:root when we are root (a non-root staging install
# keeps the caller as owner; the packaging tools fix that up).
put() {
  mode=$1 src=$2 dst=$3
  check_not_packaged "$dst"
  if is_root; then
    install -D -m "$mode" -o root -g root "$src" "$DESTDIR$dst" || die "cannot install $DESTDIR$dst"
  else
    install -D -m "$mode" "$src" "$DESTDIR$dst" || die "cannot install $DESTDIR$dst"
  fi
  say "  $dst ($mode)"
}

# The init files name the installed paths, not the build tree's.
tmp=
trap 'rm -f "$tmp"' EXIT
put_substituted() {
  mode=$1 src=$2 dst=$3
  tmp=$(mktemp "${TMPDIR:-/tmp}/pmtr-install.XXXXXX") || die "mktemp failed"
  sed -e "s|@SBINDIR@|$SBINDIR|g" -e "s|@BINDIR@|$BINDIR|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" "$src" >"$tmp" || die "cannot read $src"
  put "$mode" "$tmp" "$dst"
  rm -f "$tmp"
  tmp=
}

remove() {
  path=$1
  if [ ! -e "$DESTDIR$path" ] && [ ! -L "$DESTDIR$path" ]; then
    return 0
  fi
  if owned_by_package "$path"; then
    say "  kept $path (it belongs to a Debian package)"
    return 0
  fi
  rm -f "$DESTDIR$path"
  say "  removed $path"
}

# The shell for a system user that must never log in.
nologin_shell() {
  for s in /usr/sbin/nologin /sbin/nologin; do
    if [ -x "$s" ]; then
      echo "$s"
      return
    fi
  done
  echo /bin/false
}

# The unprivileged user pmtr-parser runs as (monitor/parser_link.cpp).
create_user() {
  if getent passwd pmtr >/dev/null 2>&1; then
    say "user pmtr exists"
    return 0
  fi
  shell=$(nologin_shell)
  if command -v adduser >/dev/null 2>&1 && adduser --help 2>&1 | grep -q -- --system; then
    if getent group pmtr >/dev/null 2>&1; then
      cmd="adduser --system --ingroup pmtr --no-create-home --home /nonexistent --shell $shell pmtr"
    else
      cmd="adduser --system --group --no-create-home --home /nonexistent --shell $shell pmtr"
    fi
  else
    cmd="useradd --system --user-group --no-create-home --home-dir /nonexistent --shell $shell pmtr"
    if getent group pmtr >/dev/null 2>&1; then
      cmd="useradd --system --gid pmtr --no-create-home --home-dir /nonexistent --shell $shell pmtr"
    fi
  fi
  if [ -n "$DESTDIR" ]; then
    say "staging install (DESTDIR): not creating the pmtr user; on the target run:"
    say "  $cmd"
    return 0
  fi
  if ! is_root; then
    say "not root: not creating the pmtr user; as root run:"
    say "  $cmd"
    return 0
  fi
  say "creating system user pmtr: $cmd"
  # adduser is chatty on stderr even when it succeeds.
  # shellcheck disable=SC2086
  $cmd >/dev/null 2>&1 || die "could not create the pmtr user ($cmd)"
}

init_files() {
  # What an INIT value installs: "template mode destination".
  case $1 in
    systemd) echo "pmtr.service 0644 $(unit_dir)/pmtr.service" ;;
    sysv) echo "pmtr.sysv 0755 $SYSCONFDIR/init.d/pmtr" ;;
    openrc) echo "pmtr.openrc 0755 $SYSCONFDIR/init.d/pmtr" ;;
    none) ;;
    *) die "INIT must be auto, systemd, sysv, openrc or none (got '$1')" ;;
  esac
}

do_install() {
  init=$INIT
  [ "$init" = auto ] && init=$(detect_init)
  init_files "$init" >/dev/null   # validates INIT before anything is written

  [ -x "$BUILD/pmtr" ] || die "$BUILD/pmtr not built (run make)"
  [ -x "$BUILD/pmtr-parser" ] || die "$BUILD/pmtr-parser not built (run make)"
  [ -x "$BUILD/pmtr-log" ] || die "$BUILD/pmtr-log not built (run make)"
  [ -x "$BUILD/pmtr-net" ] || die "$BUILD/pmtr-net not built (run make)"
  [ -x "$BUILD/pmtrctl" ] || die "$BUILD/pmtrctl not built (run make)"

  # Refuse before writing anything, not half-way.
  for dst in "$SBINDIR/pmtr" "$LIBEXECDIR/pmtr/pmtr-parser" "$LIBEXECDIR/pmtr/pmtr-log" "$LIBEXECDIR/pmtr/pmtr-net" "$BINDIR/pmtrctl" "$MANDIR/man8/pmtr.8" \
    "$MANDIR/man8/pmtrctl.8" "$MANDIR/man5/pmtr.conf.5" "$BASHCOMPLETIONDIR/pmtrctl" \
    $(init_files "$init" | cut -d' ' -f3); do
    check_not_packaged "$dst"
  done

  say "installing pmtr${DESTDIR:+ into $DESTDIR} (init: $init)"
  put 0755 "$BUILD/pmtr" "$SBINDIR/pmtr"
  put 0755 "$BUILD/pmtr-parser" "$LIBEXECDIR/pmtr/pmtr-parser"
  put 0755 "$BUILD/pmtr-log" "$LIBEXECDIR/pmtr/pmtr-log"
  put 0755 "$BUILD/pmtr-net" "$LIBEXECDIR/pmtr/pmtr-net"
  put 0755 "$BUILD/pmtrctl" "$BINDIR/pmtrctl"
  put 0644 "$top/docs/pmtr.8" "$MANDIR/man8/pmtr.8"
  put 0644 "$top/docs/pmtrctl.8" "$MANDIR/man8/pmtrctl.8"
  put 0644 "$top/docs/pmtr.conf.5" "$MANDIR/man5/pmtr.conf.5"
  put 0644 "$here/pmtrctl.bash-completion" "$BASHCOMPLETIONDIR/pmtrctl"

  # "template mode destination", or nothing for INIT=none.
  # shellcheck disable=SC2046
  set -- $(init_files "$init")
  if [ $# = 3 ]; then put_substituted "$2" "$here/$1" "$3"; fi

  # The admin's config is never replaced.  0600 root:root: pmtr refuses a
  # config that others can write, and env lines may hold secrets.
  conf=$SYSCONFDIR/pmtr.conf
  if [ -e "$DESTDIR$conf" ] || [ -L "$DESTDIR$conf" ]; then
    say "  $conf exists, left as it is"
  else
    put 0600 "$here/pmtr.conf.example" "$conf"
  fi

  create_user

  if [ -z "$DESTDIR" ]; then
    case $init in
      systemd)
        if [ -d /run/systemd/system ] && is_root; then systemctl daemon-reload || true; fi
        say "start at boot: systemctl enable --now pmtr"
        ;;
      sysv) say "start at boot: update-rc.d pmtr defaults && service pmtr start" ;;
      openrc) say "start at boot: rc-update add pmtr default && rc-service pmtr start" ;;
      none) ;;
    esac
  fi
}

# Uninstalling the binaries under a running pmtr would leave it without
# its parser on the next reload.
check_not_running() {
  [ -z "$DESTDIR" ] || return 0
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    case $exe in
      "$SBINDIR/pmtr" | "$SBINDIR/pmtr (deleted)")
        die "pmtr is running (pid ${p#/proc/}); stop it first"
        ;;
    esac
  done
}

# The boot links an administrator made with the init system's tool point at
# the script we remove; they go with it.
drop_boot_links() {
  [ -z "$DESTDIR" ] || return 0
  is_root || return 0
  case $1 in
    systemd)
      if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled pmtr.service >/dev/null 2>&1; then
        systemctl disable pmtr.service || true
      fi
      ;;
    sysv)
      if command -v update-rc.d >/dev/null 2>&1 && ls /etc/rc?.d/[SK][0-9][0-9]pmtr >/dev/null 2>&1; then
        update-rc.d -f pmtr remove >/dev/null || true
        say "  removed the boot links of /etc/init.d/pmtr"
      fi
      ;;
    openrc)
      if command -v rc-update >/dev/null 2>&1; then rc-update -a del pmtr >/dev/null 2>&1 || true; fi
      ;;
  esac
}

do_uninstall() {
  init=$INIT
  case $init in
    # What was installed may have been chosen by detection on another day:
    # remove whichever of our init files is there.
    auto) inits="systemd sysv openrc" ;;
    *) inits=$init ;;
  esac
  for i in $inits; do init_files "$i" >/dev/null; done

  check_not_running
  say "uninstalling pmtr${DESTDIR:+ from $DESTDIR}"
  remove "$SBINDIR/pmtr"
  remove "$LIBEXECDIR/pmtr/pmtr-parser"
  remove "$LIBEXECDIR/pmtr/pmtr-log"
  remove "$LIBEXECDIR/pmtr/pmtr-net"
  remove "$LIBEXECDIR/pmtr/pmtr-ctl"   # an earlier release's
  remove "$BINDIR/pmtrctl"
  rmdir "$DESTDIR$LIBEXECDIR/pmtr" 2>/dev/null || true
  remove "$MANDIR/man8/pmtr.8"
  remove "$MANDIR/man8/pmtrctl.8"
  remove "$MANDIR/man5/pmtr.conf.5"
  remove "$BASHCOMPLETIONDIR/pmtrctl"
  # sysv and openrc share $SYSCONFDIR/init.d/pmtr: each path is handled once.
  seen=
  for i in $inits; do
    dst=$(init_files "$i" | cut -d' ' -f3)
    case " $seen " in *" $dst "*) continue ;; esac
    seen="$seen $dst"
    if [ -e "$DESTDIR$dst" ] && ! owned_by_package "$dst"; then
      drop_boot_links "$i"
      if [ "$init" = auto ] && [ "$i" = sysv ]; then drop_boot_links openrc; fi
    fi
    remove "$dst"
  done
  if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ] && is_root; then systemctl daemon-reload || true; fi
  say "kept $SYSCONFDIR/pmtr.conf and the pmtr user (remove them by hand: rm $SYSCONFDIR/pmtr.conf; deluser pmtr)"
}

case ${1:-} in
  install) do_install ;;
  uninstall) do_uninstall ;;
  *)
    echo "usage: $0 install|uninstall" >&2
    exit 2
    ;;
esac
