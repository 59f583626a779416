#include "ctl/client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "ctl/ctl.h"

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int connect_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		snprintf(err, errlen, "cannot connect to %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads one line (without the newline) into a new buffer. */
static char *recv_line(int fd, int timeout_ms, char *err, size_t errlen)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);
	int64_t deadline = now_ms() + timeout_ms;
	while (buf != NULL) {
		char *nl = memchr(buf, '\n', len);
		if (nl != NULL) {
			*nl = '\0';
			return buf;
		}
		int left = (int)(deadline - now_ms());
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (left <= 0 || poll(&pfd, 1, left) <= 0) {
			snprintf(err, errlen, "no answer from the daemon within %d ms", timeout_ms);
			break;
		}
		if (len + 4096 > cap) {
			if (cap >= 64u << 20) {
				snprintf(err, errlen, "response too large");
				break;
			}
			char *n = realloc(buf, cap * 2);
			if (n == NULL)
				break;
			buf = n;
			cap *= 2;
		}
		ssize_t n = recv(fd, buf + len, cap - len - 1, 0);
		if (n <= 0) {
			snprintf(err, errlen, "the daemon closed the connection");
			break;
		}
		len += (size_t)n;
	}
	free(buf);
	return NULL;
}

static int parse_response(const char *line, struct json_object **data,
			  char *err, size_t errlen)
{
	struct json_object *resp = json_tokener_parse(line), *v;
	if (resp == NULL || !json_object_is_type(resp, json_type_object)) {
		snprintf(err, errlen, "malformed response from the daemon");
		json_object_put(resp);
		return -1;
	}
	if (!json_object_object_get_ex(resp, "ok", &v) || !json_object_get_boolean(v)) {
		struct json_object *e;
		snprintf(err, errlen, "%s",
			 json_object_object_get_ex(resp, "error", &e)
				 ? json_object_get_string(e) : "request failed");
		json_object_put(resp);
		return -1;
	}
	if (json_object_object_get_ex(resp, "data", &v))
		*data = json_object_get(v);
	else
		*data = json_object_new_object();
	json_object_put(resp);
	return 0;
}

int ctl_client_call(const char *path, const char *command,
		    struct json_object *args, int timeout_ms,
		    struct json_object **data, char *err, size_t errlen)
{
	*data = NULL;
	int fd = connect_unix(path, err, errlen);
	if (fd < 0)
		return -1;
	struct json_object *req = json_object_new_object();
	json_object_object_add(req, "version", json_object_new_int(CTL_PROTOCOL_VERSION));
	json_object_object_add(req, "command", json_object_new_string(command));
	if (args != NULL)
		json_object_object_add(req, "args", json_object_get(args));
	const char *s = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	int rc = -1;
	if (send_all(fd, s, strlen(s)) < 0 || send_all(fd, "\n", 1) < 0) {
		snprintf(err, errlen, "cannot send to %s: %s", path, strerror(errno));
	} else {
		char *line = recv_line(fd, timeout_ms, err, errlen);
		if (line != NULL)
			rc = parse_response(line, data, err, errlen);
		free(line);
	}
	json_object_put(req);
	close(fd);
	return rc;
}
