#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>

#include "base/loop.h"
#include "ctl/client.h"
#include "ctl/ctl.h"

static bool h_echo(void *arg, struct json_object *args, struct json_object **data,
		   char *err, size_t errlen)
{
	int *calls = arg;
	(*calls)++;
	(void)err;
	(void)errlen;
	*data = json_object_new_object();
	json_object_object_add(*data, "args", args ? json_object_get(args) : NULL);
	return true;
}

static bool h_fail(void *arg, struct json_object *args, struct json_object **data,
		   char *err, size_t errlen)
{
	(void)arg;
	(void)args;
	(void)data;
	snprintf(err, errlen, "no tunnel named 'x'");
	return false;
}

static const struct ctl_command cmds[] = {
	{ "show echo", true, "echo", h_echo },
	{ "tunnel down", false, "rw", h_fail },
};

struct line_case {
	const char *req;
	bool read_only;
	const char *expect; /* substring of the response */
};

static const struct line_case cases[] = {
	{ "{\"version\":1,\"command\":\"show echo\"}", false, "\"ok\":true" },
	{ "{\"version\":1,\"command\":\"show echo\",\"args\":{\"a\":1}}", true, "\"args\":{\"a\":1}" },
	{ "{\"version\":2,\"command\":\"show echo\"}", false, "unsupported protocol version 2" },
	{ "{\"command\":\"show echo\"}", false, "no integer 'version'" },
	{ "{\"version\":1}", false, "no string 'command'" },
	{ "{\"version\":1,\"command\":\"show nothing\"}", false, "unknown command 'show nothing'" },
	{ "{\"version\":1,\"command\":\"tunnel down\"}", true, "needs the read-write control socket" },
	{ "{\"version\":1,\"command\":\"tunnel down\"}", false, "no tunnel named 'x'" },
	{ "{\"version\":1,\"command\":\"show echo\",\"args\":[1]}", false, "'args' must be an object" },
	{ "[1,2]", false, "must be a JSON object" },
	{ "{\"version\":1,", false, "malformed request" },
	{ "{\"version\":1,\"command\":\"show echo\"} x", false, "malformed request" },
	{ "", false, "malformed request" },
};

static void test_handle_line_table(void **state)
{
	(void)state;
	int calls = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *resp = ctl_handle_line(cmds, 2, &calls, cases[i].read_only,
					     cases[i].req, strlen(cases[i].req));
		assert_non_null(resp);
		if (strstr(resp, cases[i].expect) == NULL)
			fail_msg("case %zu: %s -> %s", i, cases[i].req, resp);
		free(resp);
	}
	assert_int_equal(calls, 2);
}

static void test_server_client_roundtrip(void **state)
{
	(void)state;
	char path[64];
	snprintf(path, sizeof(path), "/tmp/vgw-test-ctl-%d.sock", (int)getpid());
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int calls = 0;
		struct loop *loop = loop_new(&clock_system);
		struct ctl *ctl = ctl_new(loop, path, cmds, 2, &calls);
		(void)!write(ready[1], ctl ? "1" : "0", 1);
		for (int i = 0; i < 200 && ctl; i++)
			loop_run_once(loop, 50);
		ctl_free(ctl);
		loop_free(loop);
		_exit(0);
	}
	char c = 0;
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(c, '1');
	struct json_object *data = NULL, *args = json_object_new_object();
	char err[256];
	json_object_object_add(args, "name", json_object_new_string("t1"));
	assert_int_equal(ctl_client_call(path, "show echo", args, 2000, &data, err, sizeof(err)), 0);
	struct json_object *a, *n;
	assert_true(json_object_object_get_ex(data, "args", &a));
	assert_true(json_object_object_get_ex(a, "name", &n));
	assert_string_equal(json_object_get_string(n), "t1");
	json_object_put(data);
	/* The read-only socket refuses read-write commands. */
	char ro[80];
	snprintf(ro, sizeof(ro), "%s.ro", path);
	assert_int_equal(ctl_client_call(ro, "tunnel down", args, 2000, &data, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "read-write"));
	assert_int_equal(ctl_client_call(ro, "show echo", NULL, 2000, &data, err, sizeof(err)), 0);
	json_object_put(data);
	json_object_put(args);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	/* Nobody listening: a clear error, not a hang. */
	assert_int_equal(ctl_client_call("/tmp/vgw-test-ctl-nonexistent.sock", "show echo",
					 NULL, 500, &data, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot connect"));
	unlink(path);
	unlink(ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handle_line_table),
		cmocka_unit_test(test_server_client_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
