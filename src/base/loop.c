#include "base/loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define LOOP_MAX_EVENTS 64
#define LOOP_MAX_SIGNALS 8

struct loop_io {
	loop_io_fn fn;
	void *arg;
	uint32_t gen;
	bool active;
};

struct loop_sig {
	int signo;
	loop_signal_fn fn;
	void *arg;
};

struct loop {
	const struct clock *clk;
	int epfd;
	bool stop;
	struct loop_io *io; /* indexed by fd */
	size_t io_cap;
	struct loop_timer **heap;
	size_t heap_len, heap_cap;
	int sigfd;
	sigset_t sigmask;
	struct loop_sig sigs[LOOP_MAX_SIGNALS];
	size_t nsigs;
};

struct loop *loop_new(const struct clock *clk)
{
	struct loop *loop = calloc(1, sizeof(*loop));
	if (loop == NULL)
		return NULL;
	loop->clk = clk;
	loop->sigfd = -1;
	sigemptyset(&loop->sigmask);
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return NULL;
	}
	return loop;
}

void loop_free(struct loop *loop)
{
	if (loop == NULL)
		return;
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	close(loop->epfd);
	free(loop->io);
	free(loop->heap);
	free(loop);
}

struct vtime loop_now(const struct loop *loop)
{
	return clock_now(loop->clk);
}

const struct clock *loop_clock(const struct loop *loop)
{
	return loop->clk;
}

static int io_reserve(struct loop *loop, int fd)
{
	if ((size_t)fd < loop->io_cap)
		return 0;
	size_t cap = loop->io_cap ? loop->io_cap : 64;
	while (cap <= (size_t)fd)
		cap *= 2;
	struct loop_io *n = realloc(loop->io, cap * sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	memset(n + loop->io_cap, 0, (cap - loop->io_cap) * sizeof(*n));
	loop->io = n;
	loop->io_cap = cap;
	return 0;
}

static uint64_t io_key(int fd, uint32_t gen)
{
	return ((uint64_t)gen << 32) | (uint32_t)fd;
}

int loop_io_add(struct loop *loop, int fd, uint32_t events, loop_io_fn fn,
		void *arg)
{
	if (fd < 0)
		return -EBADF;
	int rc = io_reserve(loop, fd);
	if (rc < 0)
		return rc;
	struct loop_io *io = &loop->io[fd];
	if (io->active)
		return -EEXIST;
	io->gen++;
	struct epoll_event ev = { .events = events, .data.u64 = io_key(fd, io->gen) };
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	io->fn = fn;
	io->arg = arg;
	io->active = true;
	return 0;
}

int loop_io_mod(struct loop *loop, int fd, uint32_t events)
{
	if (fd < 0 || (size_t)fd >= loop->io_cap || !loop->io[fd].active)
		return -ENOENT;
	struct epoll_event ev = { .events = events,
				  .data.u64 = io_key(fd, loop->io[fd].gen) };
	if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -errno;
	return 0;
}

void loop_io_del(struct loop *loop, int fd)
{
	if (fd < 0 || (size_t)fd >= loop->io_cap || !loop->io[fd].active)
		return;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	loop->io[fd].active = false;
	loop->io[fd].fn = NULL;
	loop->io[fd].arg = NULL;
}

/* ---- timers: binary min-heap on deadline ---- */

static bool heap_less(const struct loop *loop, size_t a, size_t b)
{
	return loop->heap[a]->deadline.ns < loop->heap[b]->deadline.ns;
}

static void heap_swap(struct loop *loop, size_t a, size_t b)
{
	struct loop_timer *t = loop->heap[a];
	loop->heap[a] = loop->heap[b];
	loop->heap[b] = t;
	loop->heap[a]->heap_idx = a;
	loop->heap[b]->heap_idx = b;
}

static void heap_up(struct loop *loop, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!heap_less(loop, i, parent))
			break;
		heap_swap(loop, i, parent);
		i = parent;
	}
}

static void heap_down(struct loop *loop, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < loop->heap_len && heap_less(loop, l, m))
			m = l;
		if (r < loop->heap_len && heap_less(loop, r, m))
			m = r;
		if (m == i)
			break;
		heap_swap(loop, i, m);
		i = m;
	}
}

void loop_timer_init(struct loop_timer *t, loop_timer_fn fn, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->heap_idx = SIZE_MAX;
	t->fn = fn;
	t->arg = arg;
}

bool loop_timer_armed(const struct loop_timer *t)
{
	return t->heap_idx != SIZE_MAX;
}

