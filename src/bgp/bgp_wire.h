/*
 * BGP-4 wire constants and codec (RFC 4271 section 4 and extensions).
 *
 * Every code has an explicit value and a name generated from the same
 * X-macro list, so nothing is printed as a bare number. Decoders read only
 * through struct rd (base/cursor.h); encoders write through struct wr.
 */
#ifndef VGW_BGP_BGP_WIRE_H
#define VGW_BGP_BGP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "base/cursor.h"

#define BGP_HEADER_LEN 19
#define BGP_MAX_MSG 4096 /* no extended messages (RFC 8654) offered */
#define BGP_MARKER_LEN 16
#define BGP_PORT 179
#define BGP_AS_TRANS 23456 /* RFC 6793 */
#define BGP_COMM_GSHUT 0xFFFF0000u /* RFC 8326 GRACEFUL_SHUTDOWN 65535:0 */
#define BGP_COMM_NO_EXPORT 0xFFFFFF01u
#define BGP_COMM_NO_ADVERTISE 0xFFFFFF02u

#define BGP_MSG_TYPES(X) \
	X(OPEN, 1, "OPEN") \
	X(UPDATE, 2, "UPDATE") \
	X(NOTIFICATION, 3, "NOTIFICATION") \
	X(KEEPALIVE, 4, "KEEPALIVE") \
	X(ROUTE_REFRESH, 5, "ROUTE-REFRESH")

#define BGP_ERR_CODES(X) \
	X(HEADER, 1, "Message Header Error") \
	X(OPEN, 2, "OPEN Message Error") \
	X(UPDATE, 3, "UPDATE Message Error") \
	X(HOLD, 4, "Hold Timer Expired") \
	X(FSM, 5, "Finite State Machine Error") \
	X(CEASE, 6, "Cease") \
	X(RREFRESH, 7, "ROUTE-REFRESH Message Error")

/* Subcodes as (code, subcode, enum name, text). */
#define BGP_ERR_SUBCODES(X) \
	X(1, 1, HDR_SYNC, "Connection Not Synchronized") \
	X(1, 2, HDR_LEN, "Bad Message Length") \
	X(1, 3, HDR_TYPE, "Bad Message Type") \
	X(2, 1, OPEN_VERSION, "Unsupported Version Number") \
	X(2, 2, OPEN_PEER_AS, "Bad Peer AS") \
	X(2, 3, OPEN_BGP_ID, "Bad BGP Identifier") \
	X(2, 4, OPEN_OPT_PARAM, "Unsupported Optional Parameter") \
	X(2, 6, OPEN_HOLD, "Unacceptable Hold Time") \
	X(2, 7, OPEN_CAPABILITY, "Unsupported Capability") \
	X(3, 1, UPD_ATTR_LIST, "Malformed Attribute List") \
	X(3, 2, UPD_WELLKNOWN, "Unrecognized Well-known Attribute") \
	X(3, 3, UPD_MISSING, "Missing Well-known Attribute") \
	X(3, 4, UPD_FLAGS, "Attribute Flags Error") \
	X(3, 5, UPD_ATTR_LEN, "Attribute Length Error") \
	X(3, 6, UPD_ORIGIN, "Invalid ORIGIN Attribute") \
	X(3, 8, UPD_NEXT_HOP, "Invalid NEXT_HOP Attribute") \
	X(3, 9, UPD_OPTIONAL, "Optional Attribute Error") \
	X(3, 10, UPD_NETWORK, "Invalid Network Field") \
	X(3, 11, UPD_AS_PATH, "Malformed AS_PATH") \
	X(5, 1, FSM_OPENSENT, "Receive Unexpected Message in OpenSent State") \
	X(5, 2, FSM_OPENCONFIRM, "Receive Unexpected Message in OpenConfirm State") \
	X(5, 3, FSM_ESTABLISHED, "Receive Unexpected Message in Established State") \
	X(6, 1, CEASE_MAX_PREFIX, "Maximum Number of Prefixes Reached") \
	X(6, 2, CEASE_SHUTDOWN, "Administrative Shutdown") \
	X(6, 3, CEASE_DECONFIGURED, "Peer De-configured") \
	X(6, 4, CEASE_RESET, "Administrative Reset") \
	X(6, 5, CEASE_REJECTED, "Connection Rejected") \
	X(6, 6, CEASE_CONFIG_CHANGE, "Other Configuration Change") \
	X(6, 7, CEASE_COLLISION, "Connection Collision Resolution") \
	X(6, 8, CEASE_RESOURCES, "Out of Resources") \
	X(6, 9, CEASE_HARD_RESET, "Hard Reset") \
	X(7, 1, RR_LEN, "Invalid Message Length")

