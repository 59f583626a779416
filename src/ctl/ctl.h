/*
 * The control socket: a versioned, line-oriented JSON protocol over a UNIX
 * stream socket (docs/control-protocol.md).
 *
 * Each request is one JSON object on one line:
 *     {"version": 1, "command": "show tunnels", "args": {...}}
 * Each response is one JSON object on one line:
 *     {"version": 1, "ok": true, "data": ...}
 *     {"version": 1, "ok": false, "error": "unknown command 'foo'"}
 * A connection may carry any number of requests.
 *
 * Two sockets: PATH (mode 0600, full access) and PATH.ro (mode 0666,
 * read-only class: only commands registered as read-only are accepted).
 */
#ifndef VGW_CTL_CTL_H
#define VGW_CTL_CTL_H

#include <stdbool.h>
#include <json-c/json.h>

#include "base/loop.h"

#define CTL_PROTOCOL_VERSION 1
#define CTL_MAX_LINE 65536
#define CTL_MAX_CLIENTS 32

struct ctl;

/*
 * A handler fills *data (a new json-c object, owned by the caller) and
 * returns true, or sets *error to a message (static or copied into errbuf)
 * and returns false.
 */
typedef bool (*ctl_handler_fn)(void *arg, struct json_object *args,
			       struct json_object **data, char *errbuf,
			       size_t errlen);

struct ctl_command {
	const char *name; /* "show tunnels" */
	bool read_only;
	const char *help;
	ctl_handler_fn fn;
};

/*
 * Listens on path and path.ro. commands must outlive the ctl. Returns NULL
 * and logs on failure (errno set).
 */
struct ctl *ctl_new(struct loop *loop, const char *path,
		    const struct ctl_command *commands, size_t ncommands,
		    void *arg);
/* Closes every client and both sockets, unlinks the paths; NULL-safe. */
void ctl_free(struct ctl *ctl);

/*
 * Handles one request line and returns the response (a new string the
 * caller frees). Exposed for unit tests and fuzzing.
 */
char *ctl_handle_line(const struct ctl_command *commands, size_t ncommands,
		      void *arg, bool read_only, const char *line, size_t len);

#endif
