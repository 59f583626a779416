/*
 * Monotonic time as its own type, and an injectable clock.
 *
 * Protocol code never calls clock_gettime() itself: it asks a struct clock,
 * which is the system's CLOCK_MONOTONIC in the daemon and a hand-stepped fake
 * in tests, so timer behaviour (hold timers, retransmits, DPD, rekeys) is
 * tested deterministically.
 */
#ifndef VGW_BASE_CLOCK_H
#define VGW_BASE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Nanoseconds on a monotonic clock; only differences mean anything. */
struct vtime {
	int64_t ns;
};

#define VTIME_NS_PER_MS 1000000LL
#define VTIME_NS_PER_S 1000000000LL

struct clock {
	struct vtime (*now)(const struct clock *c);
	int64_t fake_ns; /* used by clock_fake only */
};

/* The system monotonic clock. */
extern const struct clock clock_system;

struct vtime clock_now(const struct clock *c);

/* A fake clock starting at start_ns; advance it with clock_fake_advance. */
void clock_fake_init(struct clock *c, int64_t start_ns);
void clock_fake_advance(struct clock *c, int64_t ns);

static inline struct vtime vtime_add_ms(struct vtime t, int64_t ms)
{
	return (struct vtime){ t.ns + ms * VTIME_NS_PER_MS };
}

static inline int64_t vtime_diff_ms(struct vtime later, struct vtime earlier)
{
	return (later.ns - earlier.ns) / VTIME_NS_PER_MS;
}

static inline bool vtime_before(struct vtime a, struct vtime b)
{
	return a.ns < b.ns;
}

/* Wall-clock seconds since the epoch, for display only. */
int64_t clock_wall_seconds(void);

#endif
