# shellcheck shell=bash
# Shared helpers for scripts/run, scripts/test and .ci/run. Source it; it defines functions only.

# Absolute path of the repository root (the parent of scripts/).
paymesh_root() {
  cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd
}

log() {
  printf '[paymesh] %s\n' "$*" >&2
}

die() {
  printf '[paymesh] error: %s\n' "$*" >&2
  exit 1
}

require_cmd() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is required but not on the PATH ($2)"
}

# Installs Debian packages with apt-get, through sudo when not root. On a system without
# apt-get it explains what to install and exits: we do not guess other package managers.
# Usage: apt_install <command that should exist afterwards> <debian package> <what it is>
apt_install() {
  local cmd="$1" package="$2" what="$3"
  if command -v "$cmd" >/dev/null 2>&1; then
    return 0
  fi
  apt_get_install "$package" "$what" "install $what so that '$cmd' is on the PATH"
  command -v "$cmd" >/dev/null 2>&1 || die "$package installed but '$cmd' is still not on the PATH"
}

# apt-get install <debian package>, unconditionally; the caller checks whether it is needed.
# Usage: apt_get_install <debian package> <what it is> <what to do on a non-Debian system>
apt_get_install() {
  local package="$1" what="$2" otherwise="$3"
  if ! command -v apt-get >/dev/null 2>&1; then
    die "$what is missing and this is not a Debian-based system: $otherwise, then re-run"
  fi
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    require_cmd sudo "needed to apt-get install $package as a non-root user"
    sudo=(sudo)
  fi
  log "installing Debian package $package ($what)"
  "${sudo[@]}" apt-get update -qq
  # Through env, because sudo does not pass the caller's environment on.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package"
}

ensure_etcd() {
  apt_install etcd etcd-server "etcd 3.4 or newer"
}

# The admin API lays out the mesh picture (GET /v1/graph?format=svg) with Graphviz's dot.
ensure_graphviz() {
  apt_install dot graphviz "Graphviz (dot), which lays out the admin API's mesh picture"
}

ensure_docker_compose() {
  apt_install docker-compose docker-compose "docker-compose 1.29 (only 'config' is used, no Docker engine)"
}

# The xDS test clients of other gRPC implementations (xds-server/src/test/clients, run by the
# ExternalXdsClient fixture): gRPC C-core through Debian's python3-grpcio under /usr/bin/python3
# (not a python3 earlier on the PATH, such as pyenv's), and grpc-js-xds on Node.js with the
# versions package-lock.json pins.
ensure_xds_test_clients() {
  local root="$1"
  if ! /usr/bin/python3 -c 'import grpc' >/dev/null 2>&1; then
    apt_get_install python3-grpcio "gRPC C-core for Python (python3-grpcio)" \
      "install gRPC 1.51 for /usr/bin/python3 so that /usr/bin/python3 -c 'import grpc' works"
    /usr/bin/python3 -c 'import grpc' \
      || die "python3-grpcio installed but /usr/bin/python3 -c 'import grpc' still fails"
  fi
  apt_install node nodejs "Node.js 18 or newer"
  apt_install npm npm "npm"
  local dir="$root/xds-server/src/test/clients/node" stamp wanted
  stamp="$dir/node_modules/.paymesh-package-lock.sha256"
  wanted="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  # npm ci starts from scratch every time; skip it when node_modules came from this lock file.
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    return 0
  fi
  log "installing the grpc-js xDS test client's npm packages (npm ci in $dir)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $dir"
  printf '%s\n' "$wanted" >"$stamp"
}

# Runs Maven in batch mode. PAYMESH_MVN_FLAGS adds flags, e.g. PAYMESH_MVN_FLAGS=-o offline.
run_mvn() {
  local extra=()
  read -r -a extra <<<"${PAYMESH_MVN_FLAGS:-}"
  mvn -B "${extra[@]}" "$@"
}

# True when an etcd answers its health endpoint at 127.0.0.1:<port>. Uses bash's /dev/tcp so
# that neither curl nor etcdctl is needed on a fresh machine.
etcd_healthy() {
  local port="$1" response
  # The inner script is single-quoted on purpose: the port reaches it as its $1.
  # shellcheck disable=SC2016
  response="$(timeout 2 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3
    cat <&3' _ "$port" 2>/dev/null)" || return 1
  [[ "$response" == *'"health":"true"'* ]]
}

