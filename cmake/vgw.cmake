# Helper functions shared by every module's CMakeLists.txt.

# vgw_add_library(NAME SOURCES ... [DEPS ...])
# Builds the static library vgw_<NAME>. Headers are included as
# "<module>/<file>.h" relative to src/.
function(vgw_add_library name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  add_library(vgw_${name} STATIC ${A_SOURCES})
  target_include_directories(vgw_${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  if(A_DEPS)
    target_link_libraries(vgw_${name} PUBLIC ${A_DEPS})
  endif()
endfunction()

# vgw_add_unit_test(NAME SOURCES ... [DEPS ...] [LABELS ...])
# A cmocka test executable registered with ctest (label "unit" by default).
function(vgw_add_unit_test name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ${A_DEPS} PkgConfig::CMOCKA)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${A_LABELS}" TIMEOUT 120
    ENVIRONMENT "VGW_SOURCE_DIR=${CMAKE_SOURCE_DIR};VGW_BINARY_DIR=${CMAKE_BINARY_DIR}")
endfunction()

# vgw_add_fuzzer(NAME SOURCE file DEPS ... CORPUS dir)
# With VGW_FUZZ: a libFuzzer binary and a ctest (label "fuzz") that fuzzes for
# VGW_FUZZ_SECONDS starting from a copy of the corpus.
# Without: the same harness linked with a replay main, and a ctest (label
# "fuzz-replay") that feeds it every corpus file, so the seeds and every crash
# reproducer kept in the corpus run in the normal and the sanitizer builds.
set(VGW_FUZZ_SECONDS 15 CACHE STRING "Seconds each fuzz target runs in ctest")
function(vgw_add_fuzzer name)
  cmake_parse_arguments(A "" "SOURCE;CORPUS" "DEPS" ${ARGN})
  if(VGW_FUZZ)
    add_executable(${name} ${A_SOURCE})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE ${A_DEPS})
    add_test(NAME ${name}
      COMMAND ${CMAKE_SOURCE_DIR}/fuzz/run-fuzzer.sh $<TARGET_FILE:${name}>
              ${A_CORPUS} ${VGW_FUZZ_SECONDS})
    set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT 600)
  else()
    add_executable(${name} ${A_SOURCE} ${CMAKE_SOURCE_DIR}/fuzz/replay_main.c)
    target_link_libraries(${name} PRIVATE ${A_DEPS})
    add_test(NAME ${name} COMMAND ${name} ${A_CORPUS})
    set_tests_properties(${name} PROPERTIES LABELS fuzz-replay TIMEOUT 300)
  endif()
endfunction()
