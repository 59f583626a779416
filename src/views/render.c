/* Renders the daemon's view JSON as the clouds' portal tables. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "views/views.h"

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;
	if (o == NULL || !json_object_object_get_ex(o, k, &v) || v == NULL)
		return "";
	return json_object_get_string(v);
}

static long long jint(struct json_object *o, const char *k)
{
	struct json_object *v;
	if (o == NULL || !json_object_object_get_ex(o, k, &v) || v == NULL)
		return 0;
	return (long long)json_object_get_int64(v);
}

static struct json_object *jarr(struct json_object *o, const char *k)
{
	struct json_object *v;
	if (o == NULL || !json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

void views_fmt_bytes(char *buf, size_t size, long long b)
{
	static const char *const unit[] = { "B", "KB", "MB", "GB", "TB" };
	double v = (double)b;
	int u = 0;
	while (v >= 1000.0 && u < 4) {
		v /= 1000.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%lld B", b);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
}

void views_fmt_duration(char *buf, size_t size, long long s)
{
	if (s <= 0)
		snprintf(buf, size, "-");
	else if (s < 60)
		snprintf(buf, size, "%llds", s);
	else if (s < 3600)
		snprintf(buf, size, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
	else
		snprintf(buf, size, "%lldd%02lldh", s / 86400, (s % 86400) / 3600);
}

void views_print_connections(FILE *out, struct json_object *data)
{
	static const char *const h[] = { "NAME", "STATUS", "INGRESS", "EGRESS", "UPTIME" };
	static const size_t w[] = { 34, 12, 9, 9, 8 };
	struct views_table t;
	views_table_init(&t, 5, h, w);
	struct json_object *arr = jarr(data, "connections");
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		struct json_object *c = json_object_array_get_idx(arr, i);
		char in[16], eg[16], up[16];
		views_fmt_bytes(in, sizeof(in), jint(c, "ingress_bytes"));
		views_fmt_bytes(eg, sizeof(eg), jint(c, "egress_bytes"));
		views_fmt_duration(up, sizeof(up), jint(c, "uptime_s"));
		const char *row[] = { jstr(c, "name"), jstr(c, "status"), in, eg, up };
		views_table_row(&t, row);
	}
	views_table_print(out, &t);
	views_table_free(&t);
}

/* Azure's BGP peers page says Connected for an established session. */
static const char *azure_bgp_status(const char *state)
{
	return strcmp(state, "Established") == 0 ? "Connected" : state;
}

void views_print_bgp(FILE *out, struct json_object *data)
{
	static const char *const h[] = { "PEER ADDRESS", "ASN", "STATUS", "CONNECTED",
					 "ROUTES", "MSG SENT", "MSG RCVD" };
	static const size_t w[] = { 15, 10, 11, 9, 7, 9, 9 };
	struct views_table t;
	views_table_init(&t, 7, h, w);
	struct json_object *arr = jarr(data, "peers");
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		struct json_object *p = json_object_array_get_idx(arr, i), *m;
		char asn[16], dur[16], routes[16], sent[16], rcvd[16];
		snprintf(asn, sizeof(asn), "%lld", jint(p, "remote_as"));
		views_fmt_duration(dur, sizeof(dur), jint(p, "uptime_s"));
		snprintf(routes, sizeof(routes), "%lld", jint(p, "routes_received"));
		m = NULL;
		json_object_object_get_ex(p, "messages_sent", &m);
		snprintf(sent, sizeof(sent), "%lld", jint(m, "total"));
		m = NULL;
		json_object_object_get_ex(p, "messages_received", &m);
		snprintf(rcvd, sizeof(rcvd), "%lld", jint(m, "total"));
		const char *row[] = { jstr(p, "address"), asn, azure_bgp_status(jstr(p, "state")),
				      dur, routes, sent, rcvd };
		views_table_row(&t, row);
	}
	views_table_print(out, &t);
	views_table_free(&t);
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		struct json_object *p = json_object_array_get_idx(arr, i);
		if (strcmp(jstr(p, "state"), "Established") != 0 && jstr(p, "last_error")[0])
			fprintf(out, "  %s: %s\n", jstr(p, "address"), jstr(p, "last_error"));
	}
}

