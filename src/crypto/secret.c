#include "crypto/secret.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

struct secret *secret_new(size_t len)
{
	struct secret *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->p = calloc(1, len ? len : 1);
	if (s->p == NULL) {
		free(s);
		return NULL;
	}
	s->len = len;
	return s;
}

struct secret *secret_dup(const void *src, size_t len)
{
	struct secret *s = secret_new(len);
	if (s != NULL && len)
		memcpy(s->p, src, len);
	return s;
}

struct secret *secret_from_str(const char *str)
{
	return secret_dup(str, strlen(str));
}

void secret_wipe(struct secret *s)
{
	if (s != NULL && s->p != NULL)
		OPENSSL_cleanse(s->p, s->len);
}

void secret_free(struct secret *s)
{
	if (s == NULL)
		return;
	secret_wipe(s);
	free(s->p);
	free(s);
}

void secret_cleanse(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}

bool secret_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

bool crypto_random(void *buf, size_t len)
{
	return RAND_bytes(buf, (int)len) == 1;
}
