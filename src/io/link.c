/* Link MTU, state and addresses over rtnetlink (libmnl). */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io/io_priv.h"

static int nl_talk(struct nlmsghdr *nlh)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	if (nl == NULL)
		return -errno;
	int rc = 0;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
	} else {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			rc = -errno;
		else if (mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq,
				    mnl_socket_get_portid(nl), NULL, NULL) < 0)
			rc = -errno;
	}
	mnl_socket_close(nl);
	return rc;
}

int io_link_setup(int ifindex, uint32_t mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_talk(nlh);
}

int io_link_addr(int ifindex, const struct ip_addr *local, uint8_t len,
		 const struct ip_addr *peer)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = local->family;
	ifa->ifa_prefixlen = len;
	ifa->ifa_index = (uint32_t)ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	size_t alen = ip_addr_len(local);
	if (alen == 0 || len > alen * 8)
		return -EINVAL;
	mnl_attr_put(nlh, IFA_LOCAL, alen, local->a);
	/* With a peer this is a point-to-point address (ip addr ... peer). */
	const struct ip_addr *dst =
		peer != NULL && ip_addr_is_set(peer) ? peer : local;
	if (dst->family != local->family)
		return -EINVAL;
	mnl_attr_put(nlh, IFA_ADDRESS, alen, dst->a);
	return nl_talk(nlh);
}
