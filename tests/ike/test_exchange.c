/*
 * Exchange tests: two IKE endpoints in one process over the fake transport
 * of harness.c, with the fake clock (RFC 7296 end to end).
 */
#include <errno.h>
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

/* The child of n that is up and not yet down (the last such one). */
static const struct h_event *alive(const struct h_node *n)
{
	const struct h_event *e = NULL;
	for (size_t i = 0; i < n->n_ev; i++) {
		if (!n->ev[i].up)
			continue;
		bool down = false;
		for (size_t j = i + 1; j < n->n_ev; j++)
			down |= !n->ev[j].up && n->ev[j].spi_in == n->ev[i].spi_in;
		if (!down)
			e = &n->ev[i];
	}
	return e;
}

/* Both sides have a matching, consistent Child SA pair. */
static void assert_pair(const struct h_node *a, const struct h_node *b)
{
	const struct h_event *ea = alive(a), *eb = alive(b);
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


/* Sets up A -> B with one suite each (or profiles) and returns after 1 s. */
static void pair_up(struct h_world *w, struct ike_tunnel_config *ca,
		    struct ike_tunnel_config *cb)
{
	h_init(w);
	h_config(w, A, B, ca, "secret-psk-1");
	h_config(w, B, A, cb, "secret-psk-1");
	one_suite(ca, 20, 256, 0, 5, 19);
	one_suite(cb, 20, 256, 0, 5, 19);
	ca->initiation = IKE_INIT_START;
}

static void add_both(struct h_world *w, const struct ike_tunnel_config *ca,
		     const struct ike_tunnel_config *cb)
{
	assert_int_equal(ike_tunnel_add(w->node[B].ike, cb), 0);
	assert_int_equal(ike_tunnel_add(w->node[A].ike, ca), 0);
}

static void test_cloud_profiles(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
		{ "azure-default", "aws-default" },
		{ "aws-default", "azure-default" },
		{ "aws-default", "aws-default" },
		{ "azure-default", "azure-default" },
	};
	for (size_t i = 0; i < 4; i++) {
		struct h_world w;
		struct ike_tunnel_config ca, cb;
		pair_up(&w, &ca, &cb);
		assert_true(ike_profile_apply(&ca, pairs[i][0]));
		assert_true(ike_profile_apply(&cb, pairs[i][1]));
		ca.dpd_interval_s = cb.dpd_interval_s = 0;
		add_both(&w, &ca, &cb);
		h_run(&w, 2000);
		print_message("%s -> %s: %s\n", pairs[i][0], pairs[i][1],
			      w.node[A].reason);
		assert_int_equal(w.node[A].state, IKE_TUNNEL_UP);
		assert_int_equal(w.node[B].state, IKE_TUNNEL_UP);
		assert_pair(&w.node[A], &w.node[B]);
		h_fini(&w);
	}
	/* Azure as initiator offers DH group 2 only; AWS accepts it. */
	assert_false(ike_profile_apply(&(struct ike_tunnel_config){ 0 }, "gcp"));
}

static void test_wrong_psk(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	char err[256];
	pair_up(&w, &ca, &cb);
	cb.psk = secret_from_str("another-psk");
	add_both(&w, &ca, &cb);
	secret_free((struct secret *)cb.psk);
	h_run(&w, 500);
	assert_int_equal(w.node[A].state, IKE_TUNNEL_DOWN);
	assert_non_null(strstr(w.node[A].reason, "AUTHENTICATION_FAILED from peer"));
	assert_int_not_equal(w.node[B].state, IKE_TUNNEL_UP);
	h_json_str(w.node[B].ike, "last_error", err, sizeof(err));
	assert_non_null(strstr(err, "AUTHENTICATION_FAILED"));
	h_json_str(w.node[B].ike, "errors", err, sizeof(err));
	assert_non_null(strstr(err, "\"AUTHENTICATION_FAILED\": 1"));
	h_json_str(w.node[A].ike, "errors", err, sizeof(err));
	assert_non_null(strstr(err, "\"AUTHENTICATION_FAILED\": 1"));
	assert_int_equal(h_children(&w.node[A]), 0);
	assert_int_equal(h_children(&w.node[B]), 0);
	assert_int_equal(ike_get_stats(w.node[B].ike)->notify_tx[IKE_N_AUTHENTICATION_FAILED], 1);
	h_fini(&w);
}