#define BGP_ATTR_TYPES(X) \
	X(ORIGIN, 1, "ORIGIN") \
	X(AS_PATH, 2, "AS_PATH") \
	X(NEXT_HOP, 3, "NEXT_HOP") \
	X(MED, 4, "MULTI_EXIT_DISC") \
	X(LOCAL_PREF, 5, "LOCAL_PREF") \
	X(ATOMIC_AGGREGATE, 6, "ATOMIC_AGGREGATE") \
	X(AGGREGATOR, 7, "AGGREGATOR") \
	X(COMMUNITIES, 8, "COMMUNITIES") \
	X(ORIGINATOR_ID, 9, "ORIGINATOR_ID") \
	X(CLUSTER_LIST, 10, "CLUSTER_LIST") \
	X(MP_REACH, 14, "MP_REACH_NLRI") \
	X(MP_UNREACH, 15, "MP_UNREACH_NLRI") \
	X(AS4_PATH, 17, "AS4_PATH") \
	X(AS4_AGGREGATOR, 18, "AS4_AGGREGATOR")

#define BGP_CAP_CODES(X) \
	X(MP, 1, "multiprotocol") \
	X(ROUTE_REFRESH, 2, "route-refresh") \
	X(EXT_MSG, 6, "extended-message") \
	X(GR, 64, "graceful-restart") \
	X(AS4, 65, "4-octet-as") \
	X(ADD_PATH, 69, "add-path") \
	X(ENH_RR, 70, "enhanced-route-refresh")

#define X_ENUM(n, v, s) BGP_MSG_##n = v,
enum bgp_msg_type { BGP_MSG_TYPES(X_ENUM) };
#undef X_ENUM
#define X_ENUM(n, v, s) BGP_ERR_##n = v,
enum bgp_err_code { BGP_ERR_CODES(X_ENUM) };
#undef X_ENUM
#define X_ENUM(c, v, n, s) BGP_SUB_##n = v,
enum bgp_err_subcode { BGP_SUB_UNSPECIFIC = 0, BGP_ERR_SUBCODES(X_ENUM) };
#undef X_ENUM
#define X_ENUM(n, v, s) BGP_ATTR_##n = v,
enum bgp_attr_type { BGP_ATTR_TYPES(X_ENUM) };
#undef X_ENUM
#define X_ENUM(n, v, s) BGP_CAP_##n = v,
enum bgp_cap_code { BGP_CAP_CODES(X_ENUM) };
#undef X_ENUM

#define BGP_AF_OPTIONAL 0x80
#define BGP_AF_TRANSITIVE 0x40
#define BGP_AF_PARTIAL 0x20
#define BGP_AF_EXTLEN 0x10

#define BGP_AFI_IPV4 1
#define BGP_AFI_IPV6 2
#define BGP_SAFI_UNICAST 1

enum bgp_origin { BGP_ORIGIN_IGP = 0, BGP_ORIGIN_EGP = 1, BGP_ORIGIN_INCOMPLETE = 2 };
enum bgp_aspath_seg { BGP_AS_SET = 1, BGP_AS_SEQUENCE = 2, BGP_AS_CONFED_SEQ = 3,
		      BGP_AS_CONFED_SET = 4 };

const char *bgp_msg_name(int type);
const char *bgp_err_name(int code);
const char *bgp_suberr_name(int code, int subcode);
const char *bgp_attr_name(int type);
const char *bgp_cap_name(int code);

