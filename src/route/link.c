/*
 * Interface helpers for the rest of vgw: look up, bring up, set MTU, and
 * add or remove addresses. Each is one synchronous request on a short-lived
 * socket (route_nl_request); they run at setup time, not per route.
 */
#include "route/route_priv.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

/* Large enough for any single request built here. */
#define ROUTE_LINK_MSG 256

int route_link_index(const char *name)
{
	if (name == NULL || name[0] == '\0' || strlen(name) >= IF_NAMESIZE)
		return -EINVAL;
	unsigned idx = if_nametoindex(name);
	if (idx == 0)
		return errno == ENXIO || errno == 0 ? -ENODEV : -errno;
	return (int)idx;
}

int route_link_set_up(int ifindex, uint32_t mtu)
{
	uint64_t buf[ROUTE_LINK_MSG / sizeof(uint64_t)];
	if (ifindex <= 0)
		return -EINVAL;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	if (mtu > 0)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return route_nl_request(buf);
}

static int addr_request(uint16_t type, uint16_t flags, int ifindex,
			const struct ip_prefix *local,
			const struct ip_addr *peer)
{
	uint64_t buf[ROUTE_LINK_MSG / sizeof(uint64_t)];
	size_t alen = local ? ip_addr_len(&local->addr) : 0;
	if (ifindex <= 0 || alen == 0 || local->len > alen * 8)
		return -EINVAL;
	if (peer != NULL && peer->family != local->addr.family)
		return -EINVAL;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = local->addr.family;
	ifa->ifa_prefixlen = local->len;
	ifa->ifa_index = (uint32_t)ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	if (local->addr.family == AF_INET6 && type == RTM_NEWADDR)
		ifa->ifa_flags = IFA_F_NODAD;
	mnl_attr_put(nlh, IFA_LOCAL, alen, local->addr.a);
	/* IFA_ADDRESS is the peer on point-to-point, else the address itself. */
	mnl_attr_put(nlh, IFA_ADDRESS, alen, peer ? peer->a : local->addr.a);
	return route_nl_request(buf);
}

int route_addr_add(int ifindex, const struct ip_prefix *local,
		   const struct ip_addr *peer_or_null)
{
	return addr_request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex,
			    local, peer_or_null);
}

int route_addr_del(int ifindex, const struct ip_prefix *local,
		   const struct ip_addr *peer_or_null)
{
	return addr_request(RTM_DELADDR, 0, ifindex, local, peer_or_null);
}
