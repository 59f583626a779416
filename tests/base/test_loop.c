#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/loop.h"

struct fired {
	int order[8];
	int n;
};

struct tctx {
	struct fired *f;
	int id;
};

static void on_timer(void *arg)
{
	struct tctx *t = arg;
	t->f->order[t->f->n++] = t->id;
}

static void test_timers_fire_in_deadline_order(void **state)
{
	(void)state;
	struct clock clk;
	clock_fake_init(&clk, 1000 * VTIME_NS_PER_S);
	struct loop *loop = loop_new(&clk);
	assert_non_null(loop);
	struct fired f = { .n = 0 };
	struct tctx ctx[4];
	struct loop_timer t[4];
	const int64_t ms[4] = { 300, 100, 200, 400 };
	for (int i = 0; i < 4; i++) {
		ctx[i] = (struct tctx){ &f, i };
		loop_timer_init(&t[i], on_timer, &ctx[i]);
		loop_timer_arm_ms(loop, &t[i], ms[i]);
	}
	loop_timer_cancel(loop, &t[3]);
	assert_false(loop_timer_armed(&t[3]));
	assert_int_equal(loop_timer_remaining_ms(loop, &t[0]), 300);
	clock_fake_advance(&clk, 150 * VTIME_NS_PER_MS);
	assert_int_equal(loop_run_once(loop, 0), 1);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.order[0], 1);
	clock_fake_advance(&clk, 1000 * VTIME_NS_PER_MS);
	assert_int_equal(loop_run_once(loop, 0), 2);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.order[1], 2);
	assert_int_equal(f.order[2], 0);
	/* Re-arming moves a timer instead of duplicating it. */
	loop_timer_arm_ms(loop, &t[0], 10);
	loop_timer_arm_ms(loop, &t[0], 20);
	clock_fake_advance(&clk, 25 * VTIME_NS_PER_MS);
	assert_int_equal(loop_run_once(loop, 0), 1);
	loop_free(loop);
}

struct io_ctx {
	struct loop *loop;
	int reads;
	int other_fd;
};

static void on_readable(void *arg, int fd, uint32_t events)
{
	struct io_ctx *c = arg;
	char b;
	(void)events;
	assert_int_equal(read(fd, &b, 1), 1);
	c->reads++;
	/* Removing another registration from inside a callback is safe. */
	loop_io_del(c->loop, c->other_fd);
}

static void test_io_dispatch_and_removal_in_callback(void **state)
{
	(void)state;
	struct loop *loop = loop_new(&clock_system);
	int p1[2], p2[2];
	assert_int_equal(pipe(p1), 0);
	assert_int_equal(pipe(p2), 0);
	struct io_ctx c1 = { loop, 0, p2[0] }, c2 = { loop, 0, p1[0] };
	assert_int_equal(loop_io_add(loop, p1[0], EPOLLIN, on_readable, &c1), 0);
	assert_int_equal(loop_io_add(loop, p2[0], EPOLLIN, on_readable, &c2), 0);
	assert_int_not_equal(loop_io_add(loop, p1[0], EPOLLIN, on_readable, &c1), 0);
	assert_int_equal(write(p1[1], "x", 1), 1);
	assert_int_equal(write(p2[1], "y", 1), 1);
	/* Whichever runs first removes the other: exactly one read happens. */
	assert_int_equal(loop_run_once(loop, 100), 1);
	assert_int_equal(c1.reads + c2.reads, 1);
	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers_fire_in_deadline_order),
		cmocka_unit_test(test_io_dispatch_and_removal_in_callback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
