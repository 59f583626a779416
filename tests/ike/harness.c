/*
 * Fake transport and hooks for the exchange tests (see harness.h).
 */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <json-c/json.h>

#include "ike/ike_priv.h"

struct h_pkt {
	int from, to;
	struct ike_endpoint local, remote;
	uint8_t *data;
	size_t len;
};

#define H_QUEUE 256
static struct h_pkt queue[H_QUEUE];
static size_t q_head, q_len;
static struct h_world *cur;

static int node_of(const struct h_world *w, const struct ip_addr *a)
{
	for (int i = 0; i < H_NODES; i++)
		if (ip_addr_eq(&w->node[i].addr, a))
			return i;
	return -1;
}

static int h_send(void *arg, const struct ike_endpoint *local,
		  const struct ike_endpoint *remote, const uint8_t *pkt,
		  size_t len)
{
	struct h_node *n = arg;
	struct h_world *w = cur;
	int from = (int)(n - w->node);
	n->sent++;
	if (n->n_send < 32)
		n->send_ms[n->n_send++] = clock_now(&w->clk).ns / VTIME_NS_PER_MS;
	if (w->drop_from[from] || q_len == H_QUEUE)
		return 0;
	if (w->allow_from[from] >= 0 && w->allow_from[from]-- == 0) {
		w->allow_from[from] = 0;
		return 0;
	}
	int copies = w->duplicate_next || w->dup_from[from] ? 2 : 1;
	w->duplicate_next = false;
	for (int c = 0; c < copies && q_len < H_QUEUE; c++) {
		struct h_pkt *p = &queue[(q_head + q_len++) % H_QUEUE];
		p->from = from;
		p->to = node_of(w, &remote->addr);
		/* The receiver sees the endpoints mirrored. */
		p->local = *remote;
		p->remote = *local;
		p->data = malloc(len);
		assert_non_null(p->data);
		memcpy(p->data, pkt, len);
		p->len = len;
	}
	return 0;
}

static const struct ike_io h_io = { h_send };

static void h_child_up(void *arg, const char *tunnel,
		       const struct ike_child_sa_keys *k)
{
	struct h_node *n = arg;
	(void)tunnel;
	assert_true(n->n_ev < H_EVENTS);
	struct h_event *e = &n->ev[n->n_ev++];
	memset(e, 0, sizeof(*e));
	e->up = true;
	e->spi_in = k->spi_in;
	e->spi_out = k->spi_out;
	e->encr_len = k->encr_in->len;
	assert_true(e->encr_len <= 64);
	memcpy(e->encr_in, k->encr_in->p, e->encr_len);
	memcpy(e->encr_out, k->encr_out->p, e->encr_len);
	e->encap = k->encap;
	e->esn = k->esn;
	e->local_port = k->local.port;
	e->remote_port = k->remote.port;
}

static void h_child_down(void *arg, const char *tunnel, uint32_t spi_in,
			 uint32_t spi_out)
{
	struct h_node *n = arg;
	(void)tunnel;
	assert_true(n->n_ev < H_EVENTS);
	struct h_event *e = &n->ev[n->n_ev++];
	memset(e, 0, sizeof(*e));
	e->spi_in = spi_in;
	e->spi_out = spi_out;
}

static void h_state(void *arg, const char *tunnel, enum ike_tunnel_state st,
		    const char *reason)
{
	struct h_node *n = arg;
	(void)tunnel;
	n->state = st;
	n->state_changes++;
	strncpy(n->reason, reason, sizeof(n->reason) - 1);
}

static const struct ike_hooks h_hooks = {
	.child_up = h_child_up,
	.child_down = h_child_down,
	.tunnel_state = h_state,
};

/* Deterministic but distinct per node: an xorshift per node. */
static uint64_t rng_state[H_NODES];

static bool h_rng(void *arg, void *buf, size_t len)
{
	uint64_t *s = arg;
	uint8_t *b = buf;
	for (size_t i = 0; i < len; i++) {
		*s ^= *s << 13;
		*s ^= *s >> 7;
		*s ^= *s << 17;
		b[i] = (uint8_t)(*s >> 24);
	}
	return true;
}