static void test_no_proposal(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	pair_up(&w, &ca, &cb);
	one_suite(&cb, 12, 128, 12, 5, 14);
	add_both(&w, &ca, &cb);
	h_run(&w, 500);
	assert_int_equal(w.node[A].state, IKE_TUNNEL_DOWN);
	assert_non_null(strstr(w.node[A].reason, "NO_PROPOSAL_CHOSEN from peer"));
	assert_int_equal(ike_get_stats(w.node[B].ike)->notify_tx[IKE_N_NO_PROPOSAL_CHOSEN], 1);
	assert_int_equal(h_ike_sas(w.node[B].ike), 0);
	h_fini(&w);
}

static void test_child_no_proposal(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	pair_up(&w, &ca, &cb);
	cb.esp[0] = (struct ike_esp_proposal){ 12, 128, 2, 0, 0 };
	add_both(&w, &ca, &cb);
	h_run(&w, 500);
	assert_int_not_equal(w.node[A].state, IKE_TUNNEL_UP);
	assert_non_null(strstr(w.node[A].reason, "NO_PROPOSAL_CHOSEN"));
	assert_int_equal(h_children(&w.node[A]), 0);
	assert_int_equal(h_children(&w.node[B]), 0);
	h_fini(&w);
}

static void test_ts_unacceptable(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	pair_up(&w, &ca, &cb);
	assert_true(ip_prefix_parse("10.1.0.0/16", &ca.local_ts, true));
	assert_true(ip_prefix_parse("10.9.0.0/16", &cb.remote_ts, true));
	add_both(&w, &ca, &cb);
	h_run(&w, 500);
	assert_non_null(strstr(w.node[A].reason, "TS_UNACCEPTABLE"));
	assert_int_equal(h_children(&w.node[A]), 0);
	assert_int_equal(h_children(&w.node[B]), 0);
	h_fini(&w);
}

static void test_invalid_ke(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	pair_up(&w, &ca, &cb);
	ca.n_ike = 2;
	ca.ike[1] = ca.ike[0];
	ca.ike[1].dh = 14;
	cb.ike[0].dh = 14;
	add_both(&w, &ca, &cb);
	h_run(&w, 1000);
	assert_int_equal(w.node[A].state, IKE_TUNNEL_UP);
	assert_non_null(strstr(w.node[A].reason, "MODP_2048"));
	assert_int_equal(ike_get_stats(w.node[A].ike)->notify_rx[IKE_N_INVALID_KE_PAYLOAD], 1);
	assert_int_equal(ike_get_stats(w.node[B].ike)->notify_tx[IKE_N_INVALID_KE_PAYLOAD], 1);
	assert_pair(&w.node[A], &w.node[B]);
	h_fini(&w);
}

/* After a rekey: exactly one child, the newest, and it went up before the
 * old one went down (no gap), and nothing went up twice. */
static void assert_rekeyed(const struct h_node *n, int rekeys)
{
	int ups = 0, downs = 0;
	for (size_t i = 0; i < n->n_ev; i++) {
		if (n->ev[i].up)
			ups++;
		else
			downs++;
		assert_true(ups - downs >= 1);
		for (size_t j = 0; j < i; j++)
			if (n->ev[i].up && n->ev[j].up)
				assert_int_not_equal(n->ev[i].spi_in, n->ev[j].spi_in);
	}
	assert_int_equal(ups, rekeys + 1);
	assert_int_equal(downs, rekeys);
}

