#!/usr/bin/env bash
# Installs what libcompliance needs to build, test, fuzz and run its demo.
#
# Debian/Ubuntu: installs the missing packages with apt-get (as root, else
# through sudo), running `apt-get update` once first when anything is
# missing; prints one line when everything is present.
# Elsewhere: checks for the tools and pkg-config modules, names what is
# missing and exits 1.
set -euo pipefail

# Build and test: compiler, CMake, pkg-config, the three libraries and
# cmocka; git, ssh-keygen and openssl for the end-to-end tests and the demo;
# clang and its runtime (libFuzzer, sanitizers) for the fuzz targets;
# clang-format for `make format`.
packages=(
    build-essential cmake pkg-config
    git openssh-client openssl
    libgit2-dev libjansson-dev libssl-dev libcmocka-dev
    clang clang-format
    valgrind # make test runs the unit tests of the parsers once under it
    nginx fcgiwrap openssh-server # e2e transports: https:// and ssh:// servers
    python3 # e2e tests and the demo take JSON and DSSE envelopes apart
    chromium # e2e report_html: the HTML report rendered headless
)
# clang's runtime: libclang-rt-14-dev on Debian 12, libclang-rt-dev (the
# default clang's) elsewhere; only the fuzz run needs it.
clang_rt_candidates=(libclang-rt-14-dev libclang-rt-dev)

log() { printf 'install-deps: %s\n' "$*"; }

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

has_candidate() {
    local c
    c=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')
    [ -n "$c" ] && [ "$c" != "(none)" ]
}

debian() {
    local -a missing=() sudo=()
    local p rt_ok=0

    for p in "${packages[@]}"; do
        installed "$p" || missing+=("$p")
    done
    for p in "${clang_rt_candidates[@]}"; do
        if installed "$p"; then
            rt_ok=1
            break
        fi
    done

    if [ ${#missing[@]} -eq 0 ] && [ "$rt_ok" = 1 ]; then
        log "all $(( ${#packages[@]} + 1 )) packages present"
        return 0
    fi

    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            log "missing: ${missing[*]}${missing[*]:+ }${clang_rt_candidates[0]}"
            log "run as root: apt-get update && apt-get install -y" \
                "--no-install-recommends ${missing[*]} ${clang_rt_candidates[0]}"
            return 1
        fi
    fi

    export DEBIAN_FRONTEND=noninteractive
    # .ci/run has just updated the package lists and says so.
    if [ "${LCMP_APT_UPDATED:-0}" != 1 ]; then
        log "apt-get update"
        "${sudo[@]}" apt-get update -qq
    fi

    if [ "$rt_ok" = 0 ]; then
        for p in "${clang_rt_candidates[@]}"; do
            if has_candidate "$p"; then
                missing+=("$p")
                rt_ok=1
                break
            fi
        done
        if [ "$rt_ok" = 0 ]; then
            log "warning: no clang runtime package" \
                "(${clang_rt_candidates[*]}): fuzz targets will be skipped"
        fi
    fi

    log "installing: ${missing[*]}"
    # nginx and openssh-server would start system daemons on ports 80 and
    # 22 when installed; the tests run their own servers on free loopback
    # ports, so keep the packages from starting anything (policy-rc.d, as
    # in container images) unless the machine already has a policy.
    local policy=/usr/sbin/policy-rc.d own_policy=0 rc=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null &&
            "${sudo[@]}" chmod 755 "$policy" && own_policy=1
    fi
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" || rc=$?
    if [ "$own_policy" = 1 ]; then
        "${sudo[@]}" rm -f "$policy"
    fi
    return "$rc"
}

elsewhere() {
    local -a missing=()
    local c m
    for c in cc c++ make cmake pkg-config git ssh-keygen openssl; do
        command -v "$c" >/dev/null 2>&1 || missing+=("command '$c'")
    done
    if command -v pkg-config >/dev/null 2>&1; then
        for m in 'libgit2 >= 1.5' 'jansson >= 2.14' 'libcrypto >= 3.0' \
                 'cmocka >= 1.1'; do
            pkg-config --exists "$m" || missing+=("pkg-config module '$m'")
        done
    fi
    for c in clang clang-format; do
        command -v "$c" >/dev/null 2>&1 ||
            log "optional: '$c' not found (fuzzing / make format)"
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "not a Debian/Ubuntu system; install these yourself:"
        printf '  %s\n' "${missing[@]}"
        return 1
    fi
    log "all required tools and libraries present"
}

if [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1 &&
   command -v dpkg-query >/dev/null 2>&1; then
    debian
else
    elsewhere
fi