void h_init(struct h_world *w)
{
	memset(w, 0, sizeof(*w));
	cur = w;
	q_head = q_len = 0;
	clock_fake_init(&w->clk, 1000 * VTIME_NS_PER_S);
	w->loop = loop_new(&w->clk);
	assert_non_null(w->loop);
	for (int i = 0; i < H_NODES; i++) {
		struct h_node *n = &w->node[i];
		n->addr = ip_addr_v4(0x0a000001u + (uint32_t)i);
		n->ike = ike_new(w->loop, &h_io, &h_hooks, n);
		assert_non_null(n->ike);
		rng_state[i] = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
		w->allow_from[i] = -1;
		struct ike_seams s = { .rng = h_rng, .arg = &rng_state[i] };
		ike_set_seams(n->ike, &s);
	}
}

void h_fini(struct h_world *w)
{
	for (int i = 0; i < H_NODES; i++)
		ike_free(w->node[i].ike);
	while (q_len) {
		free(queue[q_head].data);
		q_head = (q_head + 1) % H_QUEUE;
		q_len--;
	}
	loop_free(w->loop);
	cur = NULL;
}

void h_config(struct h_world *w, int a, int b, struct ike_tunnel_config *c,
	      const char *psk)
{
	static struct secret *keep[8];
	static size_t n_keep;
	ike_tunnel_config_defaults(c);
	strcpy(c->name, "t");
	c->local = w->node[a].addr;
	c->remote = w->node[b].addr;
	if (n_keep == 8) {
		for (size_t i = 0; i < 8; i++)
			secret_free(keep[i]);
		n_keep = 0;
	}
	c->psk = keep[n_keep++] = secret_from_str(psk);
	c->initiation = IKE_INIT_ADD;
	c->dpd_interval_s = 0;
	c->rekey_fuzz_pct = 0;
}

void h_pump(struct h_world *w)
{
	for (int guard = 0; q_len > 0 && guard < 10000; guard++) {
		struct h_pkt p = queue[q_head];
		q_head = (q_head + 1) % H_QUEUE;
		q_len--;
		if (p.to >= 0)
			ike_input(w->node[p.to].ike, &p.local, &p.remote, p.data,
				  p.len);
		free(p.data);
		loop_run_once(w->loop, 0);
	}
}

void h_run(struct h_world *w, int64_t ms)
{
	h_pump(w);
	for (int64_t t = 0; t < ms; t += 100) {
		clock_fake_advance(&w->clk, 100 * VTIME_NS_PER_MS);
		loop_run_once(w->loop, 0);
		h_pump(w);
	}
}

int h_children(const struct h_node *n)
{
	int c = 0;
	for (size_t i = 0; i < n->n_ev; i++)
		c += n->ev[i].up ? 1 : -1;
	return c;
}

int h_ike_sas(struct ike *ike)
{
	int c = 0;
	for (struct ike_sa *sa = ike->sas; sa != NULL; sa = sa->next)
		c += sa->state != IKE_SA_DEAD;
	return c;
}

static struct json_object *first_tunnel(struct json_object *arr)
{
	return json_object_array_length(arr) ? json_object_array_get_idx(arr, 0)
					     : NULL;
}

long h_json_int(struct ike *ike, const char *field)
{
	struct json_object *arr = ike_tunnels_json(ike), *t = first_tunnel(arr);
	struct json_object *v;
	long r = -1;
	if (t != NULL && json_object_object_get_ex(t, field, &v))
		r = (long)json_object_get_int64(v);
	json_object_put(arr);
	return r;
}

void h_json_str(struct ike *ike, const char *field, char *buf, size_t size)
{
	struct json_object *arr = ike_tunnels_json(ike), *t = first_tunnel(arr);
	struct json_object *v;
	buf[0] = '\0';
	if (t != NULL && json_object_object_get_ex(t, field, &v))
		snprintf(buf, size, "%s", json_object_to_json_string(v));
	json_object_put(arr);
}

int h_last_event(const struct h_node *n, bool up)
{
	int idx = -1;
	for (size_t i = 0; i < n->n_ev; i++)
		if (n->ev[i].up == up)
			idx = (int)i;
	return idx;
}
