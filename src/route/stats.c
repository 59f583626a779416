/*
 * Counters of the fib for vgwctl and tests: a snapshot struct and a json-c
 * object ({"table":..,"protocol":..,"installed":..,"errors":{"ENETUNREACH":3}}).
 */
#include "route/route_priv.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

void route_fib_counters(const struct route_fib *fib,
			struct route_fib_counters *out)
{
	*out = fib->c;
}

static void add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

static struct json_object *errors_json(const struct route_fib *fib)
{
	struct json_object *o = json_object_new_object();
	for (size_t i = 0; i < ROUTE_ERRNO_SLOTS && fib->errs[i].err; i++) {
		const char *name = strerrorname_np(fib->errs[i].err);
		char num[16];
		if (name == NULL) {
			snprintf(num, sizeof(num), "errno%d", fib->errs[i].err);
			name = num;
		}
		add_u64(o, name, fib->errs[i].count);
	}
	if (fib->errs_other)
		add_u64(o, "other", fib->errs_other);
	return o;
}

struct json_object *route_fib_stats_json(const struct route_fib *fib)
{
	struct json_object *o = json_object_new_object();
	if (o == NULL)
		return NULL;
	add_u64(o, "table", fib->key.table);
	add_u64(o, "protocol", fib->key.protocol);
	add_u64(o, "metric", fib->key.metric);
	add_u64(o, "batch_size", fib->batch_size);
	add_u64(o, "installed", fib->c.installed);
	add_u64(o, "deleted", fib->c.deleted);
	add_u64(o, "failed", fib->c.failed);
	add_u64(o, "pending", fib->c.pending);
	add_u64(o, "lost", fib->c.lost);
	add_u64(o, "batches", fib->c.batches);
	add_u64(o, "malformed_replies", fib->malformed);
	json_object_object_add(o, "nexthop_objects",
			       json_object_new_boolean(fib->nh_objects));
	add_u64(o, "nexthop_objects_known", fib->nhreg.len);
	json_object_object_add(o, "errors", errors_json(fib));
	return o;
}
