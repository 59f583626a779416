/*
 * Kernel nexthop objects (RTM_NEWNEXTHOP, Linux >= 5.3), used when
 * route_fib_config.nexthop_objects is set.
 *
 * Every distinct (family, gateway, ifindex) becomes one object, every
 * distinct ECMP set (member ids + weights) one group object, and routes carry
 * only RTA_NH_ID. The kernel then no longer builds and deduplicates nexthop
 * state per route (about 20% of its install cost), re-announcing a route with
 * the same set is nearly free, and a tunnel is withdrawn from every route at
 * once by deleting its nexthop object: the kernel drops it from each group,
 * deletes a group left empty, and deletes the routes that used either.
 *
 * The registry is a small array (a gateway has a handful of tunnels, so at
 * most a few dozen objects); lookups are linear. Objects are created
 * synchronously, before the first route that uses them is queued, so the
 * kernel always knows an id before a batch references it. Objects are kept
 * until the fib is freed with flush or swept: without a per-route shadow we
 * cannot know when the last route left a group, and an unused group costs
 * the kernel a few hundred bytes.
 *
 * Message layout:
 *   struct nlmsghdr, struct nhmsg {family, 0, protocol, 0, flags 0}
 *   NHA_ID u32, then NHA_OIF u32 + [NHA_GATEWAY 4|16]       (single)
 *             or NHA_GROUP { struct nexthop_grp {id, weight-1} x n } (group)
 */
#include "route/route_priv.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "base/cursor.h"

/* "vg" in the high half: ids of other daemons (FRR: small numbers) differ. */
#define ROUTE_NH_ID_BASE 0x76670000u
#define ROUTE_NH_ID_TRIES 1000
#define ROUTE_NH_MSG 2048

void route_nhobj_init(struct route_nhreg *r, uint8_t protocol)
{
	memset(r, 0, sizeof(*r));
	r->protocol = protocol;
	r->next_id = ROUTE_NH_ID_BASE + 1;
}

size_t route_nhobj_msg(void *buf, size_t cap, uint16_t type, uint16_t flags,
		       uint8_t protocol, const struct route_nhobj *o)
{
	size_t need = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nhmsg)) +
		      3 * MNL_ATTR_HDRLEN + 16 + 8 +
		      o->n * sizeof(struct nexthop_grp);
	if (need > cap || o->n > ROUTE_NEXTHOP_MAX)
		return 0;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	struct nhmsg *nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));
	mnl_attr_put_u32(nlh, NHA_ID, o->id);
	/* A get or delete names the id only: the kernel refuses any other
	 * header field (nh_valid_get_del_req). */
	if (type == RTM_DELNEXTHOP || type == RTM_GETNEXTHOP)
		return nlh->nlmsg_len;
	nhm->nh_family = o->group ? AF_UNSPEC : o->family;
	nhm->nh_protocol = protocol;
	if (o->group) {
		struct nexthop_grp g[ROUTE_NEXTHOP_MAX];
		memset(g, 0, sizeof(g));
		for (size_t i = 0; i < o->n; i++) {
			g[i].id = o->m[i].id;
			g[i].weight = (uint8_t)(o->m[i].weight - 1);
		}
		mnl_attr_put(nlh, NHA_GROUP, o->n * sizeof(g[0]), g);
	} else {
		mnl_attr_put_u32(nlh, NHA_OIF, (uint32_t)o->hop.ifindex);
		if (ip_addr_is_set(&o->hop.gateway))
			mnl_attr_put(nlh, NHA_GATEWAY, ip_addr_len(&o->hop.gateway),
				     o->hop.gateway.a);
	}
	return nlh->nlmsg_len;
}

/* Creates o in the kernel under the first free id from r->next_id. */
static int nhobj_create(struct route_nhreg *r, struct route_nhobj *o)
{
	uint64_t buf[ROUTE_NH_MSG / sizeof(uint64_t)];
	for (int i = 0; i < ROUTE_NH_ID_TRIES; i++) {
		o->id = r->next_id++;
		if (r->next_id == 0)
			r->next_id = ROUTE_NH_ID_BASE;
		route_nhobj_msg(buf, sizeof(buf), RTM_NEWNEXTHOP,
				NLM_F_CREATE | NLM_F_EXCL, r->protocol, o);
		int rc = route_nl_request(buf);
		if (rc != -EEXIST)
			return rc;
	}
	return -EEXIST;
}