void loop_timer_cancel(struct loop *loop, struct loop_timer *t)
{
	if (!loop_timer_armed(t))
		return;
	size_t i = t->heap_idx;
	loop->heap_len--;
	if (i != loop->heap_len) {
		loop->heap[i] = loop->heap[loop->heap_len];
		loop->heap[i]->heap_idx = i;
		heap_up(loop, i);
		heap_down(loop, loop->heap[i]->heap_idx);
	}
	t->heap_idx = SIZE_MAX;
}

void loop_timer_arm_at(struct loop *loop, struct loop_timer *t, struct vtime at)
{
	loop_timer_cancel(loop, t);
	if (loop->heap_len == loop->heap_cap) {
		size_t cap = loop->heap_cap ? loop->heap_cap * 2 : 64;
		struct loop_timer **n = realloc(loop->heap, cap * sizeof(*n));
		if (n == NULL)
			abort(); /* out of memory for a timer: internal invariant */
		loop->heap = n;
		loop->heap_cap = cap;
	}
	t->deadline = at;
	t->heap_idx = loop->heap_len;
	loop->heap[loop->heap_len++] = t;
	heap_up(loop, t->heap_idx);
}

void loop_timer_arm_ms(struct loop *loop, struct loop_timer *t, int64_t ms)
{
	loop_timer_arm_at(loop, t, vtime_add_ms(loop_now(loop), ms));
}

int64_t loop_timer_remaining_ms(const struct loop *loop,
				const struct loop_timer *t)
{
	if (!loop_timer_armed(t))
		return -1;
	int64_t ms = vtime_diff_ms(t->deadline, loop_now(loop));
	return ms < 0 ? 0 : ms;
}

static int run_due_timers(struct loop *loop)
{
	int n = 0;
	struct vtime now = loop_now(loop);
	while (loop->heap_len > 0 && loop->heap[0]->deadline.ns <= now.ns) {
		struct loop_timer *t = loop->heap[0];
		loop_timer_cancel(loop, t);
		t->fn(t->arg);
		n++;
	}
	return n;
}

static int next_timeout_ms(const struct loop *loop, int max_wait_ms)
{
	if (loop->heap_len == 0)
		return max_wait_ms;
	int64_t ns = loop->heap[0]->deadline.ns - loop_now(loop).ns;
	int64_t ms = ns <= 0 ? 0 : (ns + VTIME_NS_PER_MS - 1) / VTIME_NS_PER_MS;
	if (max_wait_ms >= 0 && ms > max_wait_ms)
		ms = max_wait_ms;
	if (ms > 60000)
		ms = 60000;
	return (int)ms;
}

/* ---- signals ---- */

static void signal_ready(void *arg, int fd, uint32_t events)
{
	struct loop *loop = arg;
	struct signalfd_siginfo si;
	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		for (size_t i = 0; i < loop->nsigs; i++)
			if (loop->sigs[i].signo == (int)si.ssi_signo)
				loop->sigs[i].fn(loop->sigs[i].arg, (int)si.ssi_signo);
	}
}

int loop_signal_add(struct loop *loop, int signo, loop_signal_fn fn, void *arg)
{
	if (loop->nsigs == LOOP_MAX_SIGNALS)
		return -ENOSPC;
	sigaddset(&loop->sigmask, signo);
	if (sigprocmask(SIG_BLOCK, &loop->sigmask, NULL) < 0)
		return -errno;
	int fd = signalfd(loop->sigfd, &loop->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (loop->sigfd < 0) {
		loop->sigfd = fd;
		int rc = loop_io_add(loop, fd, EPOLLIN, signal_ready, loop);
		if (rc < 0)
			return rc;
	}
	loop->sigs[loop->nsigs++] = (struct loop_sig){ signo, fn, arg };
	return 0;
}

/* ---- running ---- */

int loop_run_once(struct loop *loop, int max_wait_ms)
{
	struct epoll_event evs[LOOP_MAX_EVENTS];
	int timeout = next_timeout_ms(loop, max_wait_ms);
	int n = epoll_wait(loop->epfd, evs, LOOP_MAX_EVENTS, timeout);
	if (n < 0) {
		if (errno == EINTR)
			return 0;
		return -errno;
	}
	int ran = 0;
	for (int i = 0; i < n; i++) {
		int fd = (int)(uint32_t)evs[i].data.u64;
		uint32_t gen = (uint32_t)(evs[i].data.u64 >> 32);
		if ((size_t)fd >= loop->io_cap)
			continue;
		struct loop_io *io = &loop->io[fd];
		/* Skip events for an fd removed (or replaced) earlier in this batch. */
		if (!io->active || io->gen != gen)
			continue;
		io->fn(io->arg, fd, evs[i].events);
		ran++;
	}
	return ran + run_due_timers(loop);
}

int loop_run(struct loop *loop)
{
	loop->stop = false;
	while (!loop->stop) {
		int rc = loop_run_once(loop, -1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void loop_stop(struct loop *loop)
{
	loop->stop = true;
}
