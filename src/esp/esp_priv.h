/* Internals of src/esp shared by its files and its white-box tests. */
#ifndef VGW_ESP_PRIV_H
#define VGW_ESP_PRIV_H

#include "crypto/cipher.h"
#include "esp/esp.h"

/* Random IV bytes for CBC are drawn in blocks to keep RAND off the path. */
#define ESP_IV_POOL 512

struct esp_sa {
	uint32_t spi;
	enum esp_dir dir;
	bool esn;
	bool gcm;
	uint8_t iv_len;
	uint8_t icv_len;
	uint8_t block;
	struct crypto_cipher *cipher[ESP_MAX_LANES];
	unsigned lanes;
	uint64_t seq;      /* out: last sequence number sent (0 = none) */
	uint64_t seq_max;  /* out: last usable sequence number */
	struct esp_replay replay; /* in */
	struct esp_sa_stats stats;
	size_t iv_pool_off;
	uint8_t iv_pool[ESP_IV_POOL];
};

/* Soft limit: ask for a rekey this many packets before exhaustion. */
#define ESP_SEQ_SOFT_MARGIN ((uint64_t)1 << 24)

#endif
