/*
 * The per-gateway ESP dataplane: one UDP socket pair on the outside address
 * (500 for IKE, 4500 for IKE with the non-ESP marker and ESP-in-UDP,
 * RFC 3948) and one TUN device per route-based tunnel.
 *
 *   TUN read (64 KiB TSO super-packets, virtio-net header)
 *     -> segment to the tunnel MTU -> MSS clamp -> ESP encapsulate
 *     -> sendmmsg with UDP_SEGMENT (one GSO send per ~44 ESP packets)
 *   recvmmsg with UDP_GRO (a buffer of equal-size ESP datagrams)
 *     -> demux: non-ESP marker -> hooks.ike_packet; else SPI lookup over
 *        all tunnels -> ESP decapsulate (replay, ICV, window) -> MSS clamp
 *     -> coalesce TCP segments -> one TUN writev per super-packet
 *
 * Threading: everything runs in the callbacks of the struct loop passed to
 * dp_new, on the loop's thread; every function here must be called from that
 * thread. SA install/remove therefore never races the packet path. Optional
 * crypto helpers (dp_config.crypto_threads) only encrypt/decrypt the items
 * of a batch while the loop thread waits for that batch, so they never see
 * an SA being installed or freed.
 *
 * Errors: functions returning int return 0 or -errno; constructors return
 * NULL with errno set. Drops are never errors: they are counted (per tunnel
 * and per reason, see dp_stats_json).
 */
#ifndef VGW_IO_DATAPLANE_H
#define VGW_IO_DATAPLANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "base/loop.h"
#include "esp/esp.h"

struct json_object;
struct dp;
struct dp_tunnel;

struct dp_endpoint {
	struct ip_addr addr;
	uint16_t port;
};

struct dp_hooks {
	/*
	 * An IKE message arrived: on port 500, or on 4500 after the non-ESP
	 * marker (stripped). pkt is only valid during the call.
	 */
	void (*ike_packet)(void *arg, const struct dp_endpoint *local,
			   const struct dp_endpoint *remote, const uint8_t *pkt,
			   size_t len);
	void *arg;
};

struct dp_config {
	struct ip_addr local;  /* outside address (IPv4 or IPv6) */
	uint16_t ike_port;     /* 500; 0 = no plain IKE socket */
	uint16_t natt_port;    /* 4500 */
	uint32_t sock_buf;     /* SO_RCVBUF/SO_SNDBUF bytes; 0 = 4 MiB */
	/*
	 * Crypto helper threads (0..7). 0: everything on the loop thread.
	 * n: each batch's AES-GCM/CBC work is shared by the loop thread and
	 * n helpers (one cipher context per SA and thread); numbering,
	 * replay window, I/O and the API stay on the loop thread.
	 */
	unsigned crypto_threads;
};

/* Opens the sockets and registers them with loop. */
struct dp *dp_new(struct loop *loop, const struct dp_config *cfg,
		  const struct dp_hooks *hooks);
/* Removes every tunnel (closing its TUN), closes sockets; NULL-safe. */
void dp_free(struct dp *dp);

/*
 * Sends an IKE message from local_port (ike_port or natt_port) to remote;
 * on natt_port the 4-byte non-ESP marker is prepended.
 */
int dp_send_ike(struct dp *dp, uint16_t local_port,
		const struct dp_endpoint *remote, const uint8_t *pkt,
		size_t len);

struct dp_tunnel_config {
	const char *name;              /* for logs and stats ("vti0", "tun1") */
	const char *ifname;            /* TUN device name (created) */
	struct dp_endpoint remote;     /* peer's outside address and port */
	struct ip_addr inside;         /* e.g. 169.254.21.2; unset = none */
	uint8_t inside_len;            /* prefix length, e.g. 30 */
	struct ip_addr inside_peer;    /* e.g. 169.254.21.1; unset = none */
	uint32_t mtu;                  /* 0 = from the outbound suite over a
					  1500-byte path (1400 until then) */
	uint16_t mss;                  /* TCP MSS clamp for IPv4 (IPv6: 20
					  less); 0 = mtu - 40 */
	bool no_mss_clamp;             /* true disables clamping */
};

/*
 * Creates the TUN device (IFF_TUN | IFF_NO_PI | IFF_VNET_HDR with TSO/USO
 * offloads), sets MTU, addresses and UP. The tunnel carries nothing until
 * an SA pair is installed. Returns NULL with errno set.
 */
struct dp_tunnel *dp_tunnel_add(struct dp *dp,
				const struct dp_tunnel_config *cfg);
/* Closes the TUN (the device disappears) and frees all SAs; NULL-safe. */
void dp_tunnel_remove(struct dp *dp, struct dp_tunnel *t);
int dp_tunnel_ifindex(const struct dp_tunnel *t);
const char *dp_tunnel_name(const struct dp_tunnel *t);

/*
 * Make-before-break: a new inbound SA (in) is added beside the existing
 * ones (both decrypt until the old one is removed), the outbound SA (out)
 * replaces the current one at once. Either may be NULL. -EEXIST if the
 * inbound SPI is already in use on any tunnel, -EINVAL for bad params.
 */
int dp_tunnel_sa_install(struct dp *dp, struct dp_tunnel *t,
			 const struct esp_sa_params *in,
			 const struct esp_sa_params *out);
/*
 * Sends one ESP dummy packet (RFC 4303 2.6, next header 59) on the
 * tunnel's outbound SA, e.g. a liveness heartbeat; the peer counts it as
 * authenticated traffic (last_rx) and discards it. -ENOENT if no SA.
 */
int dp_tunnel_send_dummy(struct dp *dp, struct dp_tunnel *t);
/* Removes the inbound or outbound SA with this SPI; -ENOENT if none. */
int dp_tunnel_sa_remove(struct dp *dp, struct dp_tunnel *t, uint32_t spi);

struct dp_tunnel_stats {
	uint64_t tx_packets, tx_bytes; /* inner packets/bytes encrypted */
	uint64_t rx_packets, rx_bytes; /* inner packets/bytes decrypted */
	int64_t last_rx_ns;            /* monotonic; 0 = never */
	uint64_t drops[ESP_DROP_MAX];  /* ESP drops of all SAs, ever */
	uint64_t tx_errors;            /* sendmmsg failures (packets) */
	uint64_t tun_errors;           /* TUN read/write failures */
	uint64_t no_sa;                /* outbound packets with no SA */
	bool rekey_needed;             /* outbound counter near exhaustion */
};

void dp_tunnel_stats(const struct dp_tunnel *t, struct dp_tunnel_stats *out);
/* New json-c object (caller puts it): per tunnel and dataplane totals. */
struct json_object *dp_stats_json(const struct dp *dp);

/* Inner MTU for a suite over an outer path MTU (IPv4: 20+8 UDP). */
uint32_t dp_mtu_for_suite(uint16_t encr, uint16_t key_bits, uint16_t integ,
			  bool outer_v6, uint32_t path_mtu);

#endif
