# Daemon config loader fuzzer (seed corpus: golden inputs, broken inputs and
# a planner-written config).
vgw_add_fuzzer(fuzz_dconf SOURCE ${CMAKE_CURRENT_LIST_DIR}/fuzz_dconf.c
  DEPS vgw_config
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/dconf)
