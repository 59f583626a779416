# IKEv2/ESP interop suite against strongSwan (label "interop"); see
# tests/interop/README.md. Every test needs root (network namespaces) and
# exits 77 (reported as skipped) where it cannot run. The scenario and suite
# names come from the scripts themselves (--list), so the tables live in
# one place.
set(VGW_IKE_INTEROP_DIR ${CMAKE_CURRENT_SOURCE_DIR}/ike)
set(VGW_VGWD ${CMAKE_BINARY_DIR}/src/daemon/vgwd)

function(vgw_ike_interop_list script out)
  execute_process(COMMAND bash ${VGW_IKE_INTEROP_DIR}/${script} --list
    OUTPUT_VARIABLE names RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(WARNING "tests/interop/ike/${script} --list failed; no tests")
    set(names "")
  endif()
  string(REPLACE "\n" ";" names "${names}")
  set(${out} ${names} PARENT_SCOPE)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
    ${VGW_IKE_INTEROP_DIR}/${script} ${VGW_IKE_INTEROP_DIR}/suites.sh)
endfunction()

function(vgw_ike_interop_test name)
  cmake_parse_arguments(A "" "" "COMMAND;REQUIRES" ${ARGN})
  add_test(NAME ${name} COMMAND ${A_COMMAND})
  # NT_TIMEOUT: netns.sh's watchdog ends the test through its trap 10 s
  # before ctest would SIGKILL it (and leak its namespaces).
  set_tests_properties(${name} PROPERTIES LABELS interop TIMEOUT 180
    RUN_SERIAL TRUE SKIP_RETURN_CODE 77 ENVIRONMENT NT_TIMEOUT=170)
  if(A_REQUIRES)
    # Reported "Not Run" (not failed) until the daemon is built.
    set_tests_properties(${name} PROPERTIES REQUIRED_FILES "${A_REQUIRES}")
  endif()
endfunction()

# charon <-> charon: proves the harness, one test per proposal set.
vgw_ike_interop_list(charon_baseline.sh suites)
foreach(s IN LISTS suites)
  vgw_ike_interop_test(interop_ike_charon_baseline_${s}
    COMMAND ${VGW_IKE_INTEROP_DIR}/charon_baseline.sh ${s})
endforeach()

# vgwd <-> charon and vgwd <-> vgwd scenarios.
vgw_ike_interop_list(vgw_vs_charon.sh scenarios)
foreach(s IN LISTS scenarios)
  vgw_ike_interop_test(interop_ike_${s}
    COMMAND ${VGW_IKE_INTEROP_DIR}/vgw_vs_charon.sh ${s} ${CMAKE_BINARY_DIR}
    REQUIRES ${VGW_VGWD})
  vgw_ike_interop_test(interop_ike_vgw_${s}
    COMMAND ${VGW_IKE_INTEROP_DIR}/vgw_vs_vgw.sh ${s} ${CMAKE_BINARY_DIR}
    REQUIRES ${VGW_VGWD})
endforeach()

# Malformed and hostile input against a running vgwd (with charon as peer).
vgw_ike_interop_test(interop_ike_malformed
  COMMAND ${VGW_IKE_INTEROP_DIR}/malformed.sh ${CMAKE_BINARY_DIR}
  REQUIRES ${VGW_VGWD})

# The JSON key rules the vgwd tests rely on (no root, no daemon needed).
find_program(VGW_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(VGW_PYTHON3)
  add_test(NAME interop_lib_vgwjson
    COMMAND ${VGW_PYTHON3} -B ${CMAKE_CURRENT_SOURCE_DIR}/lib/test_vgwjson.py)
  set_tests_properties(interop_lib_vgwjson PROPERTIES LABELS interop TIMEOUT 30)
endif()
