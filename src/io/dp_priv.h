/* Internals of the dataplane engine (dataplane.c, dp_tx.c, dp_rx.c, ...). */
#ifndef VGW_IO_DP_PRIV_H
#define VGW_IO_DP_PRIV_H

#include <net/if.h>
#include <sys/socket.h>

#include "io/dataplane.h"
#include "io/pkt.h"

#define DP_MAX_IN_SAS 4
#define DP_TUN_BUF (IO_VNET_HDR_LEN + 65536)
#define DP_TUN_READS 64        /* TUN reads per readiness event */
#ifndef DP_TX_MSGS
#define DP_TX_MSGS 64          /* sendmmsg batch */
#endif
#define DP_TX_ARENA (DP_TX_MSGS * 66000)
#define DP_GSO_MAX_BYTES 65000 /* one UDP GSO send */
#define DP_GSO_MAX_SEGS 64
#define DP_RX_BATCH 16         /* recvmmsg batch, one 64 KiB buffer each */
#define DP_RX_BUF 65536
#define DP_RX_ROUNDS 8         /* recvmmsg calls per readiness event */

#define DP_TX_ITEMS 4096       /* ESP packets sealed per flush */
#define DP_RX_ITEMS 4096       /* ESP packets opened per batch */
#define DP_POOL_MIN 4          /* smaller batches stay on the loop thread */

/* cpool.c: the crypto worker pool (lane 0 is the calling thread). */
typedef void (*dp_cjob_fn)(void *ctx, size_t idx, unsigned lane);
struct dp_cpool;
struct dp_cpool *dp_cpool_new(unsigned helpers);
void dp_cpool_free(struct dp_cpool *p);
void dp_cpool_run(struct dp_cpool *p, size_t n, dp_cjob_fn fn, void *ctx);

/* A framed ESP packet waiting to be sealed, or checked one to be opened. */
struct dp_item {
	struct esp_sa *sa;
	struct dp_tunnel *t;
	uint8_t *pkt;
	size_t len;
	uint64_t seq;
	bool ok;
};

struct dp_counters {
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
	uint64_t drops[ESP_DROP_MAX];
};

struct dp_tunnel {
	struct dp *dp;
	struct dp_tunnel *next;
	char name[32];
	char ifname[IFNAMSIZ];
	int fd;
	int ifindex;
	bool offloads;
	struct dp_endpoint remote;
	struct sockaddr_storage remote_sa;
	socklen_t remote_sl;
	uint32_t mtu;
	uint16_t mss;
	bool clamp;
	bool auto_mtu; /* follow the outbound suite (cfg mtu 0) */
	bool auto_mss; /* follow the MTU (cfg mss 0) */
	struct esp_sa *out;
	/* The outbound SA that out replaced, kept (with its sequence counter)
	 * until its Child SA is deleted: if out's child goes first (e.g. the
	 * duplicate of a simultaneous initiation), outbound falls back to it. */
	struct esp_sa *out_prev;
	struct esp_sa *in[DP_MAX_IN_SAS];
	int nin;
	struct dp_counters retired; /* of SAs already removed */
	uint64_t tx_errors, tun_errors, no_sa, tun_malformed;
	int64_t last_rx_ns;
	struct io_gro *gro;
	bool gro_pending;
	struct dp_tunnel *gro_next;
};

struct dp_spi_slot {
	uint32_t spi; /* 0 = empty (SPI 0 is reserved, RFC 4303 2.1) */
	struct dp_tunnel *t;
	struct esp_sa *sa;
};

struct dp_tx_msg {
	struct dp_tunnel *t;
	size_t off, len;
	size_t seg_size;
	uint32_t nsegs;
	bool closed;
};

struct dp {
	struct loop *loop;
	struct dp_config cfg;
	struct dp_hooks hooks;
	int fd_ike, fd_natt;
	struct dp_tunnel *tunnels;
	struct dp_spi_slot *spi_tab;
	size_t spi_cap, spi_used;
	/* transmit side */
	uint8_t *tun_buf;
	uint8_t *tx_arena;
	size_t tx_used;
	int ntx;
	struct dp_tx_msg tx[DP_TX_MSGS];
	/* crypto workers (NULL: all crypto on the loop thread) */
	struct dp_cpool *pool;
	unsigned lanes;
	struct dp_item *tx_items;
	size_t ntx_items;
	struct dp_item *rx_items;
	size_t nrx_items;
	/* receive side */
	uint8_t *rx_buf;
	struct dp_tunnel *gro_list;
	/* dataplane-wide counters */
	uint64_t rx_datagrams, rx_unknown_spi, rx_invalid, rx_keepalive;
	uint64_t rx_ike, rx_trunc, rx_batches, tx_batches, tx_sends;
	uint64_t ike_tx_errors;
};

/* dataplane.c */
struct dp_spi_slot *dp_spi_find(struct dp *dp, uint32_t spi);
void dp_endpoint_from_sa(const struct sockaddr_storage *ss,
			 struct dp_endpoint *ep);
/* dp_tx.c */
void dp_tun_readable(void *arg, int fd, uint32_t events);
void dp_tx_flush(struct dp *dp);
/* dp_rx.c */
void dp_natt_readable(void *arg, int fd, uint32_t events);
void dp_rx_items_run(struct dp *dp, struct vtime now);
void dp_ike_readable(void *arg, int fd, uint32_t events);
/* dp_stats.c */
void dp_retire_sa(struct dp_tunnel *t, struct esp_sa *sa);

#endif
