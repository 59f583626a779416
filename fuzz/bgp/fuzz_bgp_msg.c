/*
 * Message decoder fuzzer: the input is a byte stream as read from a peer.
 * Every complete message goes through the header check and its type's
 * decoder (OPEN with capabilities, UPDATE with attributes, NOTIFICATION
 * incl. its text formatting, ROUTE-REFRESH). Encoders are exercised on
 * what decoded cleanly (OPEN round trip must be stable).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/attr.h"
#include "bgp/bgp_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bgp_attr_buf scratch;

static void open_roundtrip(const struct bgp_open *o)
{
	uint8_t buf[512];
	struct wr w;
	wr_init(&w, buf, sizeof(buf));
	if (!bgp_open_encode(&w, o))
		return;
	struct rd r;
	rd_init(&r, buf + BGP_HEADER_LEN, wr_len(&w) - BGP_HEADER_LEN);
	struct bgp_open again;
	if (bgp_open_decode(&r, &again).kind != BGP_OK)
		abort();
	if (again.as4 != o->as4 || again.af_v6 != o->af_v6 ||
	    again.hold_time != o->hold_time || again.gr_time != o->gr_time)
		abort();
}

static void one(uint8_t type, struct rd *body, uint8_t mode)
{
	switch (type) {
	case BGP_MSG_OPEN: {
		struct bgp_open o;
		if (bgp_open_decode(body, &o).kind == BGP_OK)
			open_roundtrip(&o);
		break;
	}
	case BGP_MSG_UPDATE: {
		struct bgp_decode_ctx ctx = { .as4 = mode & 1, .ebgp = mode & 2,
					      .peer_as = 65001, .v6 = mode & 4 };
		struct bgp_update u;
		bgp_update_decode(body, &ctx, &scratch, &u);
		uint16_t afi;
		(void)bgp_update_is_eor(&u, &afi);
		char text[512];
		bgp_aspath_format(&u.attrs, text, sizeof(text));
		break;
	}
	case BGP_MSG_NOTIFICATION: {
		struct bgp_notif n;
		char text[300];
		if (bgp_notif_decode(body, &n))
			bgp_notif_format(&n, text, sizeof(text));
		break;
	}
	case BGP_MSG_ROUTE_REFRESH: {
		uint16_t afi;
		uint8_t safi;
		(void)bgp_refresh_decode(body, &afi, &safi);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	struct rd in;
	rd_init(&in, data + 1, size - 1);
	while (rd_left(&in) >= BGP_HEADER_LEN) {
		const uint8_t *hdr = rd_cur(&in);
		uint8_t type;
		uint16_t len;
		struct bgp_disp d = bgp_header_check(hdr, &type, &len);
		if (d.kind != BGP_OK || len > rd_left(&in))
			break;
		struct rd msg;
		rd_sub(&in, len, &msg);
		rd_skip(&msg, BGP_HEADER_LEN);
		one(type, &msg, mode);
	}
	return 0;
}
