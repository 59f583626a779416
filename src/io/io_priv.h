/* Internals of src/io: TUN and socket plumbing used by the dataplane. */
#ifndef VGW_IO_PRIV_H
#define VGW_IO_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "base/addr.h"

/*
 * Creates (or attaches to) TUN ifname with IFF_TUN | IFF_NO_PI |
 * IFF_VNET_HDR, non-blocking, and asks for CSUM/TSO4/TSO6 (+USO when the
 * kernel has it) offloads. *offloads tells whether they were accepted.
 * Returns the fd or -errno.
 */
int io_tun_open(const char *ifname, bool *offloads);

/* Link setup over rtnetlink: MTU + UP, then the inside address. */
int io_link_setup(int ifindex, uint32_t mtu);
int io_link_addr(int ifindex, const struct ip_addr *local, uint8_t len,
		 const struct ip_addr *peer);

/* UDP socket bound to addr:port (non-blocking when nonblock). -errno. */
int io_udp_open(const struct ip_addr *addr, uint16_t port, uint32_t buf,
		bool gro);

#endif
