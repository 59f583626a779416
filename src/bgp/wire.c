/*
 * BGP message codec: header, OPEN with capabilities, NOTIFICATION,
 * KEEPALIVE, ROUTE-REFRESH, and the name tables. UPDATE lives in update.c.
 */
#include "bgp/bgp_wire.h"

#include <stdio.h>
#include <string.h>

/* ---- name tables, generated from the X-macro lists ---- */

const char *bgp_msg_name(int type)
{
	switch (type) {
#define X_CASE(n, v, s) case v: return s;
		BGP_MSG_TYPES(X_CASE)
#undef X_CASE
	}
	return "unknown message";
}

const char *bgp_err_name(int code)
{
	switch (code) {
#define X_CASE(n, v, s) case v: return s;
		BGP_ERR_CODES(X_CASE)
#undef X_CASE
	}
	return "Unknown Error";
}

const char *bgp_suberr_name(int code, int subcode)
{
	if (subcode == 0)
		return "Unspecific";
#define X_IF(c, v, n, s) if (code == c && subcode == v) return s;
	BGP_ERR_SUBCODES(X_IF)
#undef X_IF
	return "Unknown Subcode";
}

const char *bgp_attr_name(int type)
{
	switch (type) {
#define X_CASE(n, v, s) case v: return s;
		BGP_ATTR_TYPES(X_CASE)
#undef X_CASE
	}
	return "unknown attribute";
}

const char *bgp_cap_name(int code)
{
	switch (code) {
#define X_CASE(n, v, s) case v: return s;
		BGP_CAP_CODES(X_CASE)
#undef X_CASE
	}
	return "unknown capability";
}

struct bgp_disp bgp_disp_reset(uint8_t code, uint8_t sub, const void *data,
			       size_t data_len)
{
	struct bgp_disp d = { .kind = BGP_RESET, .code = code, .sub = sub };
	if (data_len > sizeof(d.data))
		data_len = sizeof(d.data);
	if (data_len > 0)
		memcpy(d.data, data, data_len);
	d.data_len = (uint16_t)data_len;
	return d;
}

/* ---- header ---- */

/*
 *  0                   1                   2                   3
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Marker (16 x 0xff)                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Length               |      Type     |
 */
static uint16_t min_len(uint8_t type)
{
	switch (type) {
	case BGP_MSG_OPEN:
		return 29;
	case BGP_MSG_UPDATE:
		return 23;
	case BGP_MSG_NOTIFICATION:
		return 21;
	case BGP_MSG_KEEPALIVE:
		return 19;
	case BGP_MSG_ROUTE_REFRESH:
		return 23;
	}
	return 0;
}

struct bgp_disp bgp_header_check(const uint8_t hdr[BGP_HEADER_LEN],
				 uint8_t *type, uint16_t *len)
{
	struct rd r;
	rd_init(&r, hdr, BGP_HEADER_LEN);
	const uint8_t *marker;
	uint16_t l;
	uint8_t t;
	rd_ptr(&r, BGP_MARKER_LEN, &marker);
	rd_u16be(&r, &l);
	rd_u8(&r, &t);
	for (int i = 0; i < BGP_MARKER_LEN; i++) {
		if (marker[i] != 0xff)
			return bgp_disp_reset(BGP_ERR_HEADER, BGP_SUB_HDR_SYNC,
					      NULL, 0);
	}
	/* RFC 4271 6.1: the erroneous Length field goes in the data. */
	uint8_t ldata[2] = { (uint8_t)(l >> 8), (uint8_t)l };
	if (l < BGP_HEADER_LEN || l > BGP_MAX_MSG)
		return bgp_disp_reset(BGP_ERR_HEADER, BGP_SUB_HDR_LEN, ldata, 2);
	uint16_t min = min_len(t);
	if (min == 0)
		return bgp_disp_reset(BGP_ERR_HEADER, BGP_SUB_HDR_TYPE, &t, 1);
	if (l < min || (t == BGP_MSG_KEEPALIVE && l != BGP_HEADER_LEN))
		return bgp_disp_reset(BGP_ERR_HEADER, BGP_SUB_HDR_LEN, ldata, 2);
	*type = t;
	*len = l;
	return (struct bgp_disp){ .kind = BGP_OK };
}

size_t bgp_header_begin(struct wr *w, uint8_t type)
{
	size_t off = wr_len(w);
	uint8_t marker[BGP_MARKER_LEN];
	memset(marker, 0xff, sizeof(marker));
	wr_bytes(w, marker, sizeof(marker));
	wr_u16be(w, 0);
	wr_u8(w, type);
	return off;
}

