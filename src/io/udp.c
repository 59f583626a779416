/* Outside UDP sockets: port 500 and 4500 (with UDP GRO for ESP). */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/io_priv.h"

#ifndef UDP_GRO
#define UDP_GRO 104
#endif

static void set_buf(int fd, int opt, int force, uint32_t size)
{
	int v = (int)size;
	if (setsockopt(fd, SOL_SOCKET, force, &v, sizeof(v)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v));
}

int io_udp_open(const struct ip_addr *addr, uint16_t port, uint32_t buf,
		bool gro)
{
	int fam = addr->family == AF_INET6 ? AF_INET6 : AF_INET;
	int fd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_storage ss;
	socklen_t sl;
	memset(&ss, 0, sizeof(ss));
	if (fam == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, addr->a, 4);
		sl = sizeof(*s4);
		/* Let the kernel fragment oversize ESP rather than fail. */
		int pmtu = IP_PMTUDISC_DONT;
		(void)setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu,
				 sizeof(pmtu));
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, addr->a, 16);
		sl = sizeof(*s6);
	}
	int one = 1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	set_buf(fd, SO_RCVBUF, SO_RCVBUFFORCE, buf);
	set_buf(fd, SO_SNDBUF, SO_SNDBUFFORCE, buf);
	if (gro)
		(void)setsockopt(fd, IPPROTO_UDP, UDP_GRO, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}
