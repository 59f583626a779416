/*
 * Unit tests for the rtnetlink route codec (src/route/msg.c).
 *
 * Built messages are parsed back with libmnl's own attribute walker (not
 * with our decoder) and every attribute is asserted; then our decoder must
 * give back what was encoded. Malformed and truncated input must be refused
 * without reading out of bounds (run under ASan too).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "route/route_priv.h"

#define MAX_NH 4

struct build_case {
	const char *name;
	uint32_t table;
	uint32_t metric;
	const char *prefix;
	uint32_t nh_id; /* != 0: route points at a kernel nexthop object */
	size_t n;
	struct {
		const char *gw; /* NULL: device only */
		int ifindex;
		uint16_t weight;
	} nh[MAX_NH];
};

static const struct build_case build_cases[] = {
	{ "v4 single via", 254, 0, "10.2.0.0/16", 0, 1, { { "169.254.21.1", 7, 0 } } },
	{ "v4 single p2p", 254, 100, "10.2.0.0/16", 0, 1, { { NULL, 9, 0 } } },
	{ "v4 ecmp 4", 254, 0, "10.2.0.0/16", 0, 4,
	  { { "169.254.21.1", 3, 1 }, { "169.254.22.1", 4, 1 },
	    { "169.254.21.5", 5, 2 }, { "169.254.22.5", 6, 256 } } },
	{ "v4 ecmp p2p", 254, 0, "10.2.0.0/16", 0, 2, { { NULL, 3, 1 }, { NULL, 4, 1 } } },
	{ "v4 default", 254, 0, "0.0.0.0/0", 0, 1, { { "192.0.2.1", 2, 0 } } },
	{ "v4 table 1000", 1000, 5, "198.51.100.7/32", 0, 1, { { "192.0.2.1", 2, 0 } } },
	{ "v6 single via", 254, 1024, "2001:db8:10::/48", 0, 1, { { "fe80::1", 2, 0 } } },
	{ "v6 ecmp 2", 254, 0, "2001:db8::/32", 0, 2,
	  { { "fd00::2", 2, 1 }, { "fd00:1::2", 3, 3 } } },
	{ "v4 nexthop object", 254, 0, "10.4.0.0/16", 0x5647, 2,
	  { { "192.0.2.1", 2, 1 }, { "192.0.2.9", 3, 1 } } },
	{ "v6 nexthop object", 254, 0, "2001:db8:4::/48", 9, 1, { { "fd00::1", 2, 0 } } },
	{ "v4 delete", 254, 0, "10.1.0.0/16", 0, 0, { { NULL, 0, 0 } } },
	{ "v6 delete", 100, 0, "2001:db8::/32", 0, 0, { { NULL, 0, 0 } } },
};

static void case_nexthops(const struct build_case *c, struct route_nexthop *nh)
{
	memset(nh, 0, sizeof(*nh) * MAX_NH);
	for (size_t i = 0; i < c->n; i++) {
		if (c->nh[i].gw)
			assert_true(ip_addr_parse(c->nh[i].gw, &nh[i].gateway));
		nh[i].ifindex = c->nh[i].ifindex;
		nh[i].weight = c->nh[i].weight;
	}
}

struct mnl_tb {
	const struct nlattr *tb[RTA_MAX + 1];
};

