#!/usr/bin/env bash
#
# vgw_vs_vgw.sh: the vgw_vs_charon.sh scenario table with vgwd on both
# sides (the peer on rgw is a second vgwd). ctest: interop_ike_vgw_<scenario>.
#
#   lhost 10.1.0.10/16                             rhost 10.2.0.10/16
#     |                                               |
#   lgw  vgwd "left"  vgw-t1 169.254.21.2/30        rgw  vgwd "right" vgw-t1 169.254.21.1/30
#     |  route 10.2/16 -> vgw-t1                      |  route 10.1/16 -> vgw-t1
#     | 198.51.100.1                                  | 198.51.100.2
#     +------ p-lgw [ wan bridge br0 ] p-rgw ---------+
#
# The peer's SPIs come from its own vgwctl. "The peer deletes the IKE SA"
# and "the peer initiates" are the control requests "tunnel down" and
# "tunnel up" with {"name": "t1"} sent to the right daemon (docs/
# control-protocol.md). Usage and exit codes as vgw_vs_charon.sh.
PEER_KIND=vgw exec "$(dirname "$0")/vgw_vs_charon.sh" "$@"
