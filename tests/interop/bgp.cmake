# BGP interop suite (tests/interop/bgp): run.sh PEER SCENARIO, one ctest per
# pair. interop_bgp_<peer>_<scenario> runs against vgwd and reports "Not Run"
# while vgwd/vgwctl are not built; interop_bgp_birddut_<peer>_<scenario> runs
# the same scenario with BIRD as the device under test, proving the harness.
set(VGW_BGP_IOP_PEERS bird frr gobgp openbgpd)
set(VGW_BGP_IOP_SCENARIOS ebgp ibgp as4 dut_passive peer_passive holdtime
    notify refresh maxprefix)
set(VGW_BGP_IOP_VGWD ${CMAKE_BINARY_DIR}/src/daemon/vgwd)
set(VGW_BGP_IOP_VGWCTL ${CMAKE_BINARY_DIR}/src/cli/vgwctl)

function(vgw_bgp_iop_add peer sc)
  set(run ${CMAKE_CURRENT_LIST_DIR}/bgp/run.sh)
  add_test(NAME interop_bgp_${peer}_${sc} COMMAND ${run} ${peer} ${sc})
  set_tests_properties(interop_bgp_${peer}_${sc} PROPERTIES
    LABELS interop TIMEOUT 180 RUN_SERIAL TRUE SKIP_RETURN_CODE 77
    REQUIRED_FILES "${VGW_BGP_IOP_VGWD};${VGW_BGP_IOP_VGWCTL}"
    ENVIRONMENT "BGPT_DUT=vgwd;VGWD=${VGW_BGP_IOP_VGWD};VGWCTL=${VGW_BGP_IOP_VGWCTL}")
  add_test(NAME interop_bgp_birddut_${peer}_${sc} COMMAND ${run} ${peer} ${sc})
  set_tests_properties(interop_bgp_birddut_${peer}_${sc} PROPERTIES
    LABELS "interop;interop-harness" TIMEOUT 180 RUN_SERIAL TRUE
    SKIP_RETURN_CODE 77 ENVIRONMENT "BGPT_DUT=bird")
endfunction()

foreach(peer IN LISTS VGW_BGP_IOP_PEERS)
  foreach(sc IN LISTS VGW_BGP_IOP_SCENARIOS)
    vgw_bgp_iop_add(${peer} ${sc})
  endforeach()
endforeach()
# 2-octet-only peer view (RFC 6793 AS_TRANS/AS4_PATH): only BIRD and
# OpenBGPD can turn their 4-octet ASN capability off.
vgw_bgp_iop_add(bird as2)
vgw_bgp_iop_add(openbgpd as2)
