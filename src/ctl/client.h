/*
 * Control socket client (docs/control-protocol.md), used by vgwctl and the
 * lab. Synchronous: one request, one response, with a timeout.
 */
#ifndef VGW_CTL_CLIENT_H
#define VGW_CTL_CLIENT_H

#include <stddef.h>

struct json_object;

/*
 * Sends {"version":1,"command":command,"args":args} to the daemon at path
 * and waits up to timeout_ms for the response. args may be NULL (not
 * consumed: the caller keeps it). On success returns 0 and *data holds the
 * response's "data" (caller puts it). On failure returns -1 and writes a
 * one-line reason into err: the daemon's error text, or why it could not be
 * reached ("cannot connect to /run/vgw/x.sock: No such file or directory").
 */
int ctl_client_call(const char *path, const char *command,
		    struct json_object *args, int timeout_ms,
		    struct json_object **data, char *err, size_t errlen);

#endif
