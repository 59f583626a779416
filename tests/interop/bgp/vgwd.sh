# shellcheck shell=bash
# vgwd adapter (placeholder until the daemon config format lands).
vgwd_start() { die "vgwd adapter not written yet"; }
