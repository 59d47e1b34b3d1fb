#!/usr/bin/env bash
# Brings up a single-node SLURM cluster on this machine (Debian's slurm-wlm and munge, configured
# for localhost) and runs the example job array and merge end to end. Needs root and apt; it
# installs packages and writes /etc/slurm/slurm.conf, so run it on a scratch machine or
# container, not in CI. It leaves munged, slurmctld and slurmd running. It runs a compare and a
# small Morris sweep as job arrays, merges each and checks the merged output against the same
# command in one process. Usage, from the repository root:
#
#   examples/slurm/local-slurm.sh [SHARDS]        # SHARDS array tasks [default: 3]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SHARDS=${1:-3}
export SHARDS_DIR=${SHARDS_DIR:-$PWD/output/local-slurm/shards}
export OUT=${OUT:-$PWD/output/local-slurm/merged}
export TRUSTSIM=${TRUSTSIM:-$PWD/target/release/trustsim}
export SEEDS=${SEEDS:-4}
export EXTRA=${EXTRA:---set population.users=5000 --set horizon_days=120}

echo "==> installing slurm-wlm and munge"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends slurm-wlm munge

# Waits until the jobs given (comma-separated ids) have left the queue.
wait_for() {
    while squeue -h -j "$1" 2>/dev/null | grep -q .; do sleep 2; done
}

# Checks that every file of the single-process output $1 but the manifest is the same in $2.
same_outputs() {
    for file in "$1"/*; do
        name=$(basename "$file")
        [ "$name" = manifest.json ] && continue
        cmp -s "$file" "$2/$name" || { echo "differs: $name"; exit 1; }
    done
}

echo "==> munge key and daemon"
if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
fi
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
mkdir -p /run/munge && chown munge:munge /run/munge
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged

echo "==> slurm.conf for one node, $(hostname -s), with $(nproc) CPUs"
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
chown slurm:slurm /var/spool/slurmctld /var/log/slurm 2>/dev/null || true
memory=$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=localcluster
SlurmctldHost=$(hostname -s)
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$(hostname -s) CPUs=$(nproc) RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

echo "==> starting slurmctld and slurmd"
pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd
for _ in $(seq 30); do
    sinfo -h -o '%T' 2>/dev/null | grep -qE 'idle|mixed' && break
    sleep 1
done
sinfo

echo "==> building trustsim"
[ -x "$TRUSTSIM" ] || cargo build --release

echo "==> job array of $SHARDS shards, then the merge"
rm -rf "$SHARDS_DIR" "$OUT"
mkdir -p "$SHARDS_DIR"
export SHARDS="$SHARDS_DIR"
logs=$(dirname "$OUT")/logs
mkdir -p "$logs"
array=$(sbatch --parsable --export=ALL --cpus-per-task=1 --output="$logs/compare-%A_%a.log" \
    --array=1-"${1:-3}" examples/slurm/compare-array.sbatch)
merge=$(sbatch --parsable --export=ALL --output="$logs/merge-%j.log" --dependency=afterok:"$array" \
    examples/slurm/merge.sbatch)
echo "array job $array, merge job $merge"
wait_for "$array,$merge"
cat "$logs/merge-$merge.log"
[ -f "$OUT/manifest.json" ] || { echo "the merge wrote no output; see $logs"; exit 1; }

echo "==> the same compare in one process, and the two compared"
# shellcheck disable=SC2086 # EXTRA holds several options
"$TRUSTSIM" compare scenarios/platform_collapse.toml --seeds "$SEEDS" --quiet --out "$OUT-single" $EXTRA
same_outputs "$OUT-single" "$OUT"
echo "==> merged output identical to the single-process compare (manifest execution records aside)"

echo "==> a small Morris sweep as a job array of ${1:-3} shards, then the merge"
sweep_dir=$(dirname "$OUT")/sweep
rm -rf "$sweep_dir"
mkdir -p "$sweep_dir"
cat > "$sweep_dir/sweep.toml" <<SWEEP
schema_version = 1
description = "A small Morris sweep for the local-cluster check."
scenario = "$PWD/scenarios/platform_collapse.toml"
set = ["population.users=5000", "horizon_days=120"]
strategies = ["status_quo", "compensation_fund"]
seeds = 2
[design]
kind = "morris"
trajectories = 4
[[parameter]]
key = "strategy[1].intervention[0].coverage"
min = 0.2
max = 1.0
[[parameter]]
key = "trust.loss_rate"
min = 0.1
max = 0.4
SWEEP
export SWEEP="$sweep_dir/sweep.toml" SHARDS="$sweep_dir/shards"
array=$(sbatch --parsable --export=ALL --cpus-per-task=1 --output="$logs/sweep-%A_%a.log" \
    --array=1-"${1:-3}" examples/slurm/sweep-array.sbatch)
merge=$(sbatch --parsable --export=ALL,OUT="$sweep_dir/merged" --output="$logs/merge-%j.log" \
    --dependency=afterok:"$array" examples/slurm/merge.sbatch)
echo "array job $array, merge job $merge"
wait_for "$array,$merge"
cat "$logs/merge-$merge.log"
[ -f "$sweep_dir/merged/manifest.json" ] || { echo "the merge wrote no sweep output; see $logs"; exit 1; }
"$TRUSTSIM" sweep "$SWEEP" --quiet --out "$sweep_dir/single"
same_outputs "$sweep_dir/single" "$sweep_dir/merged"
echo "==> merged sweep identical to the single-process sweep (manifest execution records aside)"
