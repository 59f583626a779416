/*
 * Packet helpers of the dataplane, free of I/O so tests and fuzzers can drive
 * them: Internet checksums, TCP MSS clamping, segmentation of TUN
 * super-packets (virtio-net GSO: TSO4/TSO6/USO) into wire-size IP packets,
 * coalescing of decrypted TCP segments back into super-packets for the TUN
 * (userspace GRO), and the RFC 3948 port-4500 demux.
 *
 * Packets are raw IPv4/IPv6 (IFF_NO_PI). Every read of packet bytes that
 * came from outside is bounds-checked; malformed input yields false / a
 * drop, never a read past the buffer.
 */
#ifndef VGW_IO_PKT_H
#define VGW_IO_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* ---- checksums (RFC 1071, incremental update RFC 1624) ---- */

/* Adds len bytes at p to a 32-bit one's complement accumulator. */
uint32_t io_csum_add(uint32_t sum, const void *p, size_t len);
/* Folds to 16 bits (not complemented). */
uint16_t io_csum_fold(uint32_t sum);
/* Pseudo-header sum for IPv4/IPv6 at ip (version taken from the packet). */
uint32_t io_csum_pseudo(const uint8_t *ip, uint8_t proto, uint32_t l4_len);

/* ---- virtio-net header in front of each TUN packet (IFF_VNET_HDR) ---- */

#define IO_VNET_HDR_LEN 10
#define IO_VNET_F_NEEDS_CSUM 1
#define IO_VNET_GSO_NONE 0
#define IO_VNET_GSO_TCPV4 1
#define IO_VNET_GSO_UDP_L4 5
#define IO_VNET_GSO_TCPV6 4
#define IO_VNET_GSO_ECN 0x80

/* Fields in host order; the wire form is little-endian (legacy virtio). */
struct io_vnet {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
};

bool io_vnet_parse(const uint8_t *p, size_t len, struct io_vnet *v);
void io_vnet_write(const struct io_vnet *v, uint8_t *p);

/* ---- MSS clamping ---- */

/*
 * If pkt is a TCP SYN (IPv4 or IPv6 without extension headers) carrying an
 * MSS option above mss, lowers it and fixes the checksum incrementally.
 * Returns true if the packet was changed.
 */
bool io_mss_clamp(uint8_t *pkt, size_t len, uint16_t mss);

/* ---- segmentation of TUN super-packets ---- */

/*
 * Iterates the wire-size packets of one packet read from the TUN: a GSO
 * super-packet is cut into gso_size payload pieces with their own IP and
 * TCP/UDP headers and full checksums; a packet that only needs its checksum
 * completed (NEEDS_CSUM) yields itself with the checksum filled in; any
 * other packet yields itself unchanged.
 */
struct io_seg {
	const uint8_t *pkt;
	size_t len;
	struct io_vnet v;
	/* derived by io_seg_init */
	bool gso;
	bool v6;
	uint8_t proto;     /* 6 TCP, 17 UDP */
	size_t l3_len;     /* IP header */
	size_t hdr_len;    /* IP + L4 header */
	size_t seg_size;   /* payload bytes per segment */
	size_t off;        /* next payload byte */
	uint32_t index;    /* next segment number */
};

/* False (drop) if the packet or its GSO description is malformed. */
bool io_seg_init(struct io_seg *s, const struct io_vnet *v,
		 const uint8_t *pkt, size_t len);
/* Bytes of the next segment, 0 when done. */
size_t io_seg_next_len(const struct io_seg *s);
/*
 * Writes the next segment to dst (cap bytes, at least io_seg_next_len()).
 * Returns its length, or 0 when done or cap is too small.
 */
size_t io_seg_next(struct io_seg *s, uint8_t *dst, size_t cap);

/* ---- coalescing of received TCP segments (userspace GRO) ---- */

#define IO_GRO_MAX_GROUPS 64
#define IO_GRO_MAX_SEGS 64
#define IO_GRO_OPEN 8
#define IO_GRO_HDR_MAX 128 /* IPv6 40 + TCP 60, rounded up */

/*
 * One write to the TUN: a vnet header and either one packet (borrowed) or
 * a TCP super-packet (own header copy + borrowed payloads). Packets added
 * must stay valid until io_gro_reset().
 */
struct io_gro_group {
	uint8_t hdr[IO_VNET_HDR_LEN + IO_GRO_HDR_MAX];
	size_t hdr_len;       /* IP + TCP header bytes in hdr */
	size_t payload;       /* TCP payload bytes so far */
	uint16_t seg_size;    /* payload of the first segment */
	bool open;            /* may take more segments */
	uint32_t next_seq;
	int niov;
	struct iovec iov[IO_GRO_MAX_SEGS + 1];
};

struct io_gro {
	int ngroups;
	int nopen;
	int open_idx[IO_GRO_OPEN];
	struct io_gro_group groups[IO_GRO_MAX_GROUPS];
};

void io_gro_reset(struct io_gro *g);
/* False when the batch is full: flush (write the groups) and reset first. */
bool io_gro_add(struct io_gro *g, uint8_t *pkt, size_t len);
/*
 * Finalises group i (lengths, IP checksum, vnet GSO header) and returns its
 * iovec array in *iov (the vnet header included), count as return value.
 */
int io_gro_group_iov(struct io_gro *g, int i, struct iovec **iov);

/* ---- RFC 3948 demux of UDP port 4500 ---- */

enum io_udp_kind {
	IO_UDP_ESP,       /* starts with a nonzero SPI */
	IO_UDP_IKE,       /* non-ESP marker: 4 zero bytes, then IKE */
	IO_UDP_KEEPALIVE, /* single 0xff byte (RFC 3948 2.3) */
	IO_UDP_INVALID,   /* too short for any of the above */
};

/* For IKE, *off is set past the marker. */
enum io_udp_kind io_udp_classify(const uint8_t *p, size_t len, size_t *off);

#endif
