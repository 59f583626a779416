#include "base/clock.h"

#include <time.h>

static struct vtime system_now(const struct clock *c)
{
	(void)c;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (struct vtime){ (int64_t)ts.tv_sec * VTIME_NS_PER_S + ts.tv_nsec };
}

const struct clock clock_system = { .now = system_now, .fake_ns = 0 };

struct vtime clock_now(const struct clock *c)
{
	return c->now(c);
}

static struct vtime fake_now(const struct clock *c)
{
	return (struct vtime){ c->fake_ns };
}

void clock_fake_init(struct clock *c, int64_t start_ns)
{
	c->now = fake_now;
	c->fake_ns = start_ns;
}

void clock_fake_advance(struct clock *c, int64_t ns)
{
	c->fake_ns += ns;
}

int64_t clock_wall_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}