static int nhreg_append(struct route_nhreg *r, const struct route_nhobj *o)
{
	if (r->len == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct route_nhobj *v = realloc(r->v, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->len++] = *o;
	return 0;
}

static void nhreg_remove_at(struct route_nhreg *r, size_t i)
{
	free(r->v[i].m);
	r->v[i] = r->v[--r->len];
}

/* Mirrors the kernel after single object id was deleted. */
static void nhreg_forget(struct route_nhreg *r, uint32_t id)
{
	for (size_t i = r->len; i-- > 0;) {
		struct route_nhobj *o = &r->v[i];
		if (o->id == id) {
			nhreg_remove_at(r, i);
			continue;
		}
		if (!o->group)
			continue;
		size_t k = 0;
		for (size_t j = 0; j < o->n; j++)
			if (o->m[j].id != id)
				o->m[k++] = o->m[j];
		o->n = k;
		if (k == 0)
			nhreg_remove_at(r, i); /* the kernel deleted it too */
	}
}

static int resolve_single(struct route_nhreg *r, uint8_t family,
			  const struct route_nexthop *h, uint32_t *id)
{
	for (size_t i = 0; i < r->len; i++) {
		const struct route_nhobj *o = &r->v[i];
		if (!o->group && o->family == family &&
		    o->hop.ifindex == h->ifindex &&
		    ip_addr_eq(&o->hop.gateway, &h->gateway)) {
			*id = o->id;
			return 0;
		}
	}
	struct route_nhobj o = { .family = family, .hop = *h };
	o.hop.weight = 1;
	int rc = nhobj_create(r, &o);
	if (rc == 0)
		rc = nhreg_append(r, &o);
	*id = o.id;
	return rc;
}

static int member_cmp(const void *a, const void *b)
{
	const struct route_nhmember *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (int)x->weight - (int)y->weight;
}

/*
 * The kernel refuses a group listing a nexthop twice (RTA_MULTIPATH allows
 * it): sorted duplicates become one member with the summed weight, capped
 * at 256. Returns the new count.
 */
static size_t merge_duplicates(struct route_nhmember *m, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && m[k - 1].id == m[i].id) {
			unsigned w = m[k - 1].weight + m[i].weight;
			m[k - 1].weight = (uint16_t)(w > 256 ? 256 : w);
		} else {
			m[k++] = m[i];
		}
	}
	return k;
}

static bool same_members(const struct route_nhobj *o,
			 const struct route_nhmember *m, size_t n)
{
	return o->group && o->n == n && memcmp(o->m, m, n * sizeof(*m)) == 0;
}

/*
 * The kernel deletes nexthop objects on its own when their device goes down
 * or away (and a group with its last member). Called after a failure that
 * may be due to that: forgets every object the kernel no longer has, so the
 * next resolve recreates it. One GET per object; the registry is small.
 */
void route_nhobj_revalidate(struct route_nhreg *r)
{
	uint64_t buf[ROUTE_NH_MSG / sizeof(uint64_t)];
	r->suspect = false;
	for (size_t i = r->len; i-- > 0;) {
		if (i >= r->len)
			continue;
		struct route_nhobj o = { .id = r->v[i].id };
		route_nhobj_msg(buf, sizeof(buf), RTM_GETNEXTHOP, 0, 0, &o);
		if (route_nl_request(buf) == -ENOENT)
			nhreg_forget(r, o.id);
	}
}

static int resolve_group(struct route_nhreg *r, uint8_t family,
			 const struct route_nexthop *nh, size_t n, uint32_t *id);

int route_nhobj_resolve(struct route_nhreg *r, uint8_t family,
			const struct route_nexthop *nh, size_t n, uint32_t *id)
{
	if (r->suspect)
		route_nhobj_revalidate(r);
	int rc = n == 1 ? resolve_single(r, family, &nh[0], id)
			: resolve_group(r, family, nh, n, id);
	if (rc == -EINVAL || rc == -ENOENT) {
		/* Maybe a member we know was deleted by the kernel: retry once. */
		route_nhobj_revalidate(r);
		rc = n == 1 ? resolve_single(r, family, &nh[0], id)
			    : resolve_group(r, family, nh, n, id);
	}
	return rc;
}

static int resolve_group(struct route_nhreg *r, uint8_t family,
			 const struct route_nexthop *nh, size_t n, uint32_t *id)
{
	struct route_nhmember m[ROUTE_NEXTHOP_MAX];
	memset(m, 0, sizeof(m));
	for (size_t i = 0; i < n; i++) {
		int rc = resolve_single(r, family, &nh[i], &m[i].id);
		if (rc < 0)
			return rc;
		m[i].weight = nh[i].weight ? nh[i].weight : 1;
	}
	qsort(m, n, sizeof(m[0]), member_cmp);
	n = merge_duplicates(m, n);
	if (n == 1) {
		*id = m[0].id; /* the same nexthop listed twice: single path */
		return 0;
	}
	for (size_t i = 0; i < r->len; i++) {
		if (r->v[i].family == family && same_members(&r->v[i], m, n)) {
			*id = r->v[i].id;
			return 0;
		}
	}
	struct route_nhobj o = { .family = family, .group = true, .n = n };
	o.m = malloc(n * sizeof(*o.m));
	if (o.m == NULL)
		return -ENOMEM;
	memcpy(o.m, m, n * sizeof(*m));
	int rc = nhobj_create(r, &o);
	if (rc == 0)
		rc = nhreg_append(r, &o);
	if (rc < 0)
		free(o.m);
	*id = o.id;
	return rc;
}

