/*
 * UPDATE path fuzzer: input[0] selects the session context (4-octet AS,
 * eBGP/iBGP, IPv6), the rest is an UPDATE body fed through the speaker's
 * import path: RFC 7606 decoding, import policy, interning, the RIB and
 * the decision process. Properties checked:
 *  - attributes that decode cleanly re-encode and decode to equal sets
 *    (both 4-octet and 2-octet encodings);
 *  - after withdrawing everything, no route, path or attribute set leaks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bgp_attr_buf scratch, scratch2;

static void reencode(const struct bgp_attrs *a, bool as4)
{
	uint8_t body[8192];
	struct wr w;
	wr_init(&w, body + 4, sizeof(body) - 8);
	if (!bgp_attrs_encode(&w, a, as4) || wr_len(&w) > 4000)
		return;
	size_t al = wr_len(&w);
	body[0] = body[1] = 0;
	body[2] = (uint8_t)(al >> 8);
	body[3] = (uint8_t)al;
	body[4 + al] = 8; /* NLRI 10.0.0.0/8 so mandatory checks apply */
	body[5 + al] = 10;
	struct rd r;
	rd_init(&r, body, al + 6);
	struct bgp_decode_ctx ctx = { .as4 = as4, .ebgp = false, .peer_as = 1 };
	struct bgp_update u;
	bgp_update_decode(&r, &ctx, &scratch2, &u);
	if (u.disp.kind != BGP_OK)
		abort();
	if (!bgp_attrs_equal(&u.attrs, a))
		abort();
}

static struct loop *g_loop;
static struct bgp *g_bgp;
static struct clock g_clk;

static void init(void)
{
	vlog_init("fuzz", VLOG_ERR, false);
	clock_fake_init(&g_clk, 0);
	g_loop = loop_new(&g_clk);
	struct bgp_config cfg = { .asn = 65000, .port = 0, .multipath = true };
	ip_addr_parse("1.1.1.1", &cfg.router_id);
	g_bgp = bgp_new(g_loop, &cfg, NULL, NULL);
	struct bgp_peer_config pc = { .name = "f", .remote_as = 65001,
				      .passive = true, .disabled = true,
				      .ipv6 = true };
	ip_addr_parse("192.0.2.1", &pc.remote);
	pc.import.set_med = true;
	pc.max_prefix.limit = 50;
	pc.max_prefix.action = BGP_MAXPFX_WARN;
	if (bgp_peer_add(g_bgp, &pc) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (g_bgp == NULL)
		init();
	if (size < 1 || size > BGP_MAX_MSG)
		return 0;
	uint8_t mode = data[0];
	struct rd r;
	rd_init(&r, data + 1, size - 1);
	struct bgp_decode_ctx ctx = { .as4 = mode & 1, .ebgp = mode & 2,
				      .peer_as = 65001, .v6 = true };
	struct bgp_update u;
	bgp_update_decode(&r, &ctx, &scratch, &u);
	if (u.disp.kind == BGP_OK && u.attrs.aspath_len > 0) {
		struct bgp_attrs a = u.attrs;
		a.flags &= (uint8_t)~BGP_A_ORIGINATOR; /* never encoded */
		a.originator_id = 0;
		memset(&a.nexthop_ll, 0, sizeof(a.nexthop_ll));
		if (a.nexthop.family == AF_INET && !(a.flags & BGP_A_LOCAL_PREF)) {
			a.flags |= BGP_A_LOCAL_PREF; /* iBGP decode needs it */
			reencode(&a, true);
			reencode(&a, false);
		}
	}
	/* The import path of an Established eBGP or iBGP peer. */
	struct bgp_peer *p = bgp_peer_by_name(g_bgp, "f");
	p->state = BGP_ESTABLISHED;
	p->as4 = mode & 1;
	p->ebgp = mode & 2;
	p->v4 = p->v6 = true;
	rd_init(&r, data + 1, size - 1);
	bgp_import_update(p, &r);
	p->state = BGP_ESTABLISHED;
	bgp_import_flush_peer(p, 0);
	bgp_gc_run(g_bgp);
	if (bgp_route_count(g_bgp) != 0 || g_bgp->rib.paths.in_use != 0 ||
	    g_bgp->rib.attrs.count != 2 /* the two local sets */)
		abort();
	p->state = BGP_IDLE;
	return 0;
}