void views_print_tunnels(FILE *out, struct json_object *data)
{
	static const char *const h[] = { "#", "OUTSIDE IP", "INSIDE CIDR", "STATUS",
					 "CHANGED", "DETAILS" };
	static const size_t w[] = { 2, 15, 18, 6, 7, 22 };
	struct views_table t;
	views_table_init(&t, 6, h, w);
	struct json_object *arr = jarr(data, "tunnels");
	size_t n = arr ? json_object_array_length(arr) : 0;
	time_t now = time(NULL);
	for (size_t i = 0; i < n; i++) {
		struct json_object *x = json_object_array_get_idx(arr, i);
		char ago[16], num[24];
		long long ch = jint(x, "last_status_change");
		views_fmt_duration(ago, sizeof(ago), ch ? (long long)now - ch : 0);
		snprintf(num, sizeof(num), "%zu", i + 1);
		const char *row[] = { num, jstr(x, "outside_ip"), jstr(x, "inside_cidr"),
				      jstr(x, "status"), ago, jstr(x, "status_message") };
		views_table_row(&t, row);
	}
	views_table_print(out, &t);
	views_table_free(&t);
	/* The legend carries what does not fit: names, and long details. */
	for (size_t i = 0; i < n; i++) {
		struct json_object *x = json_object_array_get_idx(arr, i);
		const char *msg = jstr(x, "status_message");
		fprintf(out, "%2zu: %s (%s)%s%s\n", i + 1, jstr(x, "name"), jstr(x, "ifname"),
			strlen(msg) > w[5] ? ": " : "", strlen(msg) > w[5] ? msg : "");
	}
}

static void nexthops(struct json_object *r, char *buf, size_t size, char *from, size_t fsize)
{
	struct json_object *paths = jarr(r, "paths");
	size_t n = 0, fn = 0;
	buf[0] = from[0] = '\0';
	for (size_t i = 0; paths && i < json_object_array_length(paths); i++) {
		struct json_object *p = json_object_array_get_idx(paths, i), *b, *m;
		bool best = json_object_object_get_ex(p, "best", &b) && json_object_get_boolean(b);
		bool mp = json_object_object_get_ex(p, "multipath", &m) && json_object_get_boolean(m);
		if (!best && !mp)
			continue;
		const char *nh = jstr(p, "next_hop")[0] ? jstr(p, "next_hop") : "local";
		int k = snprintf(buf + n, size - n, "%s%s", n ? ", " : "", nh);
		if (k > 0 && (size_t)k < size - n)
			n += (size_t)k;
		k = snprintf(from + fn, fsize - fn, "%s%s", fn ? "," : "", jstr(p, "as_path")[0] ? jstr(p, "as_path") : "i");
		if (k > 0 && (size_t)k < fsize - fn)
			fn += (size_t)k;
	}
}

void views_print_routes(FILE *out, struct json_object *data)
{
	static const char *const h[] = { "PREFIX", "NEXT HOPS (ECMP)", "AS PATH", "PATHS" };
	static const size_t w[] = { 18, 34, 16, 5 };
	struct views_table t;
	views_table_init(&t, 4, h, w);
	struct json_object *arr = jarr(data, "routes");
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		struct json_object *r = json_object_array_get_idx(arr, i);
		char nh[256], from[128], np[8];
		nexthops(r, nh, sizeof(nh), from, sizeof(from));
		struct json_object *paths = jarr(r, "paths");
		snprintf(np, sizeof(np), "%zu", paths ? json_object_array_length(paths) : 0);
		const char *row[] = { jstr(r, "prefix"), nh, from, np };
		views_table_row(&t, row);
	}
	views_table_print(out, &t);
	views_table_free(&t);
	fprintf(out, "%lld prefixes in the Loc-RIB", jint(data, "count"));
	struct json_object *fib;
	if (json_object_object_get_ex(data, "fib", &fib) && fib != NULL)
		fprintf(out, "; FIB: %lld installed, %lld failed", jint(fib, "installed"),
			jint(fib, "failed"));
	fprintf(out, "\n");
}

void views_print_status(FILE *out, struct json_object *data)
{
	char up[16];
	views_fmt_duration(up, sizeof(up), jint(data, "uptime_s"));
	fprintf(out, "%s (%s) up %s, outside %s: %lld tunnels, %lld BGP neighbors, %lld prefixes\n",
		jstr(data, "name"), jstr(data, "role"), up, jstr(data, "outside_address"),
		jint(data, "tunnels"), jint(data, "bgp_neighbors"), jint(data, "loc_rib_prefixes"));
}