static void test_child_rekey(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	pair_up(&w, &ca, &cb);
	ca.esp[0].pfs_dh = 19;
	cb.esp[0].pfs_dh = 19;
	ca.child_lifetime_s = 60;
	ca.rekey_margin_s = 10;
	cb.child_lifetime_s = 200;
	cb.rekey_margin_s = 10;
	add_both(&w, &ca, &cb);
	h_run(&w, 1000);
	assert_int_equal(w.node[A].state, IKE_TUNNEL_UP);
	h_run(&w, 55000);
	assert_rekeyed(&w.node[A], 1);
	assert_rekeyed(&w.node[B], 1);
	assert_pair(&w.node[A], &w.node[B]);
	h_run(&w, 50000); /* second rekey, at ~100 s */
	assert_rekeyed(&w.node[A], 2);
	assert_rekeyed(&w.node[B], 2);
	assert_pair(&w.node[A], &w.node[B]);
	assert_int_equal(h_json_int(w.node[A].ike, "child_rekeys"), 2);
	h_fini(&w);
}

static void test_child_rekey_collision(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	pair_up(&w, &ca, &cb);
	ca.child_lifetime_s = cb.child_lifetime_s = 60;
	ca.rekey_margin_s = cb.rekey_margin_s = 10;
	add_both(&w, &ca, &cb);
	h_run(&w, 1000);
	h_run(&w, 55000);
	print_message("collision: A %d events, B %d events\n",
		      (int)w.node[A].n_ev, (int)w.node[B].n_ev);
	assert_int_equal(h_children(&w.node[A]), 1);
	assert_int_equal(h_children(&w.node[B]), 1);
	assert_pair(&w.node[A], &w.node[B]);
	assert_int_equal(w.node[A].state, IKE_TUNNEL_UP);
	assert_int_equal(w.node[B].state, IKE_TUNNEL_UP);
	assert_int_equal(h_ike_sas(w.node[A].ike), 1);
	h_fini(&w);
}

static void test_ike_rekey(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	pair_up(&w, &ca, &cb);
	ca.ike_lifetime_s = 60;
	ca.rekey_margin_s = cb.rekey_margin_s = 10;
	cb.ike_lifetime_s = 300;
	ca.child_lifetime_s = cb.child_lifetime_s = 0;
	add_both(&w, &ca, &cb);
	h_run(&w, 1000);
	size_t events = w.node[A].n_ev;
	h_run(&w, 55000);
	assert_int_equal(h_json_int(w.node[A].ike, "ike_rekeys"), 1);
	assert_int_equal(h_json_int(w.node[B].ike, "ike_rekeys"), 1);
	assert_int_equal(h_ike_sas(w.node[A].ike), 1);
	assert_int_equal(h_ike_sas(w.node[B].ike), 1);
	/* The children moved: no child_up/down around an IKE rekey. */
	assert_int_equal(w.node[A].n_ev, events);
	assert_int_equal(w.node[A].state, IKE_TUNNEL_UP);
	/* The new IKE SA works: terminate it cleanly from B. */
	assert_int_equal(ike_tunnel_terminate(w.node[B].ike, "t"), 0);
	h_run(&w, 500);
	assert_int_equal(w.node[A].state, IKE_TUNNEL_DOWN);
	assert_int_equal(h_children(&w.node[A]), 0);
	h_fini(&w);
}

static void test_ike_rekey_collision(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	pair_up(&w, &ca, &cb);
	ca.ike_lifetime_s = cb.ike_lifetime_s = 60;
	ca.rekey_margin_s = cb.rekey_margin_s = 10;
	ca.child_lifetime_s = cb.child_lifetime_s = 0;
	add_both(&w, &ca, &cb);
	h_run(&w, 56000);
	assert_int_equal(h_ike_sas(w.node[A].ike), 1);
	assert_int_equal(h_ike_sas(w.node[B].ike), 1);
	assert_int_equal(w.node[A].state, IKE_TUNNEL_UP);
	assert_int_equal(w.node[B].state, IKE_TUNNEL_UP);
	assert_int_equal(h_children(&w.node[A]), 1);
	assert_int_equal(h_children(&w.node[B]), 1);
	/* Both ends agree on the surviving IKE SA. */
	struct ike_sa *sa = w.node[A].ike->sas, *sb = w.node[B].ike->sas;
	assert_memory_equal(sa->spi_i, sb->spi_i, 8);
	assert_memory_equal(sa->spi_r, sb->spi_r, 8);
	h_fini(&w);
}

