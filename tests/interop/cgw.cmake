# vgwd as a customer gateway against "another cloud" (strongSwan charon with
# kernel-libipsec + FRR bgpd/zebra), tests/interop/cgw/run.sh: IKEv2/ESP and
# BGP up on both sides, routes in both kernel FIBs, ping + TCP both ways,
# DPD-driven route withdrawal vs the BGP hold timer, recovery. Needs root
# (network namespaces): exits 77 (skipped) otherwise.
if(TARGET vgwd AND TARGET vgwctl)
  add_test(NAME interop_cgw_strongswan_frr
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/cgw/run.sh)
  set_tests_properties(interop_cgw_strongswan_frr PROPERTIES
    LABELS interop RUN_SERIAL TRUE TIMEOUT 240 SKIP_RETURN_CODE 77
    REQUIRED_FILES "$<TARGET_FILE:vgwd>;$<TARGET_FILE:vgwctl>"
    ENVIRONMENT "VGWD=$<TARGET_FILE:vgwd>;VGWCTL=$<TARGET_FILE:vgwctl>")
endif()