static int collect(const struct nlattr *a, void *data)
{
	struct mnl_tb *t = data;
	if (mnl_attr_type_valid(a, RTA_MAX) > 0)
		t->tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static void assert_addr_attr(const struct nlattr *a, const struct ip_addr *want)
{
	assert_non_null(a);
	assert_int_equal(mnl_attr_get_payload_len(a), ip_addr_len(want));
	assert_memory_equal(mnl_attr_get_payload(a), want->a, ip_addr_len(want));
}

/* Walks RTA_MULTIPATH with libmnl/rtnetlink macros and checks each hop. */
static void assert_multipath(const struct nlattr *mp,
			     const struct route_nexthop *nh, size_t n)
{
	const struct rtnexthop *rtnh = mnl_attr_get_payload(mp);
	int left = (int)mnl_attr_get_payload_len(mp);
	size_t i = 0;
	for (; RTNH_OK(rtnh, left); rtnh = RTNH_NEXT(rtnh), i++) {
		assert_true(i < n);
		left -= RTNH_ALIGN(rtnh->rtnh_len);
		assert_int_equal(rtnh->rtnh_ifindex, nh[i].ifindex);
		assert_int_equal(rtnh->rtnh_hops + 1, nh[i].weight ? nh[i].weight : 1);
		struct mnl_tb t = { 0 };
		mnl_attr_parse_payload(RTNH_DATA(rtnh),
				       rtnh->rtnh_len - RTNH_LENGTH(0), collect, &t);
		if (ip_addr_is_set(&nh[i].gateway))
			assert_addr_attr(t.tb[RTA_GATEWAY], &nh[i].gateway);
		else
			assert_null(t.tb[RTA_GATEWAY]);
	}
	assert_int_equal(i, n);
	assert_int_equal(left, 0);
}

static void assert_header(const struct nlmsghdr *nlh, const struct build_case *c,
			  const struct ip_prefix *p, size_t len)
{
	assert_int_equal(nlh->nlmsg_len, len);
	assert_int_equal(nlh->nlmsg_seq, 77);
	assert_int_equal(nlh->nlmsg_type, c->n ? RTM_NEWROUTE : RTM_DELROUTE);
	uint16_t want = NLM_F_REQUEST | NLM_F_ACK |
			(c->n ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	assert_int_equal(nlh->nlmsg_flags, want);
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_family, p->addr.family);
	assert_int_equal(rtm->rtm_dst_len, p->len);
	assert_int_equal(rtm->rtm_protocol, ROUTE_PROTO_VGW);
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	assert_int_equal(rtm->rtm_table, c->table < 256 ? c->table : RT_TABLE_COMPAT);
}

static void check_build_case(const struct build_case *c)
{
	struct route_msg_key k = { c->table, ROUTE_PROTO_VGW, c->metric };
	struct route_nexthop nh[MAX_NH];
	struct ip_prefix p;
	uint8_t buf[1024] __attribute__((aligned(4)));
	print_message("case: %s\n", c->name);
	assert_true(ip_prefix_parse(c->prefix, &p, true));
	case_nexthops(c, nh);

	size_t len = route_msg_build(buf, sizeof(buf), &k, &p, nh, c->n, c->nh_id,
				     77, true);
	assert_int_equal(len, route_msg_size(&p, nh, c->n, c->nh_id));
	const struct nlmsghdr *nlh = (const void *)buf;
	assert_header(nlh, c, &p, len);

	struct mnl_tb t = { 0 };
	assert_int_equal(mnl_attr_parse(nlh, sizeof(struct rtmsg), collect, &t),
			 MNL_CB_OK);
	assert_int_equal(mnl_attr_get_u32(t.tb[RTA_TABLE]), c->table);
	assert_int_equal(mnl_attr_get_u32(t.tb[RTA_PRIORITY]), c->metric);
	assert_addr_attr(t.tb[RTA_DST], &p.addr);
	if (c->nh_id != 0) {
		assert_int_equal(mnl_attr_get_u32(t.tb[RTA_NH_ID]), c->nh_id);
		assert_null(t.tb[RTA_OIF]);
		assert_null(t.tb[RTA_GATEWAY]);
		assert_null(t.tb[RTA_MULTIPATH]);
	} else if (c->n == 1) {
		assert_int_equal(mnl_attr_get_u32(t.tb[RTA_OIF]), nh[0].ifindex);
		if (c->nh[0].gw)
			assert_addr_attr(t.tb[RTA_GATEWAY], &nh[0].gateway);
		else
			assert_null(t.tb[RTA_GATEWAY]);
		assert_null(t.tb[RTA_MULTIPATH]);
	} else if (c->n > 1) {
		assert_null(t.tb[RTA_OIF]);
		assert_multipath(t.tb[RTA_MULTIPATH], nh, c->n);
	} else {
		assert_null(t.tb[RTA_OIF]);
		assert_null(t.tb[RTA_MULTIPATH]);
	}

	/* Our decoder returns what was encoded. */
	struct route_entry e;
	assert_int_equal(route_msg_parse(buf, len, &e), 0);
	assert_true(ip_prefix_eq(&e.prefix, &p));
	assert_int_equal(e.table, c->table);
	assert_int_equal(e.metric, c->metric);
	assert_int_equal(e.protocol, ROUTE_PROTO_VGW);
	assert_int_equal(e.nh_id, c->nh_id);
	if (c->nh_id != 0)
		return; /* the nexthops live in the kernel object */
	assert_int_equal(e.n_nexthops, c->n);
	for (size_t i = 0; i < c->n; i++) {
		assert_int_equal(e.nexthops[i].ifindex, nh[i].ifindex);
		assert_true(ip_addr_eq(&e.nexthops[i].gateway, &nh[i].gateway));
		assert_int_equal(e.nexthops[i].weight, nh[i].weight ? nh[i].weight : 1);
	}
}

static void test_build_cases(void **state)
{
	for (size_t i = 0; i < sizeof(build_cases) / sizeof(build_cases[0]); i++)
		check_build_case(&build_cases[i]);
}

static void test_build_no_ack_and_scope(void **state)
{
	struct route_msg_key k = { 254, ROUTE_PROTO_VGW, 0 };
	struct route_nexthop nh = { .ifindex = 3 };
	struct ip_prefix p;
	uint8_t buf[256] __attribute__((aligned(4)));
	assert_true(ip_prefix_parse("10.0.0.0/8", &p, true));
	assert_true(route_msg_build(buf, sizeof(buf), &k, &p, &nh, 1, 0, 1, false) > 0);
	const struct nlmsghdr *nlh = (const void *)buf;
	assert_false(nlh->nlmsg_flags & NLM_F_ACK);
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_LINK);
	assert_true(ip_addr_parse("192.0.2.1", &nh.gateway));
	assert_true(route_msg_build(buf, sizeof(buf), &k, &p, &nh, 1, 0, 1, false) > 0);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
}

