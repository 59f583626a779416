#include "ctl/ctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"

struct ctl_client {
	struct ctl *ctl;
	int fd;
	bool read_only;
	char *in;
	size_t in_len;
	char *out;
	size_t out_len, out_off;
};

struct ctl {
	struct loop *loop;
	char path[108];
	char path_ro[112];
	int fd, fd_ro;
	const struct ctl_command *commands;
	size_t ncommands;
	void *arg;
	struct ctl_client *clients[CTL_MAX_CLIENTS];
};

static char *error_response(const char *msg)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(CTL_PROTOCOL_VERSION));
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

static const struct ctl_command *find_command(const struct ctl_command *cmds,
					      size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

static char *dispatch(const struct ctl_command *cmds, size_t n, void *arg,
		      bool read_only, struct json_object *req)
{
	struct json_object *v, *c, *args = NULL;
	char err[256];
	if (!json_object_object_get_ex(req, "version", &v) ||
	    !json_object_is_type(v, json_type_int))
		return error_response("request has no integer 'version'");
	if (json_object_get_int(v) != CTL_PROTOCOL_VERSION) {
		snprintf(err, sizeof(err), "unsupported protocol version %d (this daemon speaks %d)",
			 json_object_get_int(v), CTL_PROTOCOL_VERSION);
		return error_response(err);
	}
	if (!json_object_object_get_ex(req, "command", &c) ||
	    !json_object_is_type(c, json_type_string))
		return error_response("request has no string 'command'");
	json_object_object_get_ex(req, "args", &args);
	if (args != NULL && !json_object_is_type(args, json_type_object))
		return error_response("'args' must be an object");
	const struct ctl_command *cmd = find_command(cmds, n, json_object_get_string(c));
	if (cmd == NULL) {
		snprintf(err, sizeof(err), "unknown command '%.64s'", json_object_get_string(c));
		return error_response(err);
	}
	if (read_only && !cmd->read_only) {
		snprintf(err, sizeof(err), "'%s' needs the read-write control socket", cmd->name);
		return error_response(err);
	}
	struct json_object *data = NULL;
	err[0] = '\0';
	if (!cmd->fn(arg, args, &data, err, sizeof(err))) {
		json_object_put(data);
		return error_response(err[0] ? err : "command failed");
	}
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(CTL_PROTOCOL_VERSION));
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "data", data ? data : json_object_new_object());
	char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