# True when something accepts TCP connections on 127.0.0.1:<port>.
port_open() {
  # shellcheck disable=SC2016
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# Polls <check...> every 100ms, at most <tries> times. Returns 1 if it never succeeded.
wait_for() {
  local tries="$1"
  shift
  local attempt
  for ((attempt = 0; attempt < tries; attempt++)); do
    if "$@"; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# Sends TERM to a process we started and waits up to 10s for it, then KILLs it.
stop_process() {
  local pid="$1" name="$2"
  kill -TERM "$pid" 2>/dev/null || return 0
  if ! wait_for 100 process_gone "$pid"; then
    log "$name (pid $pid) did not stop within 10s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# True when the process used no more than one clock tick of CPU over the last 100 ms.
process_idle() {
  local pid="$1" before after
  before="$(process_cpu_ticks "$pid")" || return 1
  sleep 0.1
  after="$(process_cpu_ticks "$pid")" || return 1
  ((after - before <= 1))
}

# User + system CPU of a process, in clock ticks (/proc/<pid>/stat fields 14 and 15).
process_cpu_ticks() {
  local stat
  local -a fields
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  # The command name (field 2) may hold spaces; the fields after it start at ") ".
  read -r -a fields <<<"${stat##*) }"
  echo $((fields[11] + fields[12]))
}

process_gone() {
  ! kill -0 "$1" 2>/dev/null
}

# The JVM options a replica runs with (docs/xds-server.md, "Configuration"; the image sets the
# same in JDK_JAVA_OPTIONS):
# - C1 alone. A replica's CPU comes in bursts (proxies connecting after a start or a failover, a
#   policy change), each running its code for seconds; with both compilers the JVM spends more CPU
#   compiling that code with C2 than C2's code then saves, and at 10,000 connecting proxies C1
#   alone needed 30-45 % less CPU (docs/performance.md, "C1 alone"). A later
#   -XX:TieredStopAtLevel=4 (XDS_JAVA_OPTS in scripts/load) brings C2 back.
# - The heap in transparent huge pages where the kernel offers them on request (THP "madvise"):
#   a connect touches most of a gigabyte for the first time, and in 2 MiB pages paymesh took
#   14-17 % less CPU for it (docs/performance.md, "huge pages"). Where THP is "never" the JVM
#   says so in one warning line and runs with small pages; where it is "always" the option
#   changes nothing.
# - Objects that survive one young collection go straight to the old generation
#   (MaxTenuringThreshold=0). What outlives a young collection here lives on: snapshots, streams,
#   their encodings; G1's default copies it between survivor spaces in up to 15 more collections
#   first, which at 1,000 connecting proxies on 2 cores made the young pauses of a load run add up
#   to 710-820 ms instead of 400-410 ms (docs/performance.md, "tenuring").
# - A pause goal of 20 ms (MaxGCPauseMillis; G1's default is 200): G1 keeps the young generation
#   small, so what a connect leaves live goes to the old generation in many short collections
#   during the connect rather than in one of 42-262 ms after it, which a policy change put then
#   waited out (docs/performance.md, "settled status").
# shellcheck disable=SC2034 # used by the scripts that source this file
XDS_JVM_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseTransparentHugePages -XX:MaxTenuringThreshold=0 -XX:MaxGCPauseMillis=20"

# The xds-server's class-data archive (AppCDS): the classes a replica loads to start, serve its
# first proxies and publish a change, listed in xds-server/src/main/cds/xds-server.classlist
# (regenerated by scripts/class-list), parsed and verified once into an archive the JVM maps at
# start instead of loading them from the jar. The archive belongs to this JVM and this jar, so it
# is made here, next to the jar, whenever it is missing or older than either; the Docker image
# makes its own at build time. Prints the JVM option that uses it, or nothing if this JVM cannot
# make one (the server then starts without it, about a second slower at 1,000 services).
# Usage: opts="$(xds_class_data_opts <xds-server.jar>)"
xds_class_data_opts() {
  local jar="$1"
  local list archive
  list="$(paymesh_root)/xds-server/src/main/cds/xds-server.classlist"
  archive="${jar%.jar}.jsa"
  if [[ ! -f "$archive" || "$archive" -ot "$jar" || "$archive" -ot "$list" ]]; then
    rm -f "$archive"
    log "making the xds-server's class-data archive $archive (once per build)"
    if ! java -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$archive" \
      -cp "$jar" >"$archive.log" 2>&1; then
      log "could not make the class-data archive (see $archive.log); the xds-server starts without it"
      rm -f "$archive"
      return 0
    fi
  fi
  printf '%s' "-XX:SharedArchiveFile=$archive"
}
