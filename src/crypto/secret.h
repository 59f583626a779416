/*
 * Key material: PSKs, SKEYSEED, SK_*, ESP keys, DH private values, nonces.
 *
 * A struct secret owns its bytes; secret_free() wipes them (OPENSSL_cleanse)
 * before releasing memory, secret_wipe() wipes in place and keeps the buffer.
 * Never log a secret's contents.
 */
#ifndef VGW_CRYPTO_SECRET_H
#define VGW_CRYPTO_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct secret {
	size_t len;
	uint8_t *p;
};

/* Zero-filled secret of len bytes; NULL on allocation failure. */
struct secret *secret_new(size_t len);
/* Copy of len bytes at src; NULL on allocation failure. */
struct secret *secret_dup(const void *src, size_t len);
/* Copy of a NUL-terminated string (without the NUL). */
struct secret *secret_from_str(const char *s);
/* Wipes and frees; NULL-safe. */
void secret_free(struct secret *s);
/* Wipes the bytes in place; the secret stays allocated. */
void secret_wipe(struct secret *s);
/* Wipes any buffer (for stack copies of key material). */
void secret_cleanse(void *p, size_t len);
/* Constant-time comparison of n bytes; true if equal. */
bool secret_equal(const void *a, const void *b, size_t n);
/* Cryptographically secure random bytes; false on failure. */
bool crypto_random(void *buf, size_t len);

#endif
