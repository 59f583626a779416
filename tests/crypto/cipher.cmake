# Known-answer and round-trip tests for src/crypto/cipher.c.
vgw_add_unit_test(test_crypto_cipher
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_cipher.c
  DEPS vgw_crypto
  LABELS unit vectors)