static void test_simultaneous_initiation(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	pair_up(&w, &ca, &cb);
	cb.initiation = IKE_INIT_START;
	add_both(&w, &ca, &cb);
	h_run(&w, 3000);
	assert_int_equal(w.node[A].state, IKE_TUNNEL_UP);
	assert_int_equal(w.node[B].state, IKE_TUNNEL_UP);
	assert_int_equal(h_ike_sas(w.node[A].ike), 1);
	assert_int_equal(h_ike_sas(w.node[B].ike), 1);
	assert_int_equal(h_children(&w.node[A]), 1);
	assert_int_equal(h_children(&w.node[B]), 1);
	assert_pair(&w.node[A], &w.node[B]);
	h_fini(&w);
}

static void test_dpd_dead_peer(void **state)
{
	(void)state;
	static const enum ike_dpd_action acts[] = { IKE_DPD_CLEAR,
						    IKE_DPD_RESTART,
						    IKE_DPD_NONE };
	for (size_t i = 0; i < 3; i++) {
		struct h_world w;
		struct ike_tunnel_config ca, cb;
		pair_up(&w, &ca, &cb);
		ca.dpd_interval_s = 10;
		ca.dpd_timeout_s = 30;
		ca.dpd_action = acts[i];
		ca.initiation = IKE_INIT_ADD;
		add_both(&w, &ca, &cb);
		ike_tunnel_initiate(w.node[A].ike, "t");
		h_run(&w, 1000);
		assert_int_equal(w.node[A].state, IKE_TUNNEL_UP);
		w.drop_from[B] = true;
		h_run(&w, 60000);
		if (acts[i] == IKE_DPD_NONE) {
			assert_int_equal(w.node[A].state, IKE_TUNNEL_UP);
		} else {
			assert_int_equal(w.node[A].state,
					 acts[i] == IKE_DPD_CLEAR ? IKE_TUNNEL_DOWN
								  : IKE_TUNNEL_CONNECTING);
			assert_int_equal(h_children(&w.node[A]), 0);
		}
		/* The peer comes back: restart reconnects on its own. */
		w.drop_from[B] = false;
		h_run(&w, 40000);
		if (acts[i] == IKE_DPD_RESTART) {
			assert_int_equal(w.node[A].state, IKE_TUNNEL_UP);
			assert_int_equal(h_children(&w.node[A]), 1);
		}
		if (acts[i] == IKE_DPD_CLEAR)
			assert_int_equal(w.node[A].state, IKE_TUNNEL_DOWN);
		h_fini(&w);
	}
}

static void test_delete(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	pair_up(&w, &ca, &cb);
	add_both(&w, &ca, &cb);
	h_run(&w, 1000);
	assert_int_equal(w.node[B].state, IKE_TUNNEL_UP);
	assert_int_equal(ike_tunnel_terminate(w.node[A].ike, "t"), 0);
	h_run(&w, 1000);
	assert_int_equal(w.node[B].state, IKE_TUNNEL_DOWN);
	assert_non_null(strstr(w.node[B].reason, "deleted by peer"));
	assert_int_equal(h_children(&w.node[A]), 0);
	assert_int_equal(h_children(&w.node[B]), 0);
	assert_int_equal(h_ike_sas(w.node[A].ike), 0);
	assert_int_equal(h_ike_sas(w.node[B].ike), 0);
	/* And back: initiate again, then remove the tunnel (sends DELETE). */
	assert_int_equal(ike_tunnel_initiate(w.node[A].ike, "t"), 0);
	h_run(&w, 1000);
	assert_int_equal(w.node[B].state, IKE_TUNNEL_UP);
	assert_int_equal(ike_tunnel_remove(w.node[A].ike, "t"), 0);
	assert_int_equal(ike_tunnel_remove(w.node[A].ike, "t"), -ENOENT);
	h_run(&w, 1000);
	assert_int_equal(w.node[B].state, IKE_TUNNEL_DOWN);
	h_fini(&w);
}

