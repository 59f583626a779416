/*
 * rtnetlink route messages: encoder and bounded decoder side by side.
 *
 *   struct nlmsghdr   len, RTM_NEWROUTE|RTM_DELROUTE, flags, seq, pid
 *   struct rtmsg      family, dst_len, 0, 0, table (<256 or COMPAT),
 *                     protocol, scope, type UNICAST, flags 0
 *   RTA_TABLE   u32   (always, so tables >= 256 work)
 *   RTA_DST     4|16 bytes
 *   RTA_PRIORITY u32  (the metric; part of the route's key)
 *   single path:  RTA_OIF u32, [RTA_GATEWAY 4|16]
 *   nexthop object: RTA_NH_ID u32 (kernel >= 5.3; see nhobj.c)
 *   ECMP:         RTA_MULTIPATH { struct rtnexthop {len, flags, hops =
 *                 weight-1, ifindex}, [RTA_GATEWAY] } x n
 *
 * A delete carries the key only (table, dst, priority, protocol): the kernel
 * then removes the route of that key with our protocol, every ECMP member
 * at once, and never a route someone else installed.
 */
#include "route/route_priv.h"

#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "base/cursor.h"

static size_t attr_size(size_t payload)
{
	return MNL_ATTR_HDRLEN + MNL_ALIGN(payload);
}

int route_msg_check(const struct ip_prefix *p, const struct route_nexthop *nh,
		    size_t n)
{
	size_t alen = ip_addr_len(&p->addr);
	if (alen == 0 || p->len > alen * 8 || !ip_prefix_is_canonical(p))
		return -EINVAL;
	if (n > ROUTE_NEXTHOP_MAX || (n > 0 && nh == NULL))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (nh[i].ifindex <= 0 || nh[i].weight > 256)
			return -EINVAL;
		if (ip_addr_is_set(&nh[i].gateway) &&
		    nh[i].gateway.family != p->addr.family)
			return -EAFNOSUPPORT;
	}
	return 0;
}

static size_t nexthop_attrs_size(const struct route_nexthop *h)
{
	size_t sz = 0;
	if (ip_addr_is_set(&h->gateway))
		sz += attr_size(ip_addr_len(&h->gateway));
	return sz;
}

size_t route_msg_size(const struct ip_prefix *p,
		      const struct route_nexthop *nh, size_t n, uint32_t nh_id)
{
	size_t sz = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct rtmsg));
	sz += attr_size(sizeof(uint32_t)) * 2; /* table, priority */
	sz += attr_size(ip_addr_len(&p->addr));
	if (n > 0 && nh_id != 0) {
		sz += attr_size(sizeof(uint32_t));
	} else if (n == 1) {
		sz += attr_size(sizeof(uint32_t)) + nexthop_attrs_size(&nh[0]);
	} else if (n > 1) {
		sz += MNL_ATTR_HDRLEN;
		for (size_t i = 0; i < n; i++)
			sz += RTNH_ALIGN(sizeof(struct rtnexthop)) +
			      nexthop_attrs_size(&nh[i]);
	}
	return sz;
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type,
		     const struct ip_addr *a)
{
	mnl_attr_put(nlh, type, ip_addr_len(a), a->a);
}

/* Appends one struct rtnexthop and its attributes inside RTA_MULTIPATH. */
static void put_rtnexthop(struct nlmsghdr *nlh, const struct route_nexthop *h)
{
	struct rtnexthop *rtnh = mnl_nlmsg_get_payload_tail(nlh);
	size_t start = nlh->nlmsg_len;
	memset(rtnh, 0, sizeof(*rtnh));
	rtnh->rtnh_hops = (uint8_t)((h->weight ? h->weight : 1) - 1);
	rtnh->rtnh_ifindex = h->ifindex;
	nlh->nlmsg_len += RTNH_ALIGN(sizeof(*rtnh));
	if (ip_addr_is_set(&h->gateway))
		put_addr(nlh, RTA_GATEWAY, &h->gateway);
	rtnh->rtnh_len = (unsigned short)(nlh->nlmsg_len - start);
}

static bool any_gateway(const struct route_nexthop *nh, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ip_addr_is_set(&nh[i].gateway))
			return true;
	return false;
}

