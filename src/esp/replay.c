#include "esp/replay.h"

#include <string.h>

#define RING_WORDS (ESP_REPLAY_RING / 64)

bool esp_replay_init(struct esp_replay *w, uint32_t size, bool esn)
{
	if (size == 0)
		size = ESP_REPLAY_DEFAULT;
	if (size < ESP_REPLAY_MIN || size > ESP_REPLAY_MAX)
		return false;
	memset(w, 0, sizeof(*w));
	w->size = size;
	w->esn = esn;
	return true;
}

/*
 * RFC 4303 A2.1: with Tl/Th the halves of top and W the window, a low value
 * at or above the window bottom (Tl - W + 1) belongs to the same epoch as
 * top, anything below it to the next one, except that while the window
 * itself straddles an epoch boundary (Tl < W - 1), low values above the
 * bottom belong to the previous epoch.
 */
uint64_t esp_replay_infer(const struct esp_replay *w, uint32_t seq_low)
{
	if (!w->esn)
		return seq_low;
	uint32_t tl = (uint32_t)w->top, th = (uint32_t)(w->top >> 32);
	uint32_t bottom = tl - w->size + 1; /* wraps by design */
	uint64_t hi;
	if (tl >= w->size - 1) {
		hi = seq_low >= bottom ? th : (uint64_t)th + 1;
	} else {
		if (seq_low >= bottom) {
			/* Previous epoch; none exists before epoch 0. */
			if (th == 0)
				return seq_low; /* will be judged OLD/ZERO */
			hi = th - 1;
		} else {
			hi = th;
		}
	}
	return hi << 32 | seq_low;
}

static bool bit_get(const struct esp_replay *w, uint64_t seq)
{
	uint32_t i = (uint32_t)(seq & (ESP_REPLAY_RING - 1));
	return (w->ring[i / 64] >> (i % 64)) & 1;
}

enum esp_replay_verdict esp_replay_check(const struct esp_replay *w,
					 uint64_t seq)
{
	if (seq == 0)
		return ESP_REPLAY_ZERO;
	/* Without ESN a low value below a top >= 2^32 cannot happen. */
	if (seq > w->top)
		return ESP_REPLAY_OK;
	if (w->top - seq >= w->size)
		return ESP_REPLAY_OLD;
	return bit_get(w, seq) ? ESP_REPLAY_DUP : ESP_REPLAY_OK;
}

void esp_replay_update(struct esp_replay *w, uint64_t seq)
{
	if (seq > w->top) {
		uint64_t from = w->top / 64, to = seq / 64;
		if (to - from >= RING_WORDS) {
			memset(w->ring, 0, sizeof(w->ring));
		} else {
			/* Words entered by the new top start empty. */
			for (uint64_t b = from + 1; b <= to; b++)
				w->ring[b % RING_WORDS] = 0;
		}
		w->top = seq;
	}
	uint32_t i = (uint32_t)(seq & (ESP_REPLAY_RING - 1));
	w->ring[i / 64] |= (uint64_t)1 << (i % 64);
}

const char *esp_replay_verdict_name(enum esp_replay_verdict v)
{
	switch (v) {
	case ESP_REPLAY_OK:
		return "ok";
	case ESP_REPLAY_DUP:
		return "duplicate";
	case ESP_REPLAY_OLD:
		return "too-old";
	case ESP_REPLAY_ZERO:
		return "zero";
	}
	return "?";
}