struct bad_case {
	const char *name;
	const char *prefix;
	bool canonical_bypass; /* build prefix by hand (host bits set) */
	int ifindex;
	uint16_t weight;
	const char *gw;
	size_t n;
	int want;
};

static const struct bad_case bad_cases[] = {
	{ "host bits set", "10.0.0.1/8", true, 1, 0, NULL, 1, -EINVAL },
	{ "ifindex 0", "10.0.0.0/8", false, 0, 0, NULL, 1, -EINVAL },
	{ "negative ifindex", "10.0.0.0/8", false, -4, 0, NULL, 1, -EINVAL },
	{ "weight 257", "10.0.0.0/8", false, 1, 257, NULL, 1, -EINVAL },
	{ "v6 gw for v4", "10.0.0.0/8", false, 1, 0, "fe80::1", 1, -EAFNOSUPPORT },
	{ "v4 gw for v6", "2001:db8::/32", false, 1, 0, "192.0.2.1", 1, -EAFNOSUPPORT },
	{ "too many", "10.0.0.0/8", false, 1, 0, NULL, ROUTE_NEXTHOP_MAX + 1, -EINVAL },
};

static void test_check_rejects(void **state)
{
	static struct route_nexthop nh[ROUTE_NEXTHOP_MAX + 1];
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct ip_prefix p;
		print_message("case: %s\n", c->name);
		assert_true(ip_prefix_parse(c->prefix, &p, !c->canonical_bypass));
		if (c->canonical_bypass)
			p.addr.a[3] = 1; /* ip_prefix_parse cleared it */
		for (size_t j = 0; j < c->n; j++) {
			memset(&nh[j], 0, sizeof(nh[j]));
			nh[j].ifindex = c->ifindex;
			nh[j].weight = c->weight;
			if (c->gw)
				assert_true(ip_addr_parse(c->gw, &nh[j].gateway));
		}
		assert_int_equal(route_msg_check(&p, nh, c->n), c->want);
		uint8_t buf[4096] __attribute__((aligned(4)));
		struct route_msg_key k = { 254, ROUTE_PROTO_VGW, 0 };
		assert_int_equal(route_msg_build(buf, sizeof(buf), &k, &p, nh, c->n, 0, 1, 0), 0);
	}
	struct ip_prefix unset = { 0 };
	assert_int_equal(route_msg_check(&unset, NULL, 0), -EINVAL);
}

static void test_build_capacity(void **state)
{
	struct route_msg_key k = { 254, ROUTE_PROTO_VGW, 0 };
	struct route_nexthop nh[2] = { { .ifindex = 1 }, { .ifindex = 2 } };
	struct ip_prefix p;
	uint8_t buf[512] __attribute__((aligned(4)));
	assert_true(ip_prefix_parse("2001:db8::/32", &p, true));
	size_t need = route_msg_size(&p, nh, 2, 0);
	for (size_t cap = 0; cap < need; cap++)
		assert_int_equal(route_msg_build(buf, cap, &k, &p, nh, 2, 0, 1, false), 0);
	assert_int_equal(route_msg_build(buf, need, &k, &p, nh, 2, 0, 1, false), need);
}

