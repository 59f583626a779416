# Topology part of src/config: YAML tree, diagnostics, topology model,
# loader and validator.
vgw_add_unit_test(test_config_diag SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_diag.c
  DEPS vgw_config)
vgw_add_unit_test(test_config_yaml_tree
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_yaml_tree.c DEPS vgw_config)
vgw_add_unit_test(test_config_topology_rules
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_topo_rules.c DEPS vgw_config)
vgw_add_unit_test(test_config_topology_broken
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_topo_broken.c DEPS vgw_config)
vgw_add_unit_test(test_config_topology_load
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_topo_load.c DEPS vgw_config)
vgw_add_unit_test(test_config_topology_print
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_topo_print.c DEPS vgw_config)
