/*
 * The event loop: epoll for file descriptors, a min-heap of timers on an
 * injectable monotonic clock, and signalfd for signals. Single-threaded;
 * callbacks may add, modify or remove any registration, including their own.
 *
 * Timers are embedded in their owner (struct loop_timer), so arming and
 * cancelling never allocate. An owner must cancel its timers before freeing
 * them; loop_timer_cancel on an unarmed timer is a no-op.
 */
#ifndef VGW_BASE_LOOP_H
#define VGW_BASE_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/clock.h"

struct loop;

typedef void (*loop_io_fn)(void *arg, int fd, uint32_t events);
typedef void (*loop_timer_fn)(void *arg);
typedef void (*loop_signal_fn)(void *arg, int signo);

struct loop_timer {
	struct vtime deadline;
	size_t heap_idx; /* SIZE_MAX when not armed */
	loop_timer_fn fn;
	void *arg;
};

/* clk must outlive the loop. Returns NULL on failure (errno set). */
struct loop *loop_new(const struct clock *clk);
/* NULL-safe. Closes the signalfd; does not close registered fds. */
void loop_free(struct loop *loop);
struct vtime loop_now(const struct loop *loop);
const struct clock *loop_clock(const struct loop *loop);

/* events: EPOLLIN / EPOLLOUT / ... Returns 0 or -errno. */
int loop_io_add(struct loop *loop, int fd, uint32_t events, loop_io_fn fn,
		void *arg);
int loop_io_mod(struct loop *loop, int fd, uint32_t events);
/* Removes fd (does not close it). Safe inside a callback. */
void loop_io_del(struct loop *loop, int fd);

void loop_timer_init(struct loop_timer *t, loop_timer_fn fn, void *arg);
void loop_timer_arm_at(struct loop *loop, struct loop_timer *t, struct vtime at);
void loop_timer_arm_ms(struct loop *loop, struct loop_timer *t, int64_t ms);
void loop_timer_cancel(struct loop *loop, struct loop_timer *t);
bool loop_timer_armed(const struct loop_timer *t);
/* Milliseconds until t fires (0 if due), or -1 if not armed. */
int64_t loop_timer_remaining_ms(const struct loop *loop,
				const struct loop_timer *t);

/* Blocks signo and delivers it through the loop. Returns 0 or -errno. */
int loop_signal_add(struct loop *loop, int signo, loop_signal_fn fn, void *arg);

/*
 * One iteration: wait for I/O at most until the next timer or max_wait_ms
 * (-1: no limit), dispatch I/O, then run every due timer. Returns the number
 * of callbacks run, or -errno.
 */
int loop_run_once(struct loop *loop, int max_wait_ms);
/* Runs until loop_stop(). Returns 0, or -errno on a fatal epoll error. */
int loop_run(struct loop *loop);
void loop_stop(struct loop *loop);

#endif