bool bgp_header_end(struct wr *w, size_t off)
{
	size_t len = wr_len(w) - off;
	if (!wr_ok(w) || len > BGP_MAX_MSG)
		return false;
	return wr_patch_u16be(w, off + BGP_MARKER_LEN, (uint16_t)len);
}

/* ---- OPEN ---- */

/*
 *  | Version (1) | My AS (2) | Hold Time (2) | BGP Identifier (4) |
 *  | Opt Parm Len (1) | Optional Parameters (variable)             |
 * Optional parameter: | Type (1) | Length (1) | Value |; type 2 holds
 * capabilities | Code (1) | Length (1) | Value | (RFC 5492).
 */
static void cap_mp(struct rd *v, struct bgp_open *o)
{
	uint16_t afi;
	uint8_t res, safi;
	if (rd_left(v) != 4 || !rd_u16be(v, &afi) || !rd_u8(v, &res) ||
	    !rd_u8(v, &safi))
		return; /* malformed capability: ignored like an unknown one */
	o->cap_mp = true;
	if (safi != BGP_SAFI_UNICAST)
		return;
	if (afi == BGP_AFI_IPV4)
		o->af_v4 = true;
	else if (afi == BGP_AFI_IPV6)
		o->af_v6 = true;
}

/* RFC 4724 3: | R(1) rsvd(3) Restart Time (12) | then (AFI, SAFI, flags)* */
static void cap_gr(struct rd *v, struct bgp_open *o)
{
	uint16_t w;
	if (!rd_u16be(v, &w))
		return;
	o->cap_gr = true;
	o->gr_restarting = (w & 0x8000) != 0;
	o->gr_time = w & 0x0fff;
	while (rd_left(v) >= 4) {
		uint16_t afi;
		uint8_t safi, flags;
		rd_u16be(v, &afi);
		rd_u8(v, &safi);
		rd_u8(v, &flags);
		if (safi == BGP_SAFI_UNICAST && afi >= 1 && afi <= BGP_MAX_AFS) {
			o->gr_af[afi - 1] = true;
			o->gr_af_flags[afi - 1] = flags;
		}
	}
}

static void open_cap(uint8_t code, struct rd *v, struct bgp_open *o)
{
	switch (code) {
	case BGP_CAP_MP:
		cap_mp(v, o);
		break;
	case BGP_CAP_ROUTE_REFRESH:
		o->cap_rr = true;
		break;
	case BGP_CAP_ENH_RR:
		o->cap_enh_rr = true;
		break;
	case BGP_CAP_EXT_MSG:
		o->cap_ext_msg = true; /* noted; never negotiated (not offered) */
		break;
	case BGP_CAP_GR:
		cap_gr(v, o);
		break;
	case BGP_CAP_AS4:
		if (rd_left(v) == 4 && rd_u32be(v, &o->as4))
			o->cap_as4 = true;
		break;
	default:
		/* RFC 5492 3: unknown capabilities are ignored. */
		o->n_unknown_caps++;
		break;
	}
}

static struct bgp_disp open_params(struct rd *params, struct bgp_open *o)
{
	while (!rd_done(params)) {
		uint8_t type, len;
		struct rd val;
		if (!rd_u8(params, &type) || !rd_u8(params, &len) ||
		    !rd_sub(params, len, &val))
			return bgp_disp_reset(BGP_ERR_OPEN, BGP_SUB_UNSPECIFIC,
					      NULL, 0);
		if (type != 2) /* RFC 5492: only Capabilities (2) */
			return bgp_disp_reset(BGP_ERR_OPEN,
					      BGP_SUB_OPEN_OPT_PARAM, NULL, 0);
		while (!rd_done(&val)) {
			uint8_t code, clen;
			struct rd cv;
			if (!rd_u8(&val, &code) || !rd_u8(&val, &clen) ||
			    !rd_sub(&val, clen, &cv))
				return bgp_disp_reset(BGP_ERR_OPEN,
						      BGP_SUB_UNSPECIFIC, NULL, 0);
			open_cap(code, &cv, o);
		}
	}
	return (struct bgp_disp){ .kind = BGP_OK };
}

