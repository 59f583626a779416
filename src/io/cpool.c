/*
 * Crypto worker pool: runs fn(ctx, i, lane) for every item of a batch on
 * the calling thread (lane 0) and the helper threads (lanes 1..n) at once.
 *
 * Items are claimed through one atomic word holding (batch generation,
 * next index), so a helper that wakes late can never claim an item of a
 * later batch with a stale job. The caller claims items too, so a helper
 * that is not scheduled in time costs nothing but the item it already
 * holds; the caller waits only for items in progress.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "io/dp_priv.h"

struct dp_cpool;

struct cpool_helper {
	struct dp_cpool *pool;
	unsigned lane;
	pthread_t th;
	bool started;
};

struct dp_cpool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint32_t gen;
	bool stop;
	dp_cjob_fn fn;
	void *ctx;
	size_t n;
	_Atomic uint64_t next; /* gen << 32 | index */
	_Atomic size_t done;
	unsigned nhelpers;
	struct cpool_helper helpers[ESP_MAX_LANES];
};

static void claim_loop(struct dp_cpool *p, uint32_t gen, size_t n,
		       dp_cjob_fn fn, void *ctx, unsigned lane)
{
	for (;;) {
		uint64_t cur = atomic_load(&p->next);
		if ((uint32_t)(cur >> 32) != gen || (cur & 0xffffffffu) >= n)
			return;
		if (!atomic_compare_exchange_weak(&p->next, &cur, cur + 1))
			continue;
		fn(ctx, (size_t)(cur & 0xffffffffu), lane);
		atomic_fetch_add(&p->done, 1);
	}
}

static void *helper_main(void *arg)
{
	struct cpool_helper *h = arg;
	struct dp_cpool *p = h->pool;
	uint32_t seen = 0;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->gen == seen)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop)
			break;
		seen = p->gen;
		dp_cjob_fn fn = p->fn;
		void *ctx = p->ctx;
		size_t n = p->n;
		pthread_mutex_unlock(&p->mu);
		claim_loop(p, seen, n, fn, ctx, h->lane);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct dp_cpool *dp_cpool_new(unsigned helpers)
{
	if (helpers == 0 || helpers >= ESP_MAX_LANES)
		return NULL;
	struct dp_cpool *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	/* Helpers never take signals: the loop's signalfd owns them. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (unsigned i = 0; i < helpers; i++) {
		struct cpool_helper *h = &p->helpers[i];
		h->pool = p;
		h->lane = i + 1;
		if (pthread_create(&h->th, NULL, helper_main, h) != 0)
			break;
		h->started = true;
		p->nhelpers++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (p->nhelpers != helpers) {
		dp_cpool_free(p);
		return NULL;
	}
	return p;
}

void dp_cpool_free(struct dp_cpool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < ESP_MAX_LANES; i++)
		if (p->helpers[i].started)
			pthread_join(p->helpers[i].th, NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

void dp_cpool_run(struct dp_cpool *p, size_t n, dp_cjob_fn fn, void *ctx)
{
	if (n == 0)
		return;
	pthread_mutex_lock(&p->mu);
	uint32_t gen = ++p->gen;
	p->fn = fn;
	p->ctx = ctx;
	p->n = n;
	atomic_store(&p->done, 0);
	atomic_store(&p->next, (uint64_t)gen << 32);
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	claim_loop(p, gen, n, fn, ctx, 0);
	for (unsigned spins = 0; atomic_load(&p->done) < n; spins++) {
		if (spins > 64)
			sched_yield();
	}
}
