/* TUN device with virtio-net headers and segmentation offloads. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/log.h"
#include "io/io_priv.h"

#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#define TUN_F_USO6 0x40
#endif

int io_tun_open(const char *ifname, bool *offloads)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
	if (strlen(ifname) >= IFNAMSIZ) {
		close(fd);
		return -ENAMETOOLONG;
	}
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	unsigned base = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
	*offloads = true;
	if (ioctl(fd, TUNSETOFFLOAD, base | TUN_F_USO4 | TUN_F_USO6) < 0 &&
	    ioctl(fd, TUNSETOFFLOAD, base) < 0) {
		/* Still correct without offloads, just slower. */
		vlog(VLOG_WARN, "io", ifname, "TUNSETOFFLOAD: %s",
		     strerror(errno));
		*offloads = false;
	}
	return fd;
}