/* ---- Message header (RFC 4271 4.1) ---- */

/*
 * Disposition of a received message or attribute error: a value returned
 * where the error is found and carried out in one place (session.c).
 */
enum bgp_disp_kind {
	BGP_OK = 0,
	BGP_RESET,             /* send NOTIFICATION code/sub/data, close */
	BGP_TREAT_AS_WITHDRAW, /* RFC 7606 2: NLRI withdrawn, session stays */
	BGP_DISCARD_ATTR,      /* RFC 7606 2: attribute ignored */
};

#define BGP_ERR_DATA_MAX 64
struct bgp_disp {
	enum bgp_disp_kind kind;
	uint8_t code, sub;
	uint8_t attr;     /* attribute type that caused it, 0 = none */
	uint16_t data_len;
	uint8_t data[BGP_ERR_DATA_MAX];
};

/*
 * Checks the 19-octet header at r: marker, length (19..4096), type and
 * per-type length (RFC 4271 6.1). On BGP_OK *type and *len are set.
 */
struct bgp_disp bgp_header_check(const uint8_t hdr[BGP_HEADER_LEN],
				 uint8_t *type, uint16_t *len);
/* Writes a header with a placeholder length; returns its offset. */
size_t bgp_header_begin(struct wr *w, uint8_t type);
/* Patches the length of the message that began at off. */
bool bgp_header_end(struct wr *w, size_t off);

/* ---- OPEN (RFC 4271 4.2, RFC 5492) ---- */

#define BGP_MAX_AFS 2
struct bgp_open {
	uint8_t version;
	uint16_t my_as;       /* as on the wire (AS_TRANS if 4-octet) */
	uint16_t hold_time;
	uint32_t bgp_id;      /* host order */
	uint32_t as4;         /* from the capability, 0 = none */
	bool cap_as4, cap_rr, cap_enh_rr, cap_gr, cap_ext_msg;
	bool af_v4, af_v6;    /* multiprotocol capabilities */
	bool cap_mp;          /* any multiprotocol capability seen */
	uint16_t gr_time;
	bool gr_restarting;
	uint8_t gr_af_flags[BGP_MAX_AFS]; /* bit 0x80: forwarding preserved */
	bool gr_af[BGP_MAX_AFS];
	uint16_t n_unknown_caps;
};

/* Decodes an OPEN body (after the header); structural and RFC 4271 6.2
 * checks that need no local config. */
struct bgp_disp bgp_open_decode(struct rd *body, struct bgp_open *o);
/* Encodes a full OPEN message. */
bool bgp_open_encode(struct wr *w, const struct bgp_open *o);

/* ---- NOTIFICATION (4.5), KEEPALIVE (4.4), ROUTE-REFRESH (RFC 2918) ---- */

struct bgp_notif {
	uint8_t code, sub;
	uint16_t data_len;
	const uint8_t *data; /* borrowed from the decoded buffer */
};
bool bgp_notif_decode(struct rd *body, struct bgp_notif *n);
bool bgp_notif_encode(struct wr *w, uint8_t code, uint8_t sub,
		      const uint8_t *data, size_t data_len);
/* "Cease/Administrative Shutdown: \"text\"" style text; always terminated. */
void bgp_notif_format(const struct bgp_notif *n, char *buf, size_t size);
/* RFC 8203/9003: data = length octet + UTF-8 text. Returns the encoded
 * length written to out (<= 256). */
size_t bgp_shutdown_comm_encode(const char *text, uint8_t out[256]);
bool bgp_keepalive_encode(struct wr *w);
bool bgp_refresh_encode(struct wr *w, uint16_t afi, uint8_t safi);
struct bgp_disp bgp_refresh_decode(struct rd *body, uint16_t *afi,
				   uint8_t *safi);

/* Fills a disposition (helper used by decoders and tests). */
struct bgp_disp bgp_disp_reset(uint8_t code, uint8_t sub, const void *data,
			       size_t data_len);

#endif
