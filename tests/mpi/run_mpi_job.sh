#!/usr/bin/env bash
# run_mpi_job.sh <seconds> <command...>
# Runs one MPI job (an mpirun command, or a program that spawns its own workers) on loopback,
# bounded in time, then fails if any process of the job is left: every process the job starts
# inherits a tag in its environment, and /proc is searched for it.
set -uo pipefail
limit=$1
shift
tag="braid-mpi-test-$$-$RANDOM"
# OpenMPI in a container: only the shared-memory and TCP transports (no InfiniBand probing),
# TCP over loopback only, and root allowed (CI runs as root).
export OMPI_MCA_btl=self,vader,tcp
export OMPI_MCA_btl_tcp_if_include=lo
export OMPI_MCA_oob_tcp_if_include=lo
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# No warnings about a missing high-speed network, which would bury a test's output.
export OMPI_MCA_btl_base_warn_component_unused=0

# Only the job's processes carry the tag (not this script, nor the grep below).
env BRAID_MPI_JOB_TAG="$tag" timeout -k 5 "$limit" "$@"
status=$?
# ctest judges these jobs by their output (GoogleTest's summary), so say a failure out loud too:
# a sanitizer's report at exit comes after GoogleTest's "PASSED".
if [ $status -eq 124 ]; then
  echo "run_mpi_job: the job did not finish within $limit seconds" >&2
elif [ $status -ne 0 ]; then
  echo "run_mpi_job: the job failed with exit status $status" >&2
fi

# mpirun returns once its processes have exited; a spawned worker's launcher (the orted of a
# program started without mpirun) may still be ending: wait for each such process to exit, a
# few seconds at most, then anything still there is a leftover.
job_processes() {
  grep -l -a -s "BRAID_MPI_JOB_TAG=$tag" /proc/[0-9]*/environ 2>/dev/null |
    sed 's|/proc/\([0-9]*\)/environ|\1|' || true
}
for pid in $(job_processes); do timeout 5 tail --pid="$pid" -f /dev/null; done
left=$(job_processes)
if [ -n "$left" ]; then
  echo "run_mpi_job: processes of the job are left: $(echo $left)" >&2
  for pid in $left; do ps -o pid=,args= -p "$pid" >&2 || true; done
  kill -9 $left 2>/dev/null
  exit 1
fi
exit $status
