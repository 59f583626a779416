/*
 * Numbered table tests for the anti-replay window: each step is either
 * "check" (verdict only) or "accept" (check, then update if OK, as the
 * receive path does after a good ICV), with the verdict expected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "esp/replay.h"

enum op { CHECK, ACCEPT, INFER };

struct step {
	enum op op;
	uint64_t seq; /* INFER: the low 32 bits fed in */
	uint64_t want; /* verdict, or INFER: expected 64-bit value */
};

struct table {
	const char *name;
	uint32_t size;
	bool esn;
	uint64_t start_top; /* accepted first when nonzero */
	const struct step *steps;
	size_t n;
};

#define OK ESP_REPLAY_OK
#define DUP ESP_REPLAY_DUP
#define OLD ESP_REPLAY_OLD
#define ZERO ESP_REPLAY_ZERO
#define T(steps) steps, sizeof(steps) / sizeof(steps[0])

static const struct step basic64[] = {
	/* 1 */ { CHECK, 0, ZERO },
	/* 2 */ { ACCEPT, 1, OK },
	/* 3 */ { ACCEPT, 1, DUP },
	/* 4 */ { ACCEPT, 3, OK },
	/* 5 */ { ACCEPT, 2, OK },
	/* 6 */ { ACCEPT, 2, DUP },
	/* 7 */ { ACCEPT, 66, OK },  /* window now 3..66 */
	/* 8 */ { CHECK, 2, OLD },
	/* 9 */ { CHECK, 3, DUP },
	/* 10 */ { CHECK, 4, OK },
	/* 11 */ { ACCEPT, 67, OK }, /* window now 4..67: 3 falls out */
	/* 12 */ { CHECK, 3, OLD },
	/* 13 */ { ACCEPT, 4, OK },
	/* 14 */ { ACCEPT, 4, DUP },
	/* 15 */ { ACCEPT, 1000, OK }, /* big jump clears everything */
	/* 16 */ { CHECK, 936, OLD },
	/* 17 */ { CHECK, 937, OK },   /* 1000 - 63: the window's bottom */
	/* 18 */ { CHECK, 999, OK },
	/* 19 */ { CHECK, 1000, DUP },
	/* 20 */ { ACCEPT, 1000 + 4096, OK }, /* same ring slot, 4096 later */
	/* 21 */ { CHECK, 1000 + 4095, OK },
	/* 22 */ { CHECK, 1000, OLD },
};

static const struct step size2048[] = {
	/* 1 */ { ACCEPT, 5000, OK },
	/* 2 */ { CHECK, 2953, OK },   /* 5000 - 2047 */
	/* 3 */ { CHECK, 2952, OLD },
	/* 4 */ { ACCEPT, 2953, OK },
	/* 5 */ { ACCEPT, 2953, DUP },
	/* 6 */ { ACCEPT, 5001, OK },
	/* 7 */ { CHECK, 2953, OLD },  /* fell out as top moved by one */
	/* 8 */ { ACCEPT, 4000, OK },
	/* 9 */ { ACCEPT, 7000, OK },  /* window now 4953..7000 */
	/* 10 */ { CHECK, 4000, OLD },
	/* 11 */ { CHECK, 4953, OK },
	/* 12 */ { CHECK, 5000, DUP },
	/* 13 */ { CHECK, 5001, DUP },
};

/* Non-ESN near 2^32: top can reach 2^32-1; nothing wraps. */
static const struct step nowrap[] = {
	/* 1 */ { ACCEPT, 0xfffffffeu, OK },
	/* 2 */ { ACCEPT, 0xffffffffu, OK },
	/* 3 */ { ACCEPT, 0xffffffffu, DUP },
	/* 4 */ { CHECK, 1, OLD }, /* no wrap without ESN */
	/* 5 */ { INFER, 5, 5 },
};