size_t route_msg_build(void *buf, size_t cap, const struct route_msg_key *k,
		       const struct ip_prefix *p,
		       const struct route_nexthop *nh, size_t n, uint32_t nh_id,
		       uint32_t seq, bool ack)
{
	if (route_msg_check(p, nh, n) < 0 ||
	    route_msg_size(p, nh, n, nh_id) > cap)
		return 0;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = n > 0 ? RTM_NEWROUTE : RTM_DELROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | (ack ? NLM_F_ACK : 0);
	if (n > 0)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
	nlh->nlmsg_seq = seq;

	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = p->addr.family;
	rtm->rtm_dst_len = p->len;
	rtm->rtm_table = k->table < 256 ? (uint8_t)k->table : RT_TABLE_COMPAT;
	rtm->rtm_protocol = k->protocol;
	rtm->rtm_type = RTN_UNICAST;
	/* Device-only routes are on-link (scope link), as ip(8) does. */
	rtm->rtm_scope = n > 0 && !any_gateway(nh, n) ? RT_SCOPE_LINK
						      : RT_SCOPE_UNIVERSE;
	if (n == 0)
		rtm->rtm_scope = RT_SCOPE_NOWHERE;

	mnl_attr_put_u32(nlh, RTA_TABLE, k->table);
	put_addr(nlh, RTA_DST, &p->addr);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, k->metric);
	if (n > 0 && nh_id != 0) {
		mnl_attr_put_u32(nlh, RTA_NH_ID, nh_id);
	} else if (n == 1) {
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)nh[0].ifindex);
		if (ip_addr_is_set(&nh[0].gateway))
			put_addr(nlh, RTA_GATEWAY, &nh[0].gateway);
	} else if (n > 1) {
		struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
		for (size_t i = 0; i < n; i++)
			put_rtnexthop(nlh, &nh[i]);
		mnl_attr_nest_end(nlh, mp);
	}
	return nlh->nlmsg_len;
}

size_t route_msg_dump_request(void *buf, size_t cap, uint8_t family,
			      uint32_t table, uint8_t protocol, uint32_t seq)
{
	size_t need = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct rtmsg)) +
		      attr_size(sizeof(uint32_t));
	if (need > cap)
		return 0;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_COMPAT;
	rtm->rtm_protocol = protocol;
	/* With NETLINK_GET_STRICT_CHK the kernel filters on these. */
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	return nlh->nlmsg_len;
}

/* ---- decoder ---- */

struct attr_table {
	const struct nlattr *tb[RTA_MAX + 1];
	bool bad;
};

static int attr_collect(const struct nlattr *a, void *data)
{
	struct attr_table *t = data;
	uint16_t type = mnl_attr_get_type(a);
	if (type > RTA_MAX)
		return MNL_CB_OK;
	/* Fixed-size attributes must be exactly their size. */
	if ((type == RTA_TABLE || type == RTA_PRIORITY || type == RTA_OIF ||
	     type == RTA_NH_ID) &&
	    mnl_attr_validate(a, MNL_TYPE_U32) < 0) {
		t->bad = true;
		return MNL_CB_ERROR;
	}
	t->tb[type] = a;
	return MNL_CB_OK;
}

/* Parses the attributes in r (a bounded region) into t. */
static int parse_attrs(struct rd *r, struct attr_table *t)
{
	memset(t, 0, sizeof(*t));
	if (rd_left(r) == 0)
		return 0;
	if (mnl_attr_parse_payload(rd_cur(r), rd_left(r), attr_collect, t) !=
		    MNL_CB_OK || t->bad)
		return -EBADMSG;
	return 0;
}

static int get_addr(const struct nlattr *a, uint8_t family,
		    struct ip_addr *out)
{
	size_t alen = family == AF_INET ? 4 : 16;
	memset(out, 0, sizeof(*out));
	if (mnl_attr_get_payload_len(a) != alen)
		return -EBADMSG;
	out->family = family;
	memcpy(out->a, mnl_attr_get_payload(a), alen);
	return 0;
}