static void test_retransmit_backoff(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	pair_up(&w, &ca, &cb);
	ca.initiation = IKE_INIT_ADD;
	add_both(&w, &ca, &cb);
	w.drop_from[A] = true;
	assert_int_equal(ike_tunnel_initiate(w.node[A].ike, "t"), 0);
	h_run(&w, 70000);
	const struct h_node *a = &w.node[A];
	assert_true(a->n_send >= 6);
	static const int64_t gaps[] = { 1000, 2000, 4000, 8000, 16000 };
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(a->send_ms[i + 1] - a->send_ms[i], gaps[i]);
	assert_int_equal(a->state, IKE_TUNNEL_DOWN);
	assert_non_null(strstr(a->reason, "not responding"));
	assert_int_equal(ike_get_stats(a->ike)->retransmits, 5);
	h_fini(&w);
}

static void test_cookies(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb, cc, cb2;
	pair_up(&w, &ca, &cb);
	struct ike_seams s = { .cookie_threshold = 1 };
	ike_set_seams(w.node[B].ike, &s);
	/* C opens one half-open IKE SA at B and then goes silent. */
	h_config(&w, 2, B, &cc, "secret-psk-1");
	h_config(&w, B, 2, &cb2, "secret-psk-1");
	one_suite(&cc, 20, 256, 0, 5, 19);
	one_suite(&cb2, 20, 256, 0, 5, 19);
	strcpy(cb2.name, "c");
	cc.initiation = IKE_INIT_START;
	assert_int_equal(ike_tunnel_add(w.node[B].ike, &cb2), 0);
	w.allow_from[2] = 1;
	assert_int_equal(ike_tunnel_add(w.node[2].ike, &cc), 0);
	h_pump(&w);
	assert_int_equal(w.node[B].ike->half_open, 1);
	/* Now A must go through a cookie round trip. */
	add_both(&w, &ca, &cb);
	h_run(&w, 1000);
	assert_int_equal(ike_get_stats(w.node[B].ike)->cookies_sent, 1);
	assert_int_equal(w.node[A].state, IKE_TUNNEL_UP);
	assert_pair(&w.node[A], &w.node[B]);
	/* C's half-open SA is forgotten after 30 s. */
	h_run(&w, 30000);
	assert_int_equal(w.node[B].ike->half_open, 0);
	h_fini(&w);
}

static void test_retransmitted_requests(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	pair_up(&w, &ca, &cb);
	w.dup_from[A] = true;
	add_both(&w, &ca, &cb);
	h_run(&w, 1000);
	assert_int_equal(w.node[A].state, IKE_TUNNEL_UP);
	assert_int_equal(w.node[B].state, IKE_TUNNEL_UP);
	/* One IKE SA and one child on B despite every request twice. */
	assert_int_equal(h_ike_sas(w.node[B].ike), 1);
	assert_int_equal((int)w.node[B].n_ev, 1);
	/* B answered each duplicate from its cache: 2 x (INIT + AUTH). */
	assert_int_equal(ike_get_stats(w.node[B].ike)->tx, 4);
	/* A dropped the duplicate answers. */
	assert_int_equal(ike_get_stats(w.node[A].ike)->dropped, 2);
	h_fini(&w);
}

static void test_api_errors(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	pair_up(&w, &ca, &cb);
	add_both(&w, &ca, &cb);
	assert_int_equal(ike_tunnel_add(w.node[A].ike, &ca), -EEXIST);
	struct ike_tunnel_config bad = ca;
	strcpy(bad.name, "bad");
	bad.ike[0].dh = 1; /* MODP768 is not implemented */
	assert_int_equal(ike_tunnel_add(w.node[A].ike, &bad), -EINVAL);
	bad = ca;
	strcpy(bad.name, "bad2");
	bad.psk = NULL;
	assert_int_equal(ike_tunnel_add(w.node[A].ike, &bad), -EINVAL);
	assert_int_equal(ike_tunnel_initiate(w.node[A].ike, "nope"), -ENOENT);
	assert_int_equal(ike_tunnel_terminate(w.node[A].ike, "nope"), -ENOENT);
	h_run(&w, 1000);
	assert_int_equal(ike_tunnel_initiate(w.node[A].ike, "t"), -EALREADY);
	ike_shutdown_all(w.node[A].ike);
	h_run(&w, 1000);
	assert_int_equal(w.node[B].state, IKE_TUNNEL_DOWN);
	h_fini(&w);
}