const struct route_nhobj *route_nhobj_find(const struct route_nhreg *r,
					   uint32_t id)
{
	for (size_t i = 0; i < r->len; i++)
		if (r->v[i].id == id)
			return &r->v[i];
	return NULL;
}

size_t route_nhobj_expand(const struct route_nhreg *r, uint32_t id,
			  struct route_nexthop *out)
{
	const struct route_nhobj *o = route_nhobj_find(r, id);
	if (o == NULL)
		return 0;
	if (!o->group) {
		out[0] = o->hop;
		return 1;
	}
	size_t n = 0;
	for (size_t i = 0; i < o->n; i++) {
		const struct route_nhobj *s = route_nhobj_find(r, o->m[i].id);
		if (s == NULL)
			continue;
		out[n] = s->hop;
		out[n++].weight = o->m[i].weight;
	}
	return n;
}

long route_nhobj_withdraw_ifindex(struct route_nhreg *r, int ifindex)
{
	uint64_t buf[ROUTE_NH_MSG / sizeof(uint64_t)];
	uint32_t *ids = malloc((r->len + 1) * sizeof(*ids));
	size_t n = 0;
	if (ids == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < r->len; i++)
		if (!r->v[i].group && r->v[i].hop.ifindex == ifindex)
			ids[n++] = r->v[i].id;
	long rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct route_nhobj o = { .id = ids[i] };
		route_nhobj_msg(buf, sizeof(buf), RTM_DELNEXTHOP, 0, r->protocol, &o);
		int e = route_nl_request(buf);
		if (e < 0 && e != -ENOENT) {
			rc = e;
			break;
		}
		nhreg_forget(r, ids[i]);
		rc++;
	}
	free(ids);
	return rc;
}

/* ---- sweep: every nexthop object of our protocol, ours or stale ---- */

struct nh_sweep {
	uint8_t protocol;
	uint32_t *ids;
	size_t len, cap;
	bool oom;
};

static int nh_dump_msg(const struct nlmsghdr *nlh, void *data)
{
	struct nh_sweep *s = data;
	struct nhmsg nhm;
	struct rd r;
	rd_init(&r, mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh));
	if (nlh->nlmsg_type != RTM_NEWNEXTHOP || !rd_bytes(&r, &nhm, sizeof(nhm)) ||
	    nhm.nh_protocol != s->protocol)
		return MNL_CB_OK;
	const void *attrs = rd_cur(&r);
	size_t alen = rd_left(&r);
	const struct nlattr *attr; /* the name mnl_attr_for_each_payload uses */
	mnl_attr_for_each_payload(attrs, alen) {
		if (mnl_attr_get_type(attr) != NHA_ID ||
		    mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			continue;
		if (s->len == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 64;
			uint32_t *v = realloc(s->ids, cap * sizeof(*v));
			if (v == NULL) {
				s->oom = true;
				return MNL_CB_STOP;
			}
			s->ids = v;
			s->cap = cap;
		}
		s->ids[s->len++] = mnl_attr_get_u32(attr);
	}
	return MNL_CB_OK;
}

/* Collects the ids of every kernel nexthop of our protocol into s. */
static long nh_collect_ours(struct route_nhreg *r, struct nh_sweep *s)
{
	uint64_t buf[ROUTE_NH_MSG / sizeof(uint64_t)];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETNEXTHOP;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	struct nhmsg *nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));
	nhm->nh_family = AF_UNSPEC;
	s->protocol = r->protocol;
	long rc = route_nl_dump(buf, false, nh_dump_msg, s);
	if (rc == -EINVAL || rc == -EOPNOTSUPP)
		rc = 0; /* kernel without nexthop objects: nothing there */
	return rc < 0 ? rc : (s->oom ? -ENOMEM : (long)s->len);
}

long route_nhobj_count(struct route_nhreg *r)
{
	struct nh_sweep s = { 0 };
	long rc = nh_collect_ours(r, &s);
	free(s.ids);
	return rc;
}

long route_nhobj_sweep(struct route_nhreg *r)
{
	uint64_t buf[ROUTE_NH_MSG / sizeof(uint64_t)];
	struct nh_sweep s = { 0 };
	long rc = nh_collect_ours(r, &s);
	if (rc > 0)
		rc = 0;
	for (size_t i = 0; rc >= 0 && i < s.len; i++) {
		struct route_nhobj o = { .id = s.ids[i] };
		route_nhobj_msg(buf, sizeof(buf), RTM_DELNEXTHOP, 0, r->protocol, &o);
		int e = route_nl_request(buf);
		/* Deleting a member may already have deleted its group. */
		if (e < 0 && e != -ENOENT)
			rc = e;
		else
			rc++;
	}
	free(s.ids);
	route_nhobj_clear(r);
	return rc;
}

void route_nhobj_clear(struct route_nhreg *r)
{
	while (r->len > 0)
		nhreg_remove_at(r, r->len - 1);
	free(r->v);
	r->v = NULL;
	r->cap = 0;
}
