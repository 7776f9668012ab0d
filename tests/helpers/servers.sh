# Real Git servers on loopback for the end-to-end tests (sourced by bash).
#
#   source "$LCMP_SOURCE_DIR/tests/helpers/servers.sh"
#   srv_init || exit 1                  # once; needs LCMP_TMPDIR
#   trap 'srv_stop_all; rm -rf "$T"' EXIT
#
#   srv_git_daemon BASE [receive-pack]  git daemon serving BASE/*
#   srv_tls_ca DIR                      throwaway CA: DIR/ca.pem, DIR/ca.key
#   srv_tls_leaf CADIR OUT SAN          leaf OUT.pem/OUT.key signed by it,
#                                       SAN e.g. IP:127.0.0.1,DNS:localhost
#   srv_https ROOT CERT KEY             nginx + fcgiwrap + git http-backend
#                                       serving ROOT/* over TLS
#   srv_sshd AUTHORIZED_KEYS            sshd with its own ed25519 host key,
#                                       key authentication only
#   srv_free_port                       a port nobody listens on (SRV_PORT)
#   srv_stop_all                        stop every server started here
#
# Every start function listens on 127.0.0.1 only, on a random free port
# (retrying with another port when the bind loses a race against a test
# running in parallel), waits until the port accepts connections (timeout
# SRV_TIMEOUT seconds, default 15), and sets SRV_PORT and SRV_PID; srv_sshd
# also sets SRV_HOSTKEY (the "SHA256:..." fingerprint) and SRV_HOSTKEY_PUB.
# On failure it prints why (with the server's log) and returns 1: a test
# must count that as a failure, never skip. Servers log to files under
# $SRV, never to the test's stdout/stderr (ctest would wait for them).
#
# Cleanup: srv_stop_all kills each server and all its descendants (the
# fcgiwrap children outlive their master's SIGTERM, git daemon and sshd fork
# per connection); a watchdog does the same if the test shell dies without
# running its trap (e.g. SIGKILL on a ctest timeout). Nothing here needs
# systemd: sshd needs /run/sshd, which srv_sshd creates (as root).

SRV=
SRV_PORT=
SRV_PID=
SRV_HOSTKEY=
SRV_HOSTKEY_PUB=
SRV_TIMEOUT=${SRV_TIMEOUT:-15}
_srv_n=0
_srv_watchdog=

# srv_init: the state directory ($LCMP_TMPDIR/servers) and the watchdog.
srv_init() {
    if [ -z "${LCMP_TMPDIR:-}" ]; then
        echo "servers.sh: LCMP_TMPDIR is not set" >&2
        return 1
    fi
    SRV=$LCMP_TMPDIR/servers
    mkdir -p "$SRV" || return 1
    : >"$SRV/pids"
    : >"$SRV/cleanup"
    local parent=$$
    (
        # the shell that sourced us: when it is gone, stop the servers
        while kill -0 "$parent" 2>/dev/null; do
            sleep 1
        done
        _srv_kill_recorded
    ) </dev/null >/dev/null 2>&1 &
    _srv_watchdog=$!
}