static int parse_multipath(const struct nlattr *mp, uint8_t family,
			   struct route_entry *e)
{
	struct rd r;
	rd_init(&r, mnl_attr_get_payload(mp), mnl_attr_get_payload_len(mp));
	while (!rd_done(&r)) {
		struct rtnexthop rtnh;
		struct rd body;
		if (!rd_bytes(&r, &rtnh, sizeof(rtnh)) ||
		    rtnh.rtnh_len < sizeof(rtnh) ||
		    !rd_sub(&r, rtnh.rtnh_len - sizeof(rtnh), &body))
			return -EBADMSG;
		/* Padding up to the next rtnexthop, if any is left. */
		size_t pad = RTNH_ALIGN(rtnh.rtnh_len) - rtnh.rtnh_len;
		if (!rd_skip(&r, pad < rd_left(&r) ? pad : rd_left(&r)))
			return -EBADMSG;
		if (e->n_nexthops == ROUTE_NEXTHOP_MAX)
			return -ENOTSUP;
		struct route_nexthop *h = &e->nexthops[e->n_nexthops++];
		h->ifindex = rtnh.rtnh_ifindex;
		h->weight = (uint16_t)(rtnh.rtnh_hops + 1);
		struct attr_table t;
		if (parse_attrs(&body, &t) < 0)
			return -EBADMSG;
		if (t.tb[RTA_VIA])
			return -ENOTSUP;
		if (t.tb[RTA_GATEWAY] &&
		    get_addr(t.tb[RTA_GATEWAY], family, &h->gateway) < 0)
			return -EBADMSG;
	}
	return 0;
}

static int parse_route_attrs(struct attr_table *t, const struct rtmsg *rtm,
			     struct route_entry *e)
{
	uint8_t fam = rtm->rtm_family;
	e->table = t->tb[RTA_TABLE] ? mnl_attr_get_u32(t->tb[RTA_TABLE])
				    : rtm->rtm_table;
	e->metric = t->tb[RTA_PRIORITY] ? mnl_attr_get_u32(t->tb[RTA_PRIORITY])
					: 0;
	if (t->tb[RTA_DST]) {
		if (get_addr(t->tb[RTA_DST], fam, &e->prefix.addr) < 0)
			return -EBADMSG;
	} else {
		e->prefix.addr.family = fam; /* default route */
	}
	if (t->tb[RTA_VIA])
		return -ENOTSUP;
	/* Nexthop-object routes may also carry the expanded nexthops
	 * (net.ipv4.nexthop_compat_mode); both are decoded. */
	if (t->tb[RTA_NH_ID])
		e->nh_id = mnl_attr_get_u32(t->tb[RTA_NH_ID]);
	if (t->tb[RTA_MULTIPATH])
		return parse_multipath(t->tb[RTA_MULTIPATH], fam, e);
	if (t->tb[RTA_OIF] || t->tb[RTA_GATEWAY]) {
		struct route_nexthop *h = &e->nexthops[0];
		e->n_nexthops = 1;
		h->weight = 1;
		if (t->tb[RTA_OIF])
			h->ifindex = (int)mnl_attr_get_u32(t->tb[RTA_OIF]);
		if (t->tb[RTA_GATEWAY] &&
		    get_addr(t->tb[RTA_GATEWAY], fam, &h->gateway) < 0)
			return -EBADMSG;
	}
	return 0;
}

int route_msg_parse(const void *msg, size_t len, struct route_entry *e)
{
	struct rd r, body;
	struct nlmsghdr nlh;
	struct rtmsg rtm;
	memset(e, 0, sizeof(*e));
	rd_init(&r, msg, len);
	if (!rd_bytes(&r, &nlh, sizeof(nlh)) || nlh.nlmsg_len < sizeof(nlh) ||
	    !rd_sub(&r, nlh.nlmsg_len - sizeof(nlh), &body))
		return -EBADMSG;
	if (nlh.nlmsg_type != RTM_NEWROUTE && nlh.nlmsg_type != RTM_DELROUTE)
		return -ENOTSUP;
	if (!rd_bytes(&body, &rtm, sizeof(rtm)))
		return -EBADMSG;
	if (rtm.rtm_family != AF_INET && rtm.rtm_family != AF_INET6)
		return -ENOTSUP;
	if (rtm.rtm_dst_len > (rtm.rtm_family == AF_INET ? 32 : 128))
		return -EBADMSG;
	e->prefix.len = rtm.rtm_dst_len;
	e->protocol = rtm.rtm_protocol;
	struct attr_table t;
	if (parse_attrs(&body, &t) < 0)
		return -EBADMSG;
	return parse_route_attrs(&t, &rtm, e);
}