/* ESN, RFC 4303 A2.1 case A (Tl >= W - 1) and case B (Tl < W - 1). */
static const struct step esn_wrap[] = {
	/* start: top = 0xfffffff0 (epoch 0), window 128 */
	/* 1 */ { INFER, 0xffffff80u, 0xffffff80u },   /* inside window */
	/* 2 */ { INFER, 0xffffff00u, 0x1ffffff00ull }, /* below bottom: next */
	/* 3 */ { INFER, 5, 0x100000005ull },           /* wrapped: next epoch */
	/* 4 */ { ACCEPT, 0x100000005ull, OK },         /* top crosses 2^32 */
	/* 5 */ { INFER, 0xfffffff0u, 0xfffffff0u },    /* case B: previous */
	/* 6 */ { CHECK, 0xfffffff0u, DUP },
	/* 7 */ { CHECK, 0xfffffff1u, OK },
	/* 8 */ { INFER, 3, 0x100000003ull },
	/* 9 */ { ACCEPT, 0x100000003ull, OK },
	/* 10 */ { ACCEPT, 0x100000003ull, DUP },
	/* 11 */ { INFER, 0xffffff86u, 0xffffff86u },   /* bottom = top-127 */
	/* 12 */ { INFER, 0xffffff85u, 0x1ffffff85ull },/* below bottom: Th */
	/* 12 */ { CHECK, 0xffffff85u, OLD },           /* 0x100000005-0xffffff85 = 128 */
	/* 13 */ { CHECK, 0xffffff86u, OK },
	/* 14 */ { INFER, 0x70000000u, 0x170000000ull },/* far ahead, same epoch */
};

/* ESN before any wrap: epoch 0 has no predecessor. */
static const struct step esn_start[] = {
	/* 1 */ { ACCEPT, 10, OK },
	/* 2 */ { INFER, 0xfffffff0u, 0xfffffff0u }, /* case B, Th=0: epoch 0 */
	/* 3 */ { CHECK, 0xfffffff0u, OK },          /* ahead, in epoch 0 */
	/* 4 */ { INFER, 9, 9 },
	/* 5 */ { CHECK, 9, OK },
	/* 6 */ { CHECK, 10, DUP },
	/* 7 */ { CHECK, 0, ZERO },
};

static const struct table tables[] = {
	{ "basic64", 64, false, 0, T(basic64) },
	{ "size2048", 2048, false, 0, T(size2048) },
	{ "nowrap", 64, false, 0, T(nowrap) },
	{ "esn_wrap", 128, true, 0xfffffff0u, T(esn_wrap) },
	{ "esn_start", 1024, true, 0, T(esn_start) },
};

static void run_table(const struct table *t)
{
	struct esp_replay w;
	assert_true(esp_replay_init(&w, t->size, t->esn));
	if (t->start_top)
		esp_replay_update(&w, t->start_top);
	for (size_t i = 0; i < t->n; i++) {
		const struct step *s = &t->steps[i];
		uint64_t got;
		if (s->op == INFER) {
			got = esp_replay_infer(&w, (uint32_t)s->seq);
		} else {
			got = esp_replay_check(&w, s->seq);
			if (s->op == ACCEPT && got == OK)
				esp_replay_update(&w, s->seq);
		}
		if (got != s->want)
			fail_msg("%s step %zu: seq %#llx got %#llx want %#llx",
				 t->name, i + 1, (unsigned long long)s->seq,
				 (unsigned long long)got,
				 (unsigned long long)s->want);
	}
}

static void test_tables(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		run_table(&tables[i]);
}

/* Every supported size: exactly `size` numbers below top are tracked. */
static void test_sizes(void **state)
{
	(void)state;
	static const uint32_t sizes[] = { 64, 65, 100, 128, 512, 1000, 1024,
					  2047, 2048 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct esp_replay w;
		uint32_t n = sizes[i];
		assert_true(esp_replay_init(&w, n, false));
		uint64_t top = 10000;
		esp_replay_update(&w, top);
		assert_int_equal(esp_replay_check(&w, top - n + 1), OK);
		assert_int_equal(esp_replay_check(&w, top - n), OLD);
		/* Fill every other slot, then verify all of them. */
		for (uint64_t s = top - n + 1; s < top; s += 2)
			esp_replay_update(&w, s);
		for (uint64_t s = top - n + 1; s < top; s++)
			assert_int_equal(esp_replay_check(&w, s),
					 ((s - (top - n + 1)) % 2) ? OK : DUP);
	}
	struct esp_replay w;
	assert_false(esp_replay_init(&w, 63, false));
	assert_false(esp_replay_init(&w, 2049, false));
	assert_true(esp_replay_init(&w, 0, false));
	assert_int_equal(w.size, ESP_REPLAY_DEFAULT);
	assert_string_equal(esp_replay_verdict_name(DUP), "duplicate");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