# _srv_scan: _srv_ppid[PID]=PPID and _srv_state[PID]=STATE for every
# process (from /proc, without a subshell per process).
_srv_scan() {
    local stat line pid
    _srv_ppid=()
    _srv_state=()
    for stat in /proc/[0-9]*/stat; do
        read -r line 2>/dev/null <"$stat" || continue
        pid=${stat#/proc/}
        pid=${pid%/stat}
        # pid (comm) state ppid ...; comm may hold spaces and parentheses
        line=${line##*) }
        _srv_state[$pid]=${line%% *}
        line=${line#* }
        _srv_ppid[$pid]=${line%% *}
    done
}
declare -gA _srv_ppid _srv_state

# _srv_tree PID: PID and all its descendants, parents first (after
# _srv_scan).
_srv_tree() {
    local c
    echo "$1"
    for c in "${!_srv_ppid[@]}"; do
        if [ "${_srv_ppid[$c]}" = "$1" ]; then
            _srv_tree "$c"
        fi
    done
}

# _srv_alive PID: PID exists and is not a zombie.
_srv_alive() {
    local line
    read -r line 2>/dev/null <"/proc/$1/stat" || return 1
    line=${line##*) }
    [ "${line%% *}" != Z ]
}

# _srv_kill_recorded: TERM, then KILL, every recorded PID and descendant.
_srv_kill_recorded() {
    local pid all=() p i
    [ -n "$SRV" ] && [ -f "$SRV/pids" ] || return 0
    _srv_scan
    while read -r pid; do
        [ -n "$pid" ] || continue
        kill -0 "$pid" 2>/dev/null || continue
        # collect the whole tree first: children are re-parented (and lost
        # to us) once their parent is gone
        for p in $(_srv_tree "$pid"); do
            all+=("$p")
        done
    done <"$SRV/pids"
    [ ${#all[@]} -gt 0 ] || return 0
    kill -TERM "${all[@]}" 2>/dev/null
    for i in $(seq 1 30); do
        for p in "${all[@]}"; do
            if _srv_alive "$p"; then
                sleep 0.1
                continue 2
            fi
        done
        break
    done
    kill -KILL "${all[@]}" 2>/dev/null
    return 0
}

# srv_stop_all: stop every server (and the watchdog), reap them, remove
# the socket directories made outside $SRV.
srv_stop_all() {
    local pid d
    [ -n "$SRV" ] || return 0
    if [ -n "$_srv_watchdog" ]; then
        _srv_scan
        kill $(_srv_tree "$_srv_watchdog") 2>/dev/null
        wait "$_srv_watchdog" 2>/dev/null
        _srv_watchdog=
    fi
    _srv_kill_recorded
    while read -r pid; do
        [ -n "$pid" ] && wait "$pid" 2>/dev/null
    done <"$SRV/pids"
    : >"$SRV/pids"
    while read -r d; do
        [ -n "$d" ] && rm -rf -- "$d"
    done <"$SRV/cleanup"
    : >"$SRV/cleanup"
    return 0
}

_srv_track() { echo "$1" >>"$SRV/pids"; }

# _srv_dir NAME: a fresh directory $SRV/NAME-N, printed.
_srv_dir() {
    _srv_n=$((_srv_n + 1))
    local d=$SRV/$1-$_srv_n
    mkdir -p "$d" && echo "$d"
}

# _srv_listening PORT: something accepts TCP connections on 127.0.0.1:PORT.
_srv_listening() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# srv_free_port: SRV_PORT = a random port in 20000-59999 that nobody
# listens on now.
srv_free_port() {
    local i p
    for i in $(seq 1 50); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        if ! _srv_listening "$p"; then
            SRV_PORT=$p
            return 0
        fi
    done
    echo "servers.sh: no free port found" >&2
    return 1
}

# _srv_wait PID PORT LOG: wait until PID listens on PORT. Returns 0 when
# ready, 1 when PID died (e.g. the port was taken), 2 on timeout.
_srv_wait() {
    local pid=$1 port=$2 i
    for i in $(seq 1 $((SRV_TIMEOUT * 10))); do
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid" 2>/dev/null
            return 1
        fi
        if _srv_listening "$port"; then
            # a server that lost the bind race exits right away: make sure
            # the listener we reached is ours
            sleep 0.2
            kill -0 "$pid" 2>/dev/null && return 0
            wait "$pid" 2>/dev/null
            return 1
        fi
        sleep 0.1
    done
    return 2
}

# _srv_failed WHAT LOG: explain a server that did not start.
_srv_failed() {
    echo "servers.sh: $1 did not start" >&2
    if [ -f "$2" ]; then
        sed -e 's/^/  log: /' "$2" | tail -n 15 >&2
    fi
    return 1
}

# _srv_start WHAT LOG CMD...: start CMD (with @PORT@ replaced by a free
# port) in the background; retry with other ports if it dies.
_srv_start() {
    local what=$1 log=$2 attempt rc a
    shift 2
    local -a cmd
    for attempt in 1 2 3 4 5; do
        srv_free_port || return 1
        cmd=()
        for a in "$@"; do
            cmd+=("${a//@PORT@/$SRV_PORT}")
        done
        "${cmd[@]}" </dev/null >>"$log" 2>&1 &
        SRV_PID=$!
        _srv_track "$SRV_PID"
        _srv_wait "$SRV_PID" "$SRV_PORT"
        rc=$?
        [ "$rc" = 0 ] && return 0
        if [ "$rc" = 2 ]; then
            _srv_failed "$what (no listener on port $SRV_PORT after" \
                "${SRV_TIMEOUT}s)" "$log"
            return 1
        fi
        echo "--- attempt $attempt on port $SRV_PORT failed" >>"$log"
    done
    _srv_failed "$what" "$log"
}

# srv_git_daemon BASE [receive-pack]: git daemon exporting every repository
# under BASE (git://127.0.0.1:$SRV_PORT/NAME.git); with "receive-pack" it
# also accepts pushes.
srv_git_daemon() {
    local base=$1 d extra=()
    if [ "${2:-}" = receive-pack ]; then
        extra=(--enable=receive-pack)
    fi
    command -v git >/dev/null || { echo "servers.sh: git missing" >&2; return 1; }
    d=$(_srv_dir git-daemon) || return 1
    base=$(cd "$base" && pwd) || return 1
    _srv_start "git daemon" "$d/daemon.log" \
        git daemon --reuseaddr --listen=127.0.0.1 --port=@PORT@ \
        --base-path="$base" --export-all --informative-errors \
        "${extra[@]}" "$base"
}

# srv_tls_ca DIR: a throwaway CA (RSA 2048) in DIR/ca.pem, DIR/ca.key.
srv_tls_ca() {
    local dir=$1
    mkdir -p "$dir" || return 1
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" \
        -subj "/CN=libcompliance test CA $(basename "$dir")" \
        -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign \
        >"$dir/ca.log" 2>&1 || {
        _srv_failed "openssl (CA)" "$dir/ca.log"
        return 1
    }
}

# srv_tls_leaf CADIR OUT SAN: a TLS server certificate OUT.pem (key
# OUT.key) for SAN, signed by the CA in CADIR.
srv_tls_leaf() {
    local ca=$1 out=$2 san=$3
    printf '%s\n' "subjectAltName=$san" "extendedKeyUsage=serverAuth" \
        "basicConstraints=CA:FALSE" \
        "keyUsage=critical,digitalSignature,keyEncipherment" >"$out.ext"
    {
        openssl req -newkey rsa:2048 -nodes -keyout "$out.key" \
            -out "$out.csr" -subj "/CN=${san##*:}" &&
        openssl x509 -req -in "$out.csr" -CA "$ca/ca.pem" \
            -CAkey "$ca/ca.key" -CAcreateserial -days 30 \
            -extfile "$out.ext" -out "$out.pem"
    } >"$out.log" 2>&1 || {
        _srv_failed "openssl (leaf $san)" "$out.log"
        return 1
    }
}

# srv_https ROOT CERT KEY: nginx (TLS with CERT/KEY) in front of fcgiwrap
# running git http-backend for the repositories under ROOT
# (https://127.0.0.1:$SRV_PORT/NAME.git).
srv_https() {
    local root=$1 cert=$2 key=$3 d sock sockdir user_line= backend i p
    backend=$(git --exec-path 2>/dev/null)/git-http-backend
    for p in nginx fcgiwrap; do
        if ! command -v "$p" >/dev/null && [ ! -x "/usr/sbin/$p" ]; then
            echo "servers.sh: $p is not installed (scripts/install-deps.sh)" >&2
            return 1
        fi
    done
    if [ ! -x "$backend" ]; then
        echo "servers.sh: $backend missing" >&2
        return 1
    fi
    d=$(_srv_dir https) || return 1
    root=$(cd "$root" && pwd) || return 1
    cert=$(cd "$(dirname "$cert")" && pwd)/$(basename "$cert")
    key=$(cd "$(dirname "$key")" && pwd)/$(basename "$key")
    mkdir -p "$d/tmp" "$d/logs"

    # a unix socket path must fit in 108 bytes
    sockdir=$d
    if [ ${#d} -gt 80 ]; then
        sockdir=$(mktemp -d /tmp/lcmp-srv.XXXXXX) || return 1
        echo "$sockdir" >>"$SRV/cleanup"
    fi
    sock=$sockdir/fcgiwrap.sock

    PATH=$PATH:/usr/sbin fcgiwrap -c 2 -s "unix:$sock" \
        </dev/null >>"$d/fcgiwrap.log" 2>&1 &
    SRV_PID=$!
    _srv_track "$SRV_PID"
    for i in $(seq 1 $((SRV_TIMEOUT * 10))); do
        [ -S "$sock" ] && break
        kill -0 "$SRV_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ ! -S "$sock" ]; then
        _srv_failed "fcgiwrap" "$d/fcgiwrap.log"
        return 1
    fi

    # workers must be able to connect to the (root-owned) fcgiwrap socket;
    # "user" is only allowed when the master runs as root
    if [ "$(id -u)" = 0 ]; then
        user_line="user root root;"
    fi
    cat >"$d/nginx.conf.in" <<EOF
$user_line
daemon off;
master_process on;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/logs/error.log info;
events { worker_connections 64; }
http {
    access_log $d/logs/access.log;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fastcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
    server {
        listen 127.0.0.1:@PORT@ ssl;
        ssl_certificate $cert;
        ssl_certificate_key $key;
        client_max_body_size 0;
        location / {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $backend;
            fastcgi_param GIT_PROJECT_ROOT $root;
            fastcgi_param GIT_HTTP_EXPORT_ALL "";
            fastcgi_param PATH_INFO \$uri;
            fastcgi_pass unix:$sock;
        }
    }
}
EOF
    # the port is only known per attempt: a small wrapper writes the config
    cat >"$d/run-nginx.sh" <<'EOF'
#!/bin/sh
# run-nginx.sh DIR PORT: the config for PORT, then nginx in the foreground
sed -e "s/@PORT@/$2/" "$1/nginx.conf.in" >"$1/nginx.conf" || exit 1
NGINX=nginx
[ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx
exec "$NGINX" -p "$1" -e "$1/logs/error.log" -c "$1/nginx.conf"
EOF
    _srv_start "nginx" "$d/logs/error.log" sh "$d/run-nginx.sh" "$d" @PORT@
}

# srv_sshd AUTHORIZED_KEYS: sshd accepting the keys in AUTHORIZED_KEYS for
# the current user (ssh://$(id -un)@127.0.0.1:$SRV_PORT/abs/path.git).
srv_sshd() {
    local auth=$1 d sshd=/usr/sbin/sshd
    if [ ! -x "$sshd" ]; then
        echo "servers.sh: $sshd is not installed (openssh-server," \
            "scripts/install-deps.sh)" >&2
        return 1
    fi
    if [ ! -d /run/sshd ]; then
        # privilege separation directory; sshd refuses to start without it
        mkdir -p /run/sshd 2>/dev/null && chmod 0755 /run/sshd || {
            echo "servers.sh: cannot create /run/sshd (run as root)" >&2
            return 1
        }
    fi
    d=$(_srv_dir sshd) || return 1
    auth=$(cd "$(dirname "$auth")" && pwd)/$(basename "$auth")
    ssh-keygen -q -t ed25519 -N '' -C "test host key" \
        -f "$d/host_ed25519" >"$d/keygen.log" 2>&1 || {
        _srv_failed "ssh-keygen (host key)" "$d/keygen.log"
        return 1
    }
    SRV_HOSTKEY_PUB=$d/host_ed25519.pub
    SRV_HOSTKEY=$(ssh-keygen -lf "$SRV_HOSTKEY_PUB" | awk '{ print $2 }')
    # Port and ListenAddress come from the command line only (in both
    # places sshd would bind twice)
    cat >"$d/sshd_config" <<EOF
HostKey $d/host_ed25519
PidFile $d/sshd.pid
AuthorizedKeysFile $auth
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
X11Forwarding no
AllowTcpForwarding no
PrintMotd no
EOF
    _srv_start "sshd" "$d/sshd.log" "$sshd" -D -e -f "$d/sshd_config" \
        -p @PORT@ -o ListenAddress=127.0.0.1
}
