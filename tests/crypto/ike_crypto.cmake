# IKE crypto pieces (prf, dh): known-answer tests from published vectors.
vgw_add_unit_test(test_prf SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_prf.c
  DEPS vgw_crypto LABELS "unit;vectors")
vgw_add_unit_test(test_dh SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_dh.c
  DEPS vgw_crypto LABELS "unit;vectors")