struct bgp_disp bgp_open_decode(struct rd *body, struct bgp_open *o)
{
	memset(o, 0, sizeof(*o));
	uint8_t plen;
	struct rd params;
	if (!rd_u8(body, &o->version) || !rd_u16be(body, &o->my_as) ||
	    !rd_u16be(body, &o->hold_time) || !rd_u32be(body, &o->bgp_id) ||
	    !rd_u8(body, &plen))
		return bgp_disp_reset(BGP_ERR_HEADER, BGP_SUB_HDR_LEN, NULL, 0);
	/* RFC 4271 6.2: version first, data = largest supported version. */
	if (o->version != 4) {
		uint8_t v[2] = { 0, 4 };
		return bgp_disp_reset(BGP_ERR_OPEN, BGP_SUB_OPEN_VERSION, v, 2);
	}
	if (!rd_sub(body, plen, &params) || !rd_done(body))
		return bgp_disp_reset(BGP_ERR_OPEN, BGP_SUB_UNSPECIFIC, NULL, 0);
	struct bgp_disp d = open_params(&params, o);
	if (d.kind != BGP_OK)
		return d;
	if (o->hold_time == 1 || o->hold_time == 2)
		return bgp_disp_reset(BGP_ERR_OPEN, BGP_SUB_OPEN_HOLD, NULL, 0);
	if (o->bgp_id == 0 || o->bgp_id == 0xffffffffu)
		return bgp_disp_reset(BGP_ERR_OPEN, BGP_SUB_OPEN_BGP_ID, NULL, 0);
	if (o->cap_as4 && o->as4 == 0)
		return bgp_disp_reset(BGP_ERR_OPEN, BGP_SUB_OPEN_PEER_AS, NULL, 0);
	if (!o->cap_mp)
		o->af_v4 = true; /* RFC 4760 8: no MP capability = IPv4 unicast */
	return (struct bgp_disp){ .kind = BGP_OK };
}

static void put_cap_mp(struct wr *w, uint16_t afi)
{
	wr_u8(w, BGP_CAP_MP);
	wr_u8(w, 4);
	wr_u16be(w, afi);
	wr_u8(w, 0);
	wr_u8(w, BGP_SAFI_UNICAST);
}

bool bgp_open_encode(struct wr *w, const struct bgp_open *o)
{
	size_t off = bgp_header_begin(w, BGP_MSG_OPEN);
	wr_u8(w, o->version);
	wr_u16be(w, o->my_as);
	wr_u16be(w, o->hold_time);
	wr_u32be(w, o->bgp_id);
	size_t plen_off = wr_reserve(w, 1);
	size_t p0 = wr_len(w);
	wr_u8(w, 2);
	size_t clen_off = wr_reserve(w, 1);
	size_t c0 = wr_len(w);
	if (o->af_v4)
		put_cap_mp(w, BGP_AFI_IPV4);
	if (o->af_v6)
		put_cap_mp(w, BGP_AFI_IPV6);
	if (o->cap_rr) {
		wr_u8(w, BGP_CAP_ROUTE_REFRESH);
		wr_u8(w, 0);
	}
	if (o->cap_as4) {
		wr_u8(w, BGP_CAP_AS4);
		wr_u8(w, 4);
		wr_u32be(w, o->as4);
	}
	if (o->cap_gr) {
		uint8_t n = 0;
		for (int i = 0; i < BGP_MAX_AFS; i++)
			n += o->gr_af[i];
		wr_u8(w, BGP_CAP_GR);
		wr_u8(w, (uint8_t)(2 + 4 * n));
		wr_u16be(w, (uint16_t)((o->gr_restarting ? 0x8000 : 0) |
				       (o->gr_time & 0x0fff)));
		for (int i = 0; i < BGP_MAX_AFS; i++) {
			if (!o->gr_af[i])
				continue;
			wr_u16be(w, (uint16_t)(i + 1));
			wr_u8(w, BGP_SAFI_UNICAST);
			wr_u8(w, o->gr_af_flags[i]);
		}
	}
	wr_patch_u8(w, clen_off, (uint8_t)(wr_len(w) - c0));
	wr_patch_u8(w, plen_off, (uint8_t)(wr_len(w) - p0));
	return bgp_header_end(w, off);
}

/* ---- NOTIFICATION ---- */

/* | Error code (1) | Error subcode (1) | Data (variable) | */
bool bgp_notif_decode(struct rd *body, struct bgp_notif *n)
{
	if (!rd_u8(body, &n->code) || !rd_u8(body, &n->sub))
		return false;
	n->data_len = (uint16_t)rd_left(body);
	return rd_ptr(body, n->data_len, &n->data);
}

