/*
 * Exchange tests: two IKE endpoints in one process over the fake transport
 * of harness.c, with the fake clock (RFC 7296 end to end).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "ike/ike_priv.h"

#define A 0
#define B 1

static void one_suite(struct ike_tunnel_config *c, uint16_t encr,
		      uint16_t bits, uint16_t integ, uint16_t prf, uint16_t dh)
{
	c->n_ike = 1;
	c->ike[0] = (struct ike_ike_proposal){ encr, bits, integ, prf, dh };
	c->n_esp = 1;
	c->esp[0] = (struct ike_esp_proposal){ encr, bits, integ, 0, 0 };
	c->n_esp_accept = 0;
}

/* Both sides have a matching, consistent Child SA pair. */
static void assert_pair(const struct h_node *a, const struct h_node *b)
{
	const struct h_event *ea = NULL, *eb = NULL;
	for (size_t i = 0; i < a->n_ev; i++)
		if (a->ev[i].up)
			ea = &a->ev[i];
	for (size_t i = 0; i < b->n_ev; i++)
		if (b->ev[i].up)
			eb = &b->ev[i];
	assert_non_null(ea);
	assert_non_null(eb);
	assert_int_equal(ea->spi_in, eb->spi_out);
	assert_int_equal(ea->spi_out, eb->spi_in);
	assert_int_equal(ea->encr_len, eb->encr_len);
	assert_memory_equal(ea->encr_in, eb->encr_out, ea->encr_len);
	assert_memory_equal(ea->encr_out, eb->encr_in, ea->encr_len);
	assert_memory_not_equal(ea->encr_in, ea->encr_out, ea->encr_len);
}

struct suite_case {
	const char *name;
	uint16_t encr, bits, integ, prf, dh;
};

static const struct suite_case suite_cases[] = {
	{ "GCM/ECP256", 20, 256, 0, 5, 19 },
	{ "GCM128/X25519", 20, 128, 0, 7, 31 },
	{ "CBC/SHA256/MODP2048", 12, 256, 12, 5, 14 },
	{ "CBC128/SHA1/MODP1024", 12, 128, 2, 2, 2 },
	{ "CBC/SHA384/ECP384", 12, 256, 13, 6, 20 },
	{ "CBC/SHA512/ECP521", 12, 128, 14, 7, 21 },
	{ "GCM/MODP2048-256", 20, 256, 0, 5, 24 },
};

static void test_suites(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(suite_cases) / sizeof(suite_cases[0]);
	     i++) {
		const struct suite_case *s = &suite_cases[i];
		struct h_world w;
		struct ike_tunnel_config ca, cb;
		h_init(&w);
		h_config(&w, A, B, &ca, "secret-psk-1");
		h_config(&w, B, A, &cb, "secret-psk-1");
		one_suite(&ca, s->encr, s->bits, s->integ, s->prf, s->dh);
		one_suite(&cb, s->encr, s->bits, s->integ, s->prf, s->dh);
		ca.initiation = IKE_INIT_START;
		assert_int_equal(ike_tunnel_add(w.node[B].ike, &cb), 0);
		assert_int_equal(ike_tunnel_add(w.node[A].ike, &ca), 0);
		h_run(&w, 1000);
		print_message("%s: A %s B %s\n", s->name,
			      ike_tunnel_state_name(w.node[A].state),
			      ike_tunnel_state_name(w.node[B].state));
		assert_int_equal(w.node[A].state, IKE_TUNNEL_UP);
		assert_int_equal(w.node[B].state, IKE_TUNNEL_UP);
		assert_int_equal(h_children(&w.node[A]), 1);
		assert_int_equal(h_children(&w.node[B]), 1);
		assert_pair(&w.node[A], &w.node[B]);
		h_fini(&w);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suites),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
