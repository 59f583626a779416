/*
 * ESP (RFC 4303) in tunnel mode for UDP-encapsulated (RFC 3948) transport,
 * with AES-GCM-16 (RFC 4106) or AES-CBC + HMAC (RFC 3602, RFC 4868).
 *
 * An esp_sa is one direction of one Child SA: its keys live in one
 * long-lived crypto_cipher context. ESP packets handled here start at the
 * SPI (the UDP header and the non-ESP-marker demux belong to src/io):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |               Security Parameters Index (SPI)                 |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                Sequence Number (low 32 bits)                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                IV (8 bytes GCM, 16 bytes CBC)                 ~
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   ~  encrypted: inner IP packet | padding 1,2,3.. | pad len | NH  ~
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                ICV (16 GCM; 12/16/24/32 HMAC)                 ~
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Threading: an esp_sa is used by one thread at a time. Its statistics are
 * written by that thread with relaxed atomics, so any thread may read them.
 */
#ifndef VGW_ESP_ESP_H
#define VGW_ESP_ESP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/clock.h"
#include "crypto/secret.h"
#include "esp/replay.h"

#define ESP_HDR_LEN 8
#define ESP_TRAILER_LEN 2 /* pad length + next header */
#define ESP_NH_IPV4 4     /* IANA protocol numbers (RFC 4303 2.7) */
#define ESP_NH_IPV6 41
#define ESP_NH_NONE 59    /* dummy packet (RFC 4303 2.6) */
/* Worst case per-packet growth: header + 16-byte IV + 15 pad + 2 + 32 ICV. */
#define ESP_MAX_OVERHEAD (ESP_HDR_LEN + 16 + 15 + ESP_TRAILER_LEN + 32)

/*
 * Drop reasons, one counter each. X(enum suffix, printable name). OK is
 * not a drop; the rest are, on the direction named in the comment.
 */
#define ESP_DROP_LIST(X)                                                       \
	X(OK, "ok")                                                            \
	X(SHORT, "bad-length")        /* in: truncated / misaligned */          \
	X(UNKNOWN_SPI, "unknown-spi") /* in: no SA (counted by the caller) */  \
	X(REPLAY, "replay")           /* in: duplicate inside the window */    \
	X(TOO_OLD, "replay-too-old")  /* in: left of the window / seq 0 */     \
	X(ICV, "icv-fail")            /* in: authentication failed */          \
	X(PAD, "bad-padding")         /* in: padding bytes not 1,2,3.. */      \
	X(NEXT_HDR, "bad-next-header") /* in: not IPv4/IPv6 */                 \
	X(DUMMY, "dummy")             /* in: next header 59, discarded */      \
	X(INNER, "bad-inner")         /* in/out: inner packet not IP */        \
	X(SEQ_OVERFLOW, "seq-overflow") /* out: counter exhausted: rekey */    \
	X(NO_ROOM, "no-room")         /* out: buffer too small */              \
	X(CRYPTO, "crypto-error")     /* out: cipher failure */

enum esp_drop {
#define ESP_DROP_ENUM(sym, name) ESP_DROP_##sym,
	ESP_DROP_LIST(ESP_DROP_ENUM)
#undef ESP_DROP_ENUM
	ESP_DROP_MAX
};

const char *esp_drop_name(enum esp_drop d);

enum esp_dir {
	ESP_IN,
	ESP_OUT,
};

/*
 * Negotiated parameters of one Child SA direction. Key material is copied
 * by esp_sa_new; the caller keeps ownership of its secrets.
 */
struct esp_sa_params {
	uint32_t spi;               /* network value, host byte order */
	uint16_t encr;              /* enum crypto_encr_id */
	uint16_t key_bits;          /* 128 or 256 */
	uint16_t integ;             /* enum crypto_integ_id, NONE for GCM */
	bool esn;                   /* extended sequence numbers */
	const struct secret *encr_key;  /* crypto_encr_keymat_len() bytes */
	const struct secret *integ_key; /* crypto_integ_key_len(), or NULL */
	uint32_t replay_window;     /* 64..2048; 0 = ESP_REPLAY_DEFAULT */
};

struct esp_sa_stats {
	_Atomic uint64_t packets;   /* accepted (in) / sent (out) */
	_Atomic uint64_t bytes;     /* inner IP bytes */
	_Atomic int64_t last_ns;    /* vtime of the last accepted packet */
	_Atomic uint64_t drops[ESP_DROP_MAX];
};

struct esp_sa;

/* Returns NULL if the suite is unsupported, a key has the wrong length, the
 * window is out of range, or allocation fails. */
struct esp_sa *esp_sa_new(const struct esp_sa_params *p, enum esp_dir dir);
/*
 * Same with `lanes` independent cipher contexts (1..ESP_MAX_LANES), so that
 * up to `lanes` threads can run esp_encap_seal / esp_decap_open on packets
 * of this SA at the same time, each with its own lane number.
 */
