#include "base/cursor.h"

#include <string.h>

void rd_init(struct rd *r, const void *p, size_t len)
{
	r->p = p;
	r->len = p ? len : 0;
	r->off = 0;
}

size_t rd_left(const struct rd *r)
{
	return r->len - r->off;
}

bool rd_done(const struct rd *r)
{
	return r->off == r->len;
}

const uint8_t *rd_cur(const struct rd *r)
{
	return r->p + r->off;
}

bool rd_u8(struct rd *r, uint8_t *v)
{
	if (rd_left(r) < 1)
		return false;
	*v = r->p[r->off++];
	return true;
}

bool rd_u16be(struct rd *r, uint16_t *v)
{
	if (rd_left(r) < 2)
		return false;
	const uint8_t *b = r->p + r->off;
	*v = (uint16_t)((b[0] << 8) | b[1]);
	r->off += 2;
	return true;
}

bool rd_u24be(struct rd *r, uint32_t *v)
{
	if (rd_left(r) < 3)
		return false;
	const uint8_t *b = r->p + r->off;
	*v = ((uint32_t)b[0] << 16) | ((uint32_t)b[1] << 8) | b[2];
	r->off += 3;
	return true;
}

bool rd_u32be(struct rd *r, uint32_t *v)
{
	if (rd_left(r) < 4)
		return false;
	const uint8_t *b = r->p + r->off;
	*v = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	     ((uint32_t)b[2] << 8) | b[3];
	r->off += 4;
	return true;
}

bool rd_u64be(struct rd *r, uint64_t *v)
{
	if (rd_left(r) < 8)
		return false;
	uint64_t x = 0;
	for (int i = 0; i < 8; i++)
		x = (x << 8) | r->p[r->off + i];
	*v = x;
	r->off += 8;
	return true;
}

bool rd_bytes(struct rd *r, void *dst, size_t n)
{
	if (rd_left(r) < n)
		return false;
	if (n)
		memcpy(dst, r->p + r->off, n);
	r->off += n;
	return true;
}

bool rd_skip(struct rd *r, size_t n)
{
	if (rd_left(r) < n)
		return false;
	r->off += n;
	return true;
}

bool rd_ptr(struct rd *r, size_t n, const uint8_t **p)
{
	if (rd_left(r) < n)
		return false;
	*p = r->p + r->off;
	r->off += n;
	return true;
}

bool rd_sub(struct rd *r, size_t n, struct rd *sub)
{
	if (rd_left(r) < n)
		return false;
	sub->p = r->p + r->off;
	sub->len = n;
	sub->off = 0;
	r->off += n;
	return true;
}

bool rd_peek_u8(const struct rd *r, uint8_t *v)
{
	if (rd_left(r) < 1)
		return false;
	*v = r->p[r->off];
	return true;
}

bool rd_peek_u16be(const struct rd *r, uint16_t *v)
{
	struct rd tmp = *r;
	return rd_u16be(&tmp, v);
}

void wr_init(struct wr *w, void *p, size_t cap)
{
	w->p = p;
	w->cap = p ? cap : 0;
	w->len = 0;
	w->err = false;
}

bool wr_ok(const struct wr *w)
{
	return !w->err;
}

size_t wr_len(const struct wr *w)
{
	return w->len;
}

static bool wr_room(struct wr *w, size_t n)
{
	if (w->err || w->cap - w->len < n) {
		w->err = true;
		return false;
	}
	return true;
}

bool wr_u8(struct wr *w, uint8_t v)
{
	if (!wr_room(w, 1))
		return false;
	w->p[w->len++] = v;
	return true;
}

bool wr_u16be(struct wr *w, uint16_t v)
{
	if (!wr_room(w, 2))
		return false;
	w->p[w->len++] = (uint8_t)(v >> 8);
	w->p[w->len++] = (uint8_t)v;
	return true;
}

bool wr_u24be(struct wr *w, uint32_t v)
{
	if (v > 0xffffff || !wr_room(w, 3)) {
		w->err = true;
		return false;
	}
	w->p[w->len++] = (uint8_t)(v >> 16);
	w->p[w->len++] = (uint8_t)(v >> 8);
	w->p[w->len++] = (uint8_t)v;
	return true;
}

bool wr_u32be(struct wr *w, uint32_t v)
{
	if (!wr_room(w, 4))
		return false;
	for (int s = 24; s >= 0; s -= 8)
		w->p[w->len++] = (uint8_t)(v >> s);
	return true;
}

bool wr_u64be(struct wr *w, uint64_t v)
{
	if (!wr_room(w, 8))
		return false;
	for (int s = 56; s >= 0; s -= 8)
		w->p[w->len++] = (uint8_t)(v >> s);
	return true;
}

bool wr_bytes(struct wr *w, const void *src, size_t n)
{
	if (!wr_room(w, n))
		return false;
	if (n)
		memcpy(w->p + w->len, src, n);
	w->len += n;
	return true;
}

bool wr_zero(struct wr *w, size_t n)
{
	if (!wr_room(w, n))
		return false;
	memset(w->p + w->len, 0, n);
	w->len += n;
	return true;
}

size_t wr_reserve(struct wr *w, size_t n)
{
	if (!wr_room(w, n))
		return SIZE_MAX;
	size_t off = w->len;
	memset(w->p + off, 0, n);
	w->len += n;
	return off;
}

static bool wr_patch_room(struct wr *w, size_t off, size_t n)
{
	if (off > w->len || w->len - off < n) {
		w->err = true;
		return false;
	}
	return true;
}

bool wr_patch_u8(struct wr *w, size_t off, uint8_t v)
{
	if (!wr_patch_room(w, off, 1))
		return false;
	w->p[off] = v;
	return true;
}

bool wr_patch_u16be(struct wr *w, size_t off, uint16_t v)
{
	if (!wr_patch_room(w, off, 2))
		return false;
	w->p[off] = (uint8_t)(v >> 8);
	w->p[off + 1] = (uint8_t)v;
	return true;
}

bool wr_patch_u32be(struct wr *w, size_t off, uint32_t v)
{
	if (!wr_patch_room(w, off, 4))
		return false;
	w->p[off] = (uint8_t)(v >> 24);
	w->p[off + 1] = (uint8_t)(v >> 16);
	w->p[off + 2] = (uint8_t)(v >> 8);
	w->p[off + 3] = (uint8_t)v;
	return true;
}
