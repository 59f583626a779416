/*
 * ESP anti-replay window (RFC 4303 3.4.3) with extended sequence numbers
 * (RFC 4303 Appendix A).
 *
 * The window remembers which of the last `size` sequence numbers below and
 * including the highest authenticated one (top) were received. It is a ring
 * of ESP_REPLAY_RING bits indexed by the low bits of the sequence number and
 * cleared a 64-bit word at a time as top advances (the RFC 6479 scheme), so
 * both check and update are O(1) whatever the window size.
 *
 * Usage per inbound packet, in this order:
 *   seq = esp_replay_infer(w, seq_low)       (ESN: pick the high 32 bits)
 *   esp_replay_check(w, seq)                 BEFORE any crypto
 *   ... verify the ICV, decrypt ...
 *   esp_replay_update(w, seq)                ONLY after the ICV verified
 */
#ifndef VGW_ESP_REPLAY_H
#define VGW_ESP_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define ESP_REPLAY_MIN 64
#define ESP_REPLAY_MAX 2048
#define ESP_REPLAY_DEFAULT 1024
/* Ring size: a power of two at least one word larger than the max window. */
#define ESP_REPLAY_RING 4096

enum esp_replay_verdict {
	ESP_REPLAY_OK = 0,   /* new: right of the window or an unseen slot */
	ESP_REPLAY_DUP,      /* inside the window and already seen */
	ESP_REPLAY_OLD,      /* left of the window */
	ESP_REPLAY_ZERO,     /* sequence number 0 is never sent (3.3.3) */
};

struct esp_replay {
	uint64_t top;  /* highest authenticated sequence number, 0 = none */
	uint32_t size; /* window size in packets */
	bool esn;
	uint64_t ring[ESP_REPLAY_RING / 64];
};

/* size 0 selects ESP_REPLAY_DEFAULT; otherwise it must be 64..2048. */
bool esp_replay_init(struct esp_replay *w, uint32_t size, bool esn);
/*
 * Full 64-bit sequence number for the received low 32 bits: the low bits
 * themselves without ESN, else the high half per RFC 4303 A2.1.
 */
uint64_t esp_replay_infer(const struct esp_replay *w, uint32_t seq_low);
enum esp_replay_verdict esp_replay_check(const struct esp_replay *w,
					 uint64_t seq);
/* Marks seq as received; call only after the ICV verified. */
void esp_replay_update(struct esp_replay *w, uint64_t seq);
const char *esp_replay_verdict_name(enum esp_replay_verdict v);

#endif
