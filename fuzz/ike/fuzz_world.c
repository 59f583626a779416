/*
 * The fuzzers' two-endpoint world (see fuzz_world.h).
 */
#include "fuzz_world.h"

#include <stdlib.h>
#include <string.h>

struct fw_pkt {
	int to;
	struct ike_endpoint local, remote;
	uint8_t *data;
	size_t len;
};

#define FW_QUEUE 64
static struct fw_pkt fw_q[FW_QUEUE];
static size_t fw_n;
static struct fw *fw_cur;

static int fw_send(void *arg, const struct ike_endpoint *local,
		   const struct ike_endpoint *remote, const uint8_t *pkt,
		   size_t len)
{
	(void)arg;
	if (fw_n == FW_QUEUE || fw_cur == NULL)
		return 0;
	struct fw_pkt *p = &fw_q[fw_n];
	p->to = ip_addr_eq(&remote->addr, &fw_cur->addr[0]) ? 0 : 1;
	p->local = *remote;
	p->remote = *local;
	p->data = malloc(len);
	if (p->data == NULL)
		return 0;
	memcpy(p->data, pkt, len);
	p->len = len;
	fw_n++;
	return 0;
}

static const struct ike_io fw_io = { fw_send };
static const struct ike_hooks fw_hooks = { 0 };

static bool fw_rng(void *arg, void *buf, size_t len)
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

struct fw *fw_new(void)
{
	struct fw *w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	fw_cur = w;
	vlog_init("fuzz", getenv("FW_DEBUG") ? VLOG_DEBUG : VLOG_ERR, false);
	clock_fake_init(&w->clk, 1000 * VTIME_NS_PER_S);
	w->loop = loop_new(&w->clk);
	static struct secret *psk;
	if (psk == NULL)
		psk = secret_from_str("fuzz-psk-0123456789");
	w->addr[0] = ip_addr_v4(0x0a000001u);
	w->addr[1] = ip_addr_v4(0x0a000002u);
	for (int i = 0; i < 2; i++) {
		w->ike[i] = ike_new(w->loop, &fw_io, &fw_hooks, w);
		w->rng[i] = 0x1234567ull * (uint64_t)(i + 3);
		struct ike_seams s = { .rng = fw_rng, .arg = &w->rng[i] };
		ike_set_seams(w->ike[i], &s);
		struct ike_tunnel_config c;
		ike_tunnel_config_defaults(&c);
		strcpy(c.name, "f");
		c.local = w->addr[i];
		c.remote = w->addr[1 - i];
		c.psk = psk;
		c.initiation = IKE_INIT_ADD;
		c.n_ike = 1;
		c.ike[0] = (struct ike_ike_proposal){ 20, 128, 0, 5, 19 };
		c.n_esp = 1;
		c.esp[0] = (struct ike_esp_proposal){ 20, 128, 0, 19, 0 };
		if (ike_tunnel_add(w->ike[i], &c) != 0)
			abort();
	}
	return w;
}

void fw_pump(struct fw *w)
{
	for (int guard = 0; fw_n > 0 && guard < 64; guard++) {
		struct fw_pkt p = fw_q[0];
		memmove(fw_q, fw_q + 1, (fw_n - 1) * sizeof(fw_q[0]));
		fw_n--;
		ike_input(w->ike[p.to], &p.local, &p.remote, p.data, p.len);
		free(p.data);
		loop_run_once(w->loop, 0);
	}
}

bool fw_establish(struct fw *w)
{
	ike_tunnel_initiate(w->ike[0], "f");
	fw_pump(w);
	return ike_tunnel_get_state(w->ike[0], "f") == IKE_TUNNEL_UP &&
	       ike_tunnel_get_state(w->ike[1], "f") == IKE_TUNNEL_UP;
}

static void fw_deliver_one(struct fw *w)
{
	struct fw_pkt p = fw_q[0];
	memmove(fw_q, fw_q + 1, (fw_n - 1) * sizeof(fw_q[0]));
	fw_n--;
	ike_input(w->ike[p.to], &p.local, &p.remote, p.data, p.len);
	free(p.data);
}

bool fw_half_open(struct fw *w)
{
	ike_tunnel_initiate(w->ike[0], "f");
	for (int i = 0; i < 2 && fw_n > 0; i++)
		fw_deliver_one(w);
	while (fw_n > 0)
		free(fw_q[--fw_n].data);
	struct ike_sa *a = w->ike[0]->sas;
	return a != NULL && a->state == IKE_SA_AUTH_SENT;
}

void fw_input(struct fw *w, const uint8_t *pkt, size_t len)
{
	struct ike_endpoint l = { w->addr[1], IKE_PORT };
	struct ike_endpoint r = { w->addr[0], IKE_PORT };
	ike_input(w->ike[1], &l, &r, pkt, len);
	loop_run_once(w->loop, 0);
}

void fw_free(struct fw *w)
{
	if (w == NULL)
		return;
	while (fw_n > 0)
		free(fw_q[--fw_n].data);
	ike_free(w->ike[0]);
	ike_free(w->ike[1]);
	loop_free(w->loop);
	fw_cur = NULL;
	free(w);
}
