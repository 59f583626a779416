# Daemon config (dconf) and proposal tests. Included by tests/config/CMakeLists.txt.
vgw_add_unit_test(dconf_proposal
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_proposal.c DEPS vgw_config)
vgw_add_unit_test(dconf_golden
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_dconf_golden.c DEPS vgw_config)
vgw_add_unit_test(dconf_model
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_dconf_model.c DEPS vgw_config)
