/*
 * Short-lived rtnetlink sockets for synchronous, rare requests (interface
 * setup, dumps). The batched route path in fib.c has its own socket.
 */
#include "route/route_priv.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

/* A request that sees no reply within this time is reported as -ETIMEDOUT. */
#define ROUTE_NL_TIMEOUT_MS 5000
/* Kernel dump skbs are at most 32 KiB; twice that leaves room. */
#define ROUTE_NL_DUMP_RX (64 << 10)

struct mnl_socket *route_nl_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl == NULL)
		return NULL;
	int one = 1;
	/* Error replies do not echo our request back; extended acks give text. */
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;
		mnl_socket_close(nl);
		errno = e;
		return NULL;
	}
	return nl;
}

static int wait_readable(struct mnl_socket *nl)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
	int rc = poll(&pfd, 1, ROUTE_NL_TIMEOUT_MS);
	if (rc < 0)
		return -errno;
	return rc == 0 ? -ETIMEDOUT : 0;
}

int route_nl_request(void *buf)
{
	struct nlmsghdr *nlh = buf;
	struct mnl_socket *nl = route_nl_open();
	if (nl == NULL)
		return -errno;
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	uint32_t portid = mnl_socket_get_portid(nl);
	int rc = 0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
		goto out;
	}
	uint8_t *rx = malloc(MNL_SOCKET_BUFFER_SIZE);
	if (rx == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	do {
		rc = wait_readable(nl);
		if (rc < 0)
			break;
		ssize_t n = mnl_socket_recvfrom(nl, rx, MNL_SOCKET_BUFFER_SIZE);
		if (n < 0) {
			rc = -errno;
			break;
		}
		/* mnl_cb_run returns -1 with errno set from an error ACK. */
		rc = mnl_cb_run(rx, (size_t)n, 1, portid, NULL, NULL);
		if (rc < 0)
			rc = -errno;
	} while (rc > 0);
	free(rx);
out:
	mnl_socket_close(nl);
	return rc;
}

static int dump_recv(struct mnl_socket *nl, uint8_t *rx, uint32_t seq,
		     mnl_cb_t cb, void *data)
{
	uint32_t portid = mnl_socket_get_portid(nl);
	int rc;
	do {
		rc = wait_readable(nl);
		if (rc < 0)
			return rc;
		ssize_t n = mnl_socket_recvfrom(nl, rx, ROUTE_NL_DUMP_RX);
		if (n < 0)
			return -errno;
		rc = mnl_cb_run(rx, (size_t)n, seq, portid, cb, data);
		if (rc < 0)
			return -errno;
	} while (rc > 0);
	return 0;
}

int route_nl_dump(void *buf, bool strict,
		  int (*cb)(const struct nlmsghdr *nlh, void *data), void *data)
{
	struct nlmsghdr *nlh = buf;
	struct mnl_socket *nl = route_nl_open();
	if (nl == NULL)
		return -errno;
	int one = 1;
	if (strict)
		mnl_socket_setsockopt(nl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	nlh->nlmsg_seq = 1;
	uint8_t *rx = malloc(ROUTE_NL_DUMP_RX);
	int rc;
	if (rx == NULL)
		rc = -ENOMEM;
	else if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		rc = -errno;
	else
		rc = dump_recv(nl, rx, 1, cb, data);
	free(rx);
	mnl_socket_close(nl);
	return rc;
}