/* Every truncation of a valid ECMP message is refused or parsed in bounds. */
static void test_parse_truncated(void **state)
{
	struct route_msg_key k = { 254, ROUTE_PROTO_VGW, 0 };
	struct route_nexthop nh[3] = { 0 };
	struct ip_prefix p;
	assert_true(ip_prefix_parse("2001:db8::/32", &p, true));
	for (int i = 0; i < 3; i++) {
		nh[i].ifindex = i + 1;
		assert_true(ip_addr_parse("fd00::9", &nh[i].gateway));
	}
	uint8_t buf[512] __attribute__((aligned(4)));
	size_t len = route_msg_build(buf, sizeof(buf), &k, &p, nh, 3, 0, 1, false);
	assert_true(len > 0);
	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		memcpy(copy, buf, cut);
		struct route_entry e;
		assert_int_equal(route_msg_parse(copy, cut, &e), -EBADMSG);
		/* Same cut with a consistent nlmsg_len: the attribute decoders
		 * see the truncation. Attribute-aligned cuts may parse. */
		if (cut >= sizeof(struct nlmsghdr)) {
			((struct nlmsghdr *)copy)->nlmsg_len = (uint32_t)cut;
			int rc = route_msg_parse(copy, cut, &e);
			assert_true(rc == 0 || rc == -EBADMSG);
		}
		free(copy);
	}
}

enum mutation { M_NLMSG_LEN, M_DST_LEN, M_DST_ATTR_LEN, M_RTNH_LEN, M_TYPE,
		M_FAMILY, M_U32_LEN };

struct mut_case {
	const char *name;
	enum mutation m;
	int want;
};

static const struct mut_case mut_cases[] = {
	{ "nlmsg_len beyond buffer", M_NLMSG_LEN, -EBADMSG },
	{ "dst_len 129", M_DST_LEN, -EBADMSG },
	{ "RTA_DST 5 bytes for v6", M_DST_ATTR_LEN, -EBADMSG },
	{ "rtnh_len beyond RTA_MULTIPATH", M_RTNH_LEN, -EBADMSG },
	{ "RTM_NEWLINK type", M_TYPE, -ENOTSUP },
	{ "AF_UNIX family", M_FAMILY, -ENOTSUP },
	{ "RTA_TABLE 2 bytes", M_U32_LEN, -EBADMSG },
};

static struct nlattr *find_attr(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *a;
	mnl_attr_for_each(a, nlh, sizeof(struct rtmsg))
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

static void mutate(struct nlmsghdr *nlh, enum mutation m)
{
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	switch (m) {
	case M_NLMSG_LEN: nlh->nlmsg_len += 4; break;
	case M_DST_LEN: rtm->rtm_dst_len = 129; break;
	case M_DST_ATTR_LEN: find_attr(nlh, RTA_DST)->nla_len = 4 + 5; break;
	case M_RTNH_LEN: {
		struct rtnexthop *h = mnl_attr_get_payload(find_attr(nlh, RTA_MULTIPATH));
		h->rtnh_len = 200;
		break;
	}
	case M_TYPE: nlh->nlmsg_type = RTM_NEWLINK; break;
	case M_FAMILY: rtm->rtm_family = AF_UNIX; break;
	case M_U32_LEN: find_attr(nlh, RTA_TABLE)->nla_len = 6; break;
	}
}

static void test_parse_mutations(void **state)
{
	struct route_msg_key k = { 254, ROUTE_PROTO_VGW, 0 };
	struct route_nexthop nh[2] = { { .ifindex = 1 }, { .ifindex = 2 } };
	struct ip_prefix p;
	assert_true(ip_prefix_parse("2001:db8::/32", &p, true));
	for (size_t i = 0; i < sizeof(mut_cases) / sizeof(mut_cases[0]); i++) {
		uint8_t buf[512] __attribute__((aligned(4)));
		print_message("case: %s\n", mut_cases[i].name);
		size_t len = route_msg_build(buf, sizeof(buf), &k, &p, nh, 2, 0, 1, false);
		mutate((struct nlmsghdr *)buf, mut_cases[i].m);
		struct route_entry e;
		assert_int_equal(route_msg_parse(buf, len, &e), mut_cases[i].want);
	}
}

static void test_dump_request(void **state)
{
	uint8_t buf[128] __attribute__((aligned(4)));
	size_t len = route_msg_dump_request(buf, sizeof(buf), AF_INET6, 1000, 201, 9);
	assert_true(len > 0);
	const struct nlmsghdr *nlh = (const void *)buf;
	assert_int_equal(nlh->nlmsg_type, RTM_GETROUTE);
	assert_true(nlh->nlmsg_flags & NLM_F_DUMP);
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_family, AF_INET6);
	assert_int_equal(rtm->rtm_protocol, 201);
	struct mnl_tb t = { 0 };
	mnl_attr_parse(nlh, sizeof(struct rtmsg), collect, &t);
	assert_int_equal(mnl_attr_get_u32(t.tb[RTA_TABLE]), 1000);
	assert_int_equal(route_msg_dump_request(buf, 8, AF_INET, 1, 1, 1), 0);
}

