#!/usr/bin/env bash
# netns_test.sh <netns test binary> [mpirun]
# Runs braid::mpi between two separate network stacks, as between two machines: it creates two
# network namespaces joined by a veth pair (10.77.0.1/24 and 10.77.0.2/24, inside the namespaces
# only: the pair is made in the first namespace with its peer put straight into the second, so
# the host's own interfaces and addresses are never touched), runs mpirun in the first with rank
# 0 there and the worker rank started in the second through netns_launch.sh (mpirun's
# remote-shell agent), each with its own host name, and OpenMPI limited to its TCP transport
# (no shared memory) and its TCP traffic, both the transport's and the launcher's, to the link.
# The namespaces are always removed (trap). Exits 77 (ctest's SKIP_RETURN_CODE) with a message
# where namespaces cannot be created.
# The job is bounded by run_mpi_job.sh's limit, well below ctest's TIMEOUT, so this script
# always gets to clean up (ctest's own timeout kills it with no chance to).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary=$1
mpirun=${2:-mpirun}

skip() {
  echo "SKIP: $* (this test creates network namespaces: it needs root, or CAP_SYS_ADMIN and CAP_NET_ADMIN)"
  exit 77
}
for tool in ip unshare; do
  command -v "$tool" >/dev/null || skip "'$tool' is not installed"
done

export BRAID_NETNS_A="braid-mpi-a-$$" BRAID_NETNS_B="braid-mpi-b-$$"
export BRAID_NETNS_HOST_A="braid-netns-a" BRAID_NETNS_HOST_B="braid-netns-b"
export BRAID_NETNS_ADDR_A=10.77.0.1 BRAID_NETNS_ADDR_B=10.77.0.2
subnet=10.77.0.0/24
dir=$(mktemp -d)

job=
cleanup() {
  for ns in "$BRAID_NETNS_A" "$BRAID_NETNS_B"; do
    if [ -e "/run/netns/$ns" ]; then
      # Only this job's processes can be in these namespaces.
      pids=$(ip netns pids "$ns" 2>/dev/null)
      [ -n "$pids" ] && kill -9 $pids 2>/dev/null
      ip netns del "$ns" 2>/dev/null || echo "netns_test: could not remove namespace $ns" >&2
    fi
  done
  # The job's processes were all in the namespaces: its runner ends at once.
  [ -n "$job" ] && wait "$job" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Namespaces left by an earlier run of this test that was killed (its pid is gone).
for ns in $(ip netns list 2>/dev/null | sed -n 's/^\(braid-mpi-[ab]-[0-9]*\).*/\1/p'); do
  kill -0 "${ns##*-}" 2>/dev/null || ip netns del "$ns" 2>/dev/null
done

if ! error=$(ip netns add "$BRAID_NETNS_A" 2>&1); then
  skip "cannot create a network namespace: $error"
fi
if ! error=$(unshare --uts true 2>&1); then
  skip "cannot create a UTS namespace: $error"
fi
set -e
ip netns add "$BRAID_NETNS_B"
ip -n "$BRAID_NETNS_A" link add veth-a type veth peer name veth-b netns "$BRAID_NETNS_B"
ip -n "$BRAID_NETNS_A" addr add "$BRAID_NETNS_ADDR_A/24" dev veth-a
ip -n "$BRAID_NETNS_B" addr add "$BRAID_NETNS_ADDR_B/24" dev veth-b
for end in "$BRAID_NETNS_A veth-a" "$BRAID_NETNS_B veth-b"; do
  set -- $end
  ip -n "$1" link set lo up
  ip -n "$1" link set "$2" up
done
set +e

# One slot on each "machine": rank 0 on the first (mpirun's own), rank 1 on the second.
printf '%s slots=1\n%s slots=1\n' "$BRAID_NETNS_ADDR_A" "$BRAID_NETNS_ADDR_B" >"$dir/hosts"
echo "netns_test: $BRAID_NETNS_A ($BRAID_NETNS_HOST_A, $BRAID_NETNS_ADDR_A) <-veth-> $BRAID_NETNS_B ($BRAID_NETNS_HOST_B, $BRAID_NETNS_ADDR_B)"

# The --mca options override the loopback-only settings run_mpi_job.sh puts in the environment.
# In the background, so that a signal to this script runs the cleanup at once (bash runs traps
# only between commands, and `wait` is one).
"$here/run_mpi_job.sh" 60 \
  ip netns exec "$BRAID_NETNS_A" unshare --uts \
  sh -c 'hostname "$BRAID_NETNS_HOST_A" && exec "$@"' sh \
  "$mpirun" --allow-run-as-root --hostfile "$dir/hosts" -n 2 \
  --mca plm_rsh_agent "$here/netns_launch.sh" \
  --mca btl self,tcp \
  --mca btl_tcp_if_include "$subnet" --mca oob_tcp_if_include "$subnet" \
  "$binary" --gtest_color=no &
job=$!
wait "$job"
status=$?
job=
exit $status