bool bgp_notif_encode(struct wr *w, uint8_t code, uint8_t sub,
		      const uint8_t *data, size_t data_len)
{
	size_t off = bgp_header_begin(w, BGP_MSG_NOTIFICATION);
	wr_u8(w, code);
	wr_u8(w, sub);
	if (data_len > 0)
		wr_bytes(w, data, data_len);
	return bgp_header_end(w, off);
}

size_t bgp_shutdown_comm_encode(const char *text, uint8_t out[256])
{
	size_t n = text != NULL ? strlen(text) : 0;
	if (n > 255)
		n = 255;
	/* Do not cut a UTF-8 sequence in half (RFC 9003 2). */
	while (n > 0 && n < (text ? strlen(text) : 0) &&
	       ((uint8_t)text[n] & 0xc0) == 0x80)
		n--;
	out[0] = (uint8_t)n;
	if (n > 0)
		memcpy(out + 1, text, n);
	return n + 1;
}

/* Copies printable text; anything else becomes '?' so logs stay sane. */
static void safe_text(const uint8_t *p, size_t n, char *out, size_t size)
{
	size_t j = 0;
	for (size_t i = 0; i < n && j + 1 < size; i++)
		out[j++] = (p[i] >= 0x20 && p[i] != 0x7f) ? (char)p[i] : '?';
	out[j] = '\0';
}

void bgp_notif_format(const struct bgp_notif *n, char *buf, size_t size)
{
	int k = snprintf(buf, size, "%s/%s (%u/%u)", bgp_err_name(n->code),
			 bgp_suberr_name(n->code, n->sub), n->code, n->sub);
	if (k < 0 || (size_t)k >= size)
		return;
	size_t used = (size_t)k;
	struct rd r;
	rd_init(&r, n->data, n->data_len);
	uint8_t clen;
	bool is_comm = n->code == BGP_ERR_CEASE &&
		       (n->sub == BGP_SUB_CEASE_SHUTDOWN ||
			n->sub == BGP_SUB_CEASE_RESET);
	if (is_comm && rd_u8(&r, &clen) && clen > 0 && clen <= rd_left(&r)) {
		char text[256];
		safe_text(rd_cur(&r), clen, text, sizeof(text));
		snprintf(buf + used, size - used, ": \"%s\"", text);
		return;
	}
	if (n->code == BGP_ERR_CEASE && n->sub == BGP_SUB_CEASE_MAX_PREFIX &&
	    n->data_len == 7) {
		uint16_t afi;
		uint8_t safi;
		uint32_t lim;
		rd_u16be(&r, &afi);
		rd_u8(&r, &safi);
		rd_u32be(&r, &lim);
		snprintf(buf + used, size - used, ": afi %u safi %u limit %u",
			 afi, safi, lim);
		return;
	}
	for (size_t i = 0; i < n->data_len && used + 4 < size && i < 32; i++) {
		k = snprintf(buf + used, size - used, "%s%02x",
			     i == 0 ? " data " : "", n->data[i]);
		if (k < 0)
			return;
		used += (size_t)k;
	}
}

bool bgp_keepalive_encode(struct wr *w)
{
	size_t off = bgp_header_begin(w, BGP_MSG_KEEPALIVE);
	return bgp_header_end(w, off);
}

/* RFC 2918 3: | AFI (2) | Reserved (1) | SAFI (1) | */
bool bgp_refresh_encode(struct wr *w, uint16_t afi, uint8_t safi)
{
	size_t off = bgp_header_begin(w, BGP_MSG_ROUTE_REFRESH);
	wr_u16be(w, afi);
	wr_u8(w, 0);
	wr_u8(w, safi);
	return bgp_header_end(w, off);
}

struct bgp_disp bgp_refresh_decode(struct rd *body, uint16_t *afi,
				   uint8_t *safi)
{
	uint8_t res;
	if (rd_left(body) != 4) {
		/* RFC 7313 5: data = the complete message; we only have the
		 * body here, the session adds nothing more. */
		return bgp_disp_reset(BGP_ERR_RREFRESH, BGP_SUB_RR_LEN,
				      rd_cur(body), rd_left(body));
	}
	rd_u16be(body, afi);
	rd_u8(body, &res);
	rd_u8(body, safi);
	return (struct bgp_disp){ .kind = BGP_OK };
}