struct nh_case {
	const char *name;
	uint16_t type;
	bool group;
	uint8_t family;
	const char *gw;
	int ifindex;
	size_t n;
	struct route_nhmember m[3];
};

static const struct nh_case nh_cases[] = {
	{ "v4 single via", RTM_NEWNEXTHOP, false, AF_INET, "169.254.21.1", 7, 0, { { 0 } } },
	{ "v6 single dev", RTM_NEWNEXTHOP, false, AF_INET6, NULL, 9, 0, { { 0 } } },
	{ "group 3", RTM_NEWNEXTHOP, true, AF_INET, NULL, 0, 3,
	  { { 0x76670001, 1, 0 }, { 0x76670002, 3, 0 }, { 0x76670003, 256, 0 } } },
	{ "delete", RTM_DELNEXTHOP, false, AF_INET, "192.0.2.1", 2, 0, { { 0 } } },
};

struct nh_tb {
	const struct nlattr *tb[NHA_MAX + 1];
};

static int nh_collect(const struct nlattr *a, void *data)
{
	struct nh_tb *t = data;
	if (mnl_attr_type_valid(a, NHA_MAX) > 0)
		t->tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static void check_nh_case(const struct nh_case *c)
{
	struct route_nhobj o = { .id = 0x76670042, .family = c->family,
				 .group = c->group, .n = c->n };
	struct route_nhmember m[3];
	uint8_t buf[512] __attribute__((aligned(4)));
	print_message("case: %s\n", c->name);
	memcpy(m, c->m, sizeof(m));
	o.m = m;
	o.hop.ifindex = c->ifindex;
	if (c->gw)
		assert_true(ip_addr_parse(c->gw, &o.hop.gateway));
	size_t len = route_nhobj_msg(buf, sizeof(buf), c->type, NLM_F_CREATE,
				     ROUTE_PROTO_VGW, &o);
	const struct nlmsghdr *nlh = (const void *)buf;
	assert_int_equal(len, nlh->nlmsg_len);
	assert_int_equal(nlh->nlmsg_type, c->type);
	const struct nhmsg *nhm = mnl_nlmsg_get_payload(nlh);
	bool del = c->type == RTM_DELNEXTHOP;
	assert_int_equal(nhm->nh_protocol, del ? 0 : ROUTE_PROTO_VGW);
	assert_int_equal(nhm->nh_family, c->group || del ? AF_UNSPEC : c->family);
	struct nh_tb t = { 0 };
	assert_int_equal(mnl_attr_parse(nlh, sizeof(*nhm), nh_collect, &t), MNL_CB_OK);
	assert_int_equal(mnl_attr_get_u32(t.tb[NHA_ID]), o.id);
	if (c->type == RTM_DELNEXTHOP) {
		assert_null(t.tb[NHA_OIF]);
		assert_null(t.tb[NHA_GROUP]);
		return;
	}
	if (c->group) {
		assert_null(t.tb[NHA_OIF]);
		assert_int_equal(mnl_attr_get_payload_len(t.tb[NHA_GROUP]),
				 c->n * sizeof(struct nexthop_grp));
		const struct nexthop_grp *g = mnl_attr_get_payload(t.tb[NHA_GROUP]);
		for (size_t i = 0; i < c->n; i++) {
			assert_int_equal(g[i].id, c->m[i].id);
			assert_int_equal(g[i].weight + 1, c->m[i].weight);
		}
		return;
	}
	assert_int_equal(mnl_attr_get_u32(t.tb[NHA_OIF]), c->ifindex);
	if (c->gw)
		assert_addr_attr(t.tb[NHA_GATEWAY], &o.hop.gateway);
	else
		assert_null(t.tb[NHA_GATEWAY]);
}

static void test_nexthop_objects(void **state)
{
	for (size_t i = 0; i < sizeof(nh_cases) / sizeof(nh_cases[0]); i++)
		check_nh_case(&nh_cases[i]);
	struct route_nhobj o = { .id = 1, .family = AF_INET };
	uint8_t small[16];
	assert_int_equal(route_nhobj_msg(small, sizeof(small), RTM_NEWNEXTHOP, 0,
					 1, &o), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_cases),
		cmocka_unit_test(test_build_no_ack_and_scope),
		cmocka_unit_test(test_check_rejects),
		cmocka_unit_test(test_build_capacity),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_parse_mutations),
		cmocka_unit_test(test_dump_request),
		cmocka_unit_test(test_nexthop_objects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
