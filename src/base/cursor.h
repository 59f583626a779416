/*
 * Bounded cursors for wire data.
 *
 * Every read of untrusted bytes goes through struct rd: a getter either
 * succeeds completely and advances, or fails and leaves the cursor where it
 * was. A TLV body is read through a sub-reader (rd_sub) sized by its declared
 * length, so an inner decoder cannot run past its container.
 *
 * struct wr is the matching writer: it tracks capacity, and the first write
 * that does not fit sets a sticky error (wr_ok() turns false) and writes
 * nothing, so an encoder can emit a whole message and check once.
 */
#ifndef VGW_BASE_CURSOR_H
#define VGW_BASE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rd {
	const uint8_t *p;
	size_t len;
	size_t off;
};

struct wr {
	uint8_t *p;
	size_t cap;
	size_t len;
	bool err;
};

void rd_init(struct rd *r, const void *p, size_t len);
size_t rd_left(const struct rd *r);
bool rd_done(const struct rd *r);
/* Pointer to the next unread byte (valid for rd_left() bytes). */
const uint8_t *rd_cur(const struct rd *r);

bool rd_u8(struct rd *r, uint8_t *v);
bool rd_u16be(struct rd *r, uint16_t *v);
bool rd_u24be(struct rd *r, uint32_t *v);
bool rd_u32be(struct rd *r, uint32_t *v);
bool rd_u64be(struct rd *r, uint64_t *v);
bool rd_bytes(struct rd *r, void *dst, size_t n);
bool rd_skip(struct rd *r, size_t n);
/* Borrow n bytes in place: *p points into the reader's buffer. */
bool rd_ptr(struct rd *r, size_t n, const uint8_t **p);
/* Split off the next n bytes as an independent reader and advance past them. */
bool rd_sub(struct rd *r, size_t n, struct rd *sub);
/* Look at the next byte(s) without advancing. */
bool rd_peek_u8(const struct rd *r, uint8_t *v);
bool rd_peek_u16be(const struct rd *r, uint16_t *v);

void wr_init(struct wr *w, void *p, size_t cap);
bool wr_ok(const struct wr *w);
size_t wr_len(const struct wr *w);
bool wr_u8(struct wr *w, uint8_t v);
bool wr_u16be(struct wr *w, uint16_t v);
bool wr_u24be(struct wr *w, uint32_t v);
bool wr_u32be(struct wr *w, uint32_t v);
bool wr_u64be(struct wr *w, uint64_t v);
bool wr_bytes(struct wr *w, const void *src, size_t n);
bool wr_zero(struct wr *w, size_t n);
/*
 * Reserve n bytes to be filled in later (length fields). Returns the offset
 * of the reserved bytes, or SIZE_MAX on overflow (sticky error set).
 */
size_t wr_reserve(struct wr *w, size_t n);
/* Patch bytes previously written or reserved at off. */
bool wr_patch_u8(struct wr *w, size_t off, uint8_t v);
bool wr_patch_u16be(struct wr *w, size_t off, uint16_t v);
bool wr_patch_u32be(struct wr *w, size_t off, uint32_t v);

#endif