/* Unauthenticated garbage is dropped and counted; the tunnel stays up. */
static void test_garbage(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	pair_up(&w, &ca, &cb);
	add_both(&w, &ca, &cb);
	h_run(&w, 1000);
	struct ike *b = w.node[B].ike;
	struct ike_sa *sa = b->sas;
	struct ike_endpoint lb = sa->local, ra = sa->remote;
	uint64_t dropped = ike_get_stats(b)->dropped;
	uint8_t pkt[256];
	memset(pkt, 0x5a, sizeof(pkt));
	ike_input(b, &lb, &ra, pkt, 10);          /* short */
	ike_input(b, &lb, &ra, pkt, sizeof(pkt)); /* junk header */
	/* A well-formed header for an unknown IKE SA. */
	struct ike_hdr h = { .spi_i = { 1 }, .spi_r = { 2 },
			     .version = IKE_VERSION,
			     .exchange = IKE_X_INFORMATIONAL,
			     .flags = IKE_FLAG_INITIATOR, .msg_id = 2,
			     .length = IKE_HDR_LEN };
	struct wr wr;
	wr_init(&wr, pkt, sizeof(pkt));
	ike_hdr_encode(&wr, &h);
	ike_input(b, &lb, &ra, pkt, IKE_HDR_LEN);
	/* The right SPIs with a Message ID outside the window. */
	memcpy(h.spi_i, sa->spi_i, 8);
	memcpy(h.spi_r, sa->spi_r, 8);
	h.msg_id = 7;
	wr_init(&wr, pkt, sizeof(pkt));
	ike_hdr_encode(&wr, &h);
	ike_input(b, &lb, &ra, pkt, IKE_HDR_LEN);
	/* The right SPIs and ID but a forged SK payload (bad ICV). */
	struct ike_sa *sa_a = w.node[A].ike->sas;
	static struct ike_enc e;
	size_t len;
	ike_enc_init(&e);
	h.msg_id = sa->peer_msg_id;
	assert_true(ike_sk_seal(sa_a, &h, &e, pkt, sizeof(pkt), &len));
	pkt[len - 1] ^= 1;
	ike_input(b, &lb, &ra, pkt, len);
	assert_int_equal(ike_get_stats(b)->dropped, dropped + 5);
	assert_int_equal(ike_get_stats(b)->bad_icv, 1);
	assert_int_equal(ike_get_stats(b)->tx, 2); /* nothing answered */
	assert_int_equal(w.node[B].state, IKE_TUNNEL_UP);
	/* An authenticated request with an unknown critical payload gets
	 * UNSUPPORTED_CRITICAL_PAYLOAD (RFC 7296 2.5). */
	ike_enc_init(&e);
	size_t st = ike_enc_begin(&e, 222);
	wr_u32be(&e.w, 0);
	ike_enc_end(&e, st);
	e.buf[st + 1] = IKE_PAYLOAD_CRITICAL;
	assert_true(ike_sa_send_request(sa_a, IKE_X_INFORMATIONAL, IKE_REQ_DPD, &e));
	h_run(&w, 100);
	assert_int_equal(ike_get_stats(b)->notify_tx[IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD], 1);
	assert_int_equal(w.node[A].state, IKE_TUNNEL_UP);
	assert_int_equal(w.node[B].state, IKE_TUNNEL_UP);
	h_fini(&w);
}