#define ESP_MAX_LANES 8
struct esp_sa *esp_sa_new_lanes(const struct esp_sa_params *p,
				enum esp_dir dir, unsigned lanes);
/* Wipes keys and frees; NULL-safe. */
void esp_sa_free(struct esp_sa *sa);

uint32_t esp_sa_spi(const struct esp_sa *sa);
enum esp_dir esp_sa_dir(const struct esp_sa *sa);
const struct esp_sa_stats *esp_sa_stats(const struct esp_sa *sa);
/* Count a drop found outside esp_* (e.g. the inner packet check in io). */
void esp_sa_count_drop(struct esp_sa *sa, enum esp_drop d);
/* Bytes in front of the inner packet (header + IV). */
size_t esp_sa_head_len(const struct esp_sa *sa);
/* Maximum bytes after the inner packet (padding + trailer + ICV). */
size_t esp_sa_tail_max(const struct esp_sa *sa);
/* Exact ESP packet length for an inner packet of inner_len bytes. */
size_t esp_sa_packet_len(const struct esp_sa *sa, size_t inner_len);
/* Largest inner packet whose ESP packet fits in outer_room bytes. */
size_t esp_sa_inner_mtu(const struct esp_sa *sa, size_t outer_room);
/* Next outbound sequence number to be used (64-bit). */
uint64_t esp_sa_seq_out(const struct esp_sa *sa);
/* True once the outbound counter is exhausted (or past the soft limit). */
bool esp_sa_rekey_needed(const struct esp_sa *sa);

/*
 * Outbound. The inner IPv4/IPv6 packet (inner_len bytes) is at
 * pkt + esp_sa_head_len(sa); cap is the usable size of pkt. On ESP_DROP_OK
 * the ESP packet starts at pkt and is *esp_len bytes; the drop is counted
 * otherwise. The next header is taken from the IP version nibble.
 * ESP_DROP_SEQ_OVERFLOW means the SA must be rekeyed (RFC 4303 3.3.3).
 */
enum esp_drop esp_encap(struct esp_sa *sa, uint8_t *pkt, size_t cap,
			size_t inner_len, size_t *esp_len, struct vtime now);

/*
 * Outbound dummy packet (RFC 4303 2.6: next header 59, no payload), e.g. a
 * liveness heartbeat. The ESP packet is written at pkt (cap bytes).
 */
enum esp_drop esp_encap_dummy(struct esp_sa *sa, uint8_t *pkt, size_t cap,
			      size_t *esp_len, struct vtime now);

/*
 * Inbound, in place, in the RFC 4303 3.4.3 order: replay check, ICV
 * verification and decryption, window update, then padding and next header.
 * On ESP_DROP_OK the inner packet is at pkt + *inner_off, *inner_len bytes,
 * and *next_hdr is ESP_NH_IPV4 or ESP_NH_IPV6. Every other value has been
 * counted on the SA.
 */
enum esp_drop esp_decap(struct esp_sa *sa, uint8_t *pkt, size_t len,
			size_t *inner_off, size_t *inner_len,
			uint8_t *next_hdr, struct vtime now);

/*
 * The same two operations split into phases, so the crypto of a batch can
 * run on several threads while numbering and the replay window stay in
 * one thread, in packet order:
 *
 *   out: esp_encap_frame (sequence number, header, IV, padding, trailer;
 *        counts the packet) then esp_encap_seal (encrypt + ICV, any lane).
 *   in:  esp_decap_check (parse, replay check; nothing changes) then
 *        esp_decap_open (ICV + decrypt, any lane, counts nothing) then
 *        esp_decap_finish (replay re-check, window update, trailer checks,
 *        stats), with open_ok telling whether the ICV verified.
 *
 * esp_encap/esp_decap are exactly these phases on lane 0. The frame/check/
 * finish phases and the stats belong to one thread.
 */
enum esp_drop esp_encap_frame(struct esp_sa *sa, uint8_t *pkt, size_t cap,
			      size_t inner_len, size_t *esp_len,
			      uint64_t *seq, struct vtime now);
/* False on a crypto failure (not counted: call esp_sa_count_drop). */
bool esp_encap_seal(struct esp_sa *sa, unsigned lane, uint8_t *pkt,
		    size_t esp_len, uint64_t seq);
enum esp_drop esp_decap_check(struct esp_sa *sa, const uint8_t *pkt,
			      size_t len, uint64_t *seq);
bool esp_decap_open(struct esp_sa *sa, unsigned lane, uint8_t *pkt,
		    size_t len, uint64_t seq);
enum esp_drop esp_decap_finish(struct esp_sa *sa, bool open_ok,
			       uint8_t *pkt, size_t len, uint64_t seq,
			       size_t *inner_off, size_t *inner_len,
			       uint8_t *next_hdr, struct vtime now);

/* SPI of an ESP packet (first 4 bytes); false if shorter than a header. */
bool esp_peek_spi(const uint8_t *pkt, size_t len, uint32_t *spi);

#endif
