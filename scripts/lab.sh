#!/bin/sh
# The main job: builds vgw and runs the seed's AWS <-> Azure topology as a
# local twin in network namespaces (vgwctl lab up), with the clouds'
# default timers. Extra arguments go to "vgwctl lab up" (e.g. --fast, or a
# topology file). Leaves the lab running; remove it with
#   build/src/cli/vgwctl lab down
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
"$top/scripts/install-deps.sh"
cmake -S "$top" -B "$top/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$top/build" vgwd vgwctl
exec "$top/build/src/cli/vgwctl" lab up "$@"
