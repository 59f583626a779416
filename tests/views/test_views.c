#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "views/views.h"

static char *render(void (*fn)(FILE *, struct json_object *), const char *json)
{
	struct json_object *o = json_tokener_parse(json);
	assert_non_null(o);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fn(f, o);
	fclose(f);
	json_object_put(o);
	return buf;
}

/* Every line of a rendered view fits an 80-column terminal. */
static void assert_fits_80(const char *text)
{
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n > 80)
			fail_msg("line longer than 80 columns (%zu): %.*s", n, (int)n, p);
		p += n + (nl ? 1 : 0);
	}
}

static void test_connections_like_azure(void **state)
{
	(void)state;
	char *s = render(views_print_connections,
			 "{\"connections\":[{\"name\":\"AWSTunnel1toAzureInstance0\","
			 "\"status\":\"Connected\",\"ingress_bytes\":1234567,"
			 "\"egress_bytes\":999,\"uptime_s\":312}]}");
	assert_non_null(strstr(s, "AWSTunnel1toAzureInstance0"));
	assert_non_null(strstr(s, "Connected"));
	assert_non_null(strstr(s, "1.2 MB"));
	assert_non_null(strstr(s, "999 B"));
	assert_non_null(strstr(s, "5m12s"));
	assert_fits_80(s);
	free(s);
}

static void test_bgp_like_azure(void **state)
{
	(void)state;
	char *s = render(views_print_bgp,
			 "{\"peers\":[{\"address\":\"169.254.21.1\",\"remote_as\":64512,"
			 "\"state\":\"Established\",\"uptime_s\":70,\"routes_received\":1,"
			 "\"messages_sent\":{\"total\":12},\"messages_received\":{\"total\":14}},"
			 "{\"address\":\"169.254.22.1\",\"remote_as\":64512,\"state\":\"Active\","
			 "\"last_error\":\"connection refused\"}]}");
	assert_non_null(strstr(s, "169.254.21.1"));
	assert_non_null(strstr(s, "Connected"));
	assert_non_null(strstr(s, "1m10s"));
	assert_non_null(strstr(s, "Active"));
	assert_non_null(strstr(s, "169.254.22.1: connection refused"));
	assert_fits_80(s);
	free(s);
}

static void test_tunnels_like_aws(void **state)
{
	(void)state;
	char *s = render(views_print_tunnels,
			 "{\"tunnels\":[{\"name\":\"ToAzureInstance0-t1\",\"outside_ip\":\"203.0.113.10\","
			 "\"inside_cidr\":\"169.254.21.0/30\",\"status\":\"UP\","
			 "\"status_message\":\"2 BGP ROUTES\",\"last_status_change\":0}]}");
	assert_non_null(strstr(s, "169.254.21.0/30"));
	assert_non_null(strstr(s, " 1: ToAzureInstance0-t1 ("));
	assert_non_null(strstr(s, "2 BGP ROUTES"));
	assert_non_null(strstr(s, "UP"));
	assert_fits_80(s);
	free(s);
}

static void test_routes_show_ecmp(void **state)
{
	(void)state;
	char *s = render(views_print_routes,
			 "{\"count\":1,\"routes\":[{\"prefix\":\"10.2.0.0/16\",\"paths\":["
			 "{\"next_hop\":\"169.254.21.1\",\"as_path\":\"64512\",\"best\":true},"
			 "{\"next_hop\":\"169.254.22.1\",\"as_path\":\"64512\",\"multipath\":true},"
			 "{\"next_hop\":\"169.254.23.1\",\"as_path\":\"64512 64512\"}]}],"
			 "\"fib\":{\"installed\":1,\"failed\":0}}");
	assert_non_null(strstr(s, "169.254.21.1, 169.254.22.1"));
	assert_null(strstr(s, "169.254.23.1"));
	assert_non_null(strstr(s, "1 prefixes in the Loc-RIB; FIB: 1 installed"));
	assert_fits_80(s);
	free(s);
}

static void test_fmt_helpers(void **state)
{
	(void)state;
	char b[32];
	views_fmt_duration(b, sizeof(b), 0);
	assert_string_equal(b, "-");
	views_fmt_duration(b, sizeof(b), 3 * 86400 + 4 * 3600);
	assert_string_equal(b, "3d04h");
	views_fmt_bytes(b, sizeof(b), 2500000000LL);
	assert_string_equal(b, "2.5 GB");
	/* Missing fields render as empty cells, never crash. */
	char *s = render(views_print_tunnels, "{\"tunnels\":[{}]}");
	assert_non_null(s);
	free(s);
	s = render(views_print_bgp, "[]");
	assert_non_null(s);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connections_like_azure),
		cmocka_unit_test(test_bgp_like_azure),
		cmocka_unit_test(test_tunnels_like_aws),
		cmocka_unit_test(test_routes_show_ecmp),
		cmocka_unit_test(test_fmt_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