char *ctl_handle_line(const struct ctl_command *cmds, size_t n, void *arg,
		      bool read_only, const char *line, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	if (tok == NULL)
		return error_response("out of memory");
	struct json_object *req = json_tokener_parse_ex(tok, line, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	char *resp;
	if (req == NULL || jerr != json_tokener_success ||
	    (size_t)json_tokener_get_parse_end(tok) != len) {
		char msg[160];
		snprintf(msg, sizeof(msg), "malformed request: %s",
			 jerr == json_tokener_success ? "trailing data"
						      : json_tokener_error_desc(jerr));
		resp = error_response(msg);
	} else if (!json_object_is_type(req, json_type_object)) {
		resp = error_response("request must be a JSON object");
	} else {
		resp = dispatch(cmds, n, arg, read_only, req);
	}
	json_object_put(req);
	json_tokener_free(tok);
	return resp;
}

static void client_free(struct ctl_client *cl)
{
	struct ctl *ctl = cl->ctl;
	loop_io_del(ctl->loop, cl->fd);
	close(cl->fd);
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		if (ctl->clients[i] == cl)
			ctl->clients[i] = NULL;
	free(cl->in);
	free(cl->out);
	free(cl);
}

static bool client_queue(struct ctl_client *cl, const char *resp)
{
	size_t len = strlen(resp);
	char *n = realloc(cl->out, cl->out_len + len + 1);
	if (n == NULL)
		return false;
	memcpy(n + cl->out_len, resp, len);
	n[cl->out_len + len] = '\n';
	cl->out = n;
	cl->out_len += len + 1;
	return true;
}

/* Handles every complete line in the input buffer. */
static bool client_process(struct ctl_client *cl)
{
	struct ctl *ctl = cl->ctl;
	char *nl;
	while ((nl = memchr(cl->in, '\n', cl->in_len)) != NULL) {
		size_t len = (size_t)(nl - cl->in);
		char *resp = ctl_handle_line(ctl->commands, ctl->ncommands, ctl->arg,
					     cl->read_only, cl->in, len);
		bool ok = resp != NULL && client_queue(cl, resp);
		free(resp);
		if (!ok)
			return false;
		memmove(cl->in, nl + 1, cl->in_len - len - 1);
		cl->in_len -= len + 1;
	}
	return true;
}

static bool client_flush(struct ctl_client *cl)
{
	while (cl->out_off < cl->out_len) {
		ssize_t n = send(cl->fd, cl->out + cl->out_off,
				 cl->out_len - cl->out_off, MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK;
		cl->out_off += (size_t)n;
	}
	cl->out_len = cl->out_off = 0;
	return true;
}

static void client_refuse(struct ctl_client *cl, const char *msg)
{
	char *resp = error_response(msg);
	if (resp != NULL) {
		(void)!send(cl->fd, resp, strlen(resp), MSG_NOSIGNAL);
		(void)!send(cl->fd, "\n", 1, MSG_NOSIGNAL);
		free(resp);
	}
	client_free(cl);
}

static void client_io(void *arg, int fd, uint32_t events)
{
	struct ctl_client *cl = arg;
	if (events & EPOLLIN) {
		ssize_t r = recv(fd, cl->in + cl->in_len, CTL_MAX_LINE - cl->in_len, 0);
		if (r == 0 || (r < 0 && errno != EAGAIN)) {
			client_free(cl);
			return;
		}
		if (r > 0)
			cl->in_len += (size_t)r;
		if (!client_process(cl)) {
			client_refuse(cl, "out of memory");
			return;
		}
		if (cl->in_len >= CTL_MAX_LINE) {
			client_refuse(cl, "request line too long");
			return;
		}
	} else if (events & (EPOLLHUP | EPOLLERR)) {
		client_free(cl);
		return;
	}
	if (!client_flush(cl)) {
		client_free(cl);
		return;
	}
	loop_io_mod(cl->ctl->loop, fd, EPOLLIN | (cl->out_len ? EPOLLOUT : 0));
}

static void accept_ready(struct ctl *ctl, int lfd, bool read_only)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	size_t slot = CTL_MAX_CLIENTS;
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		if (ctl->clients[i] == NULL) {
			slot = i;
			break;
		}
	struct ctl_client *cl = slot < CTL_MAX_CLIENTS ? calloc(1, sizeof(*cl)) : NULL;
	if (cl == NULL) {
		vlog(VLOG_WARN, "ctl", NULL, "refusing control client: too many clients");
		close(fd);
		return;
	}
	cl->in = malloc(CTL_MAX_LINE);
	if (cl->in == NULL) {
		free(cl);
		close(fd);
		return;
	}
	cl->ctl = ctl;
	cl->fd = fd;
	cl->read_only = read_only;
	if (loop_io_add(ctl->loop, fd, EPOLLIN, client_io, cl) < 0) {
		close(fd);
		free(cl->in);
		free(cl);
		return;
	}
	ctl->clients[slot] = cl;
}

static void listen_rw(void *arg, int fd, uint32_t events)
{
	(void)events;
	accept_ready(arg, fd, false);
}

static void listen_ro(void *arg, int fd, uint32_t events)
{
	(void)events;
	accept_ready(arg, fd, true);
}

static int listen_unix(const char *path, mode_t mode)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	mode_t old = umask(0077);
	int rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc < 0 || chmod(path, mode) < 0 || listen(fd, 16) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

struct ctl *ctl_new(struct loop *loop, const char *path,
		    const struct ctl_command *commands, size_t ncommands, void *arg)
{
	struct ctl *ctl = calloc(1, sizeof(*ctl));
	if (ctl == NULL)
		return NULL;
	ctl->loop = loop;
	ctl->commands = commands;
	ctl->ncommands = ncommands;
	ctl->arg = arg;
	ctl->fd = ctl->fd_ro = -1;
	int n1 = snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	int n2 = snprintf(ctl->path_ro, sizeof(ctl->path_ro), "%s.ro", path);
	if (n1 < 0 || (size_t)n1 >= sizeof(ctl->path) || n2 < 0 ||
	    (size_t)n2 >= sizeof(ctl->path_ro)) {
		free(ctl);
		errno = ENAMETOOLONG;
		return NULL;
	}
	ctl->fd = listen_unix(ctl->path, 0600);
	if (ctl->fd >= 0)
		ctl->fd_ro = listen_unix(ctl->path_ro, 0666);
	if (ctl->fd < 0 || ctl->fd_ro < 0 ||
	    loop_io_add(loop, ctl->fd, EPOLLIN, listen_rw, ctl) < 0 ||
	    loop_io_add(loop, ctl->fd_ro, EPOLLIN, listen_ro, ctl) < 0) {
		int e = errno;
		vlog(VLOG_ERR, "ctl", path, "cannot listen: %s", strerror(e));
		ctl_free(ctl);
		errno = e;
		return NULL;
	}
	return ctl;
}

void ctl_free(struct ctl *ctl)
{
	if (ctl == NULL)
		return;
	for (size_t i = 0; i < CTL_MAX_CLIENTS; i++)
		if (ctl->clients[i])
			client_free(ctl->clients[i]);
	if (ctl->fd >= 0) {
		loop_io_del(ctl->loop, ctl->fd);
		close(ctl->fd);
		unlink(ctl->path);
	}
	if (ctl->fd_ro >= 0) {
		loop_io_del(ctl->loop, ctl->fd_ro);
		close(ctl->fd_ro);
		unlink(ctl->path_ro);
	}
	free(ctl);
}
