#!/bin/sh
# mpirun's remote-shell agent for netns_test.sh (--mca plm_rsh_agent): mpirun calls it as
# `netns_launch.sh <host> <command...>`, as it would call ssh, to start its daemon (orted) on
# another machine. Here the "machine" is the worker's network namespace, with its own host
# name (a new UTS namespace), named by netns_test.sh through the environment.
host=$1
shift
if [ "$host" != "$BRAID_NETNS_ADDR_B" ]; then
  echo "netns_launch.sh: unknown host $host (only $BRAID_NETNS_ADDR_B)" >&2
  exit 1
fi
# Like ssh, run the command words as one shell command line.
exec ip netns exec "$BRAID_NETNS_B" unshare --uts \
  sh -c 'hostname "$BRAID_NETNS_HOST_B" && exec sh -c "$0"' "$*"