/* force_encap fakes a NAT: both move to 4500 and encapsulate ESP. */
static void test_nat_and_esn(void **state)
{
	(void)state;
	for (int force = 0; force < 2; force++) {
		struct h_world w;
		struct ike_tunnel_config ca, cb;
		pair_up(&w, &ca, &cb);
		ca.force_encap = force;
		ca.esp[0].esn = cb.esp[0].esn = (uint8_t)force;
		add_both(&w, &ca, &cb);
		h_run(&w, 1000);
		const struct h_event *ea = alive(&w.node[A]), *eb = alive(&w.node[B]);
		assert_non_null(ea);
		assert_non_null(eb);
		assert_int_equal(ea->encap, force);
		assert_int_equal(eb->encap, force);
		assert_int_equal(ea->esn, force);
		assert_int_equal(eb->esn, force);
		uint16_t port = force ? IKE_NATT_PORT : IKE_PORT;
		assert_int_equal(ea->local_port, port);
		assert_int_equal(eb->local_port, port);
		assert_int_equal(eb->remote_port, port);
		h_fini(&w);
	}
}

/* START reconnects with backoff after a failure; ADD does not. */
static void test_reconnect_policy(void **state)
{
	(void)state;
	for (int start = 0; start < 2; start++) {
		struct h_world w;
		struct ike_tunnel_config ca, cb;
		pair_up(&w, &ca, &cb);
		ca.initiation = start ? IKE_INIT_START : IKE_INIT_ADD;
		cb.psk = secret_from_str("another-psk");
		add_both(&w, &ca, &cb);
		secret_free((struct secret *)cb.psk);
		if (!start)
			assert_int_equal(ike_tunnel_initiate(w.node[A].ike, "t"), 0);
		h_run(&w, 10000);
		uint64_t attempts = ike_get_stats(w.node[B].ike)->notify_tx[IKE_N_AUTHENTICATION_FAILED];
		/* Backoff 1, 2, 4 s: attempts at 0, 1, 3, 7 s. */
		assert_int_equal(attempts, start ? 4 : 1);
		/* Between attempts the tunnel is DOWN with the reason. */
		assert_int_equal(w.node[A].state, IKE_TUNNEL_DOWN);
		assert_non_null(strstr(w.node[A].reason, "AUTHENTICATION_FAILED"));
		h_fini(&w);
	}
}

/* CREATE_CHILD_SA with the wrong PFS group: INVALID_KE_PAYLOAD, then an
 * immediate retry with the group the peer asked for. */
static void test_rekey_invalid_ke(void **state)
{
	(void)state;
	struct h_world w;
	struct ike_tunnel_config ca, cb;
	pair_up(&w, &ca, &cb);
	ca.n_esp = 2;
	ca.esp[0].pfs_dh = 19;
	ca.esp[1] = ca.esp[0];
	ca.esp[1].pfs_dh = 14;
	cb.esp[0].pfs_dh = 14;
	ca.child_lifetime_s = 60;
	cb.child_lifetime_s = 200;
	ca.rekey_margin_s = cb.rekey_margin_s = 10;
	add_both(&w, &ca, &cb);
	h_run(&w, 50500);
	assert_rekeyed(&w.node[A], 1);
	assert_rekeyed(&w.node[B], 1);
	assert_pair(&w.node[A], &w.node[B]);
	assert_int_equal(ike_get_stats(w.node[A].ike)->notify_rx[IKE_N_INVALID_KE_PAYLOAD], 1);
	h_fini(&w);
}

int main(void)
{
	vlog_init("test", VLOG_ERR, false);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suites),
		cmocka_unit_test(test_cloud_profiles),
		cmocka_unit_test(test_wrong_psk),
		cmocka_unit_test(test_no_proposal),
		cmocka_unit_test(test_child_no_proposal),
		cmocka_unit_test(test_ts_unacceptable),
		cmocka_unit_test(test_invalid_ke),
		cmocka_unit_test(test_child_rekey),
		cmocka_unit_test(test_child_rekey_collision),
		cmocka_unit_test(test_ike_rekey),
		cmocka_unit_test(test_ike_rekey_collision),
		cmocka_unit_test(test_simultaneous_initiation),
		cmocka_unit_test(test_dpd_dead_peer),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_retransmit_backoff),
		cmocka_unit_test(test_cookies),
		cmocka_unit_test(test_retransmitted_requests),
		cmocka_unit_test(test_api_errors),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_nat_and_esn),
		cmocka_unit_test(test_reconnect_policy),
		cmocka_unit_test(test_rekey_invalid_ke),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
