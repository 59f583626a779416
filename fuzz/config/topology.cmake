# Topology loader + validator fuzzer (seed corpus: the examples and a few
# broken files).
vgw_add_fuzzer(fuzz_topology SOURCE ${CMAKE_CURRENT_LIST_DIR}/fuzz_topology.c
  DEPS vgw_config PkgConfig::JSONC
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/topology)
