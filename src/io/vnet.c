/* virtio_net_hdr (legacy, little-endian on the hosts we run on). */
#include "io/pkt.h"

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

bool io_vnet_parse(const uint8_t *p, size_t len, struct io_vnet *v)
{
	if (len < IO_VNET_HDR_LEN)
		return false;
	v->flags = p[0];
	v->gso_type = p[1];
	v->hdr_len = le16(p + 2);
	v->gso_size = le16(p + 4);
	v->csum_start = le16(p + 6);
	v->csum_offset = le16(p + 8);
	return true;
}

void io_vnet_write(const struct io_vnet *v, uint8_t *p)
{
	p[0] = v->flags;
	p[1] = v->gso_type;
	put_le16(p + 2, v->hdr_len);
	put_le16(p + 4, v->gso_size);
	put_le16(p + 6, v->csum_start);
	put_le16(p + 8, v->csum_offset);
}
