/*
 * Text renderings of vgwd's views (the "data" of the control protocol's show
 * commands) as tables a cloud engineer already knows, each fitting an
 * 80-column terminal:
 *   connections  Azure portal, VPN gateway > Connections
 *   bgp          Azure portal, VPN gateway > BGP peers
 *   tunnels      AWS console, Site-to-Site VPN connection > Tunnel details
 *   routes       learned routes with their next hops (ECMP visible)
 * Used by "vgwctl show ..." and by the lab.
 */
#ifndef VGW_VIEWS_VIEWS_H
#define VGW_VIEWS_VIEWS_H

#include <stdio.h>

struct json_object;

void views_print_connections(FILE *out, struct json_object *data);
void views_print_bgp(FILE *out, struct json_object *data);
void views_print_tunnels(FILE *out, struct json_object *data);
void views_print_routes(FILE *out, struct json_object *data);
void views_print_status(FILE *out, struct json_object *data);

/* "1.2 MB", "340 B": a byte count for a table cell. */
void views_fmt_bytes(char *buf, size_t size, long long bytes);
/* "3d04h", "5m12s", "42s": a duration for a table cell. */
void views_fmt_duration(char *buf, size_t size, long long seconds);

/* A small column table: add rows of cells, print aligned. */
#define VIEWS_MAX_COLS 8
struct views_table {
	size_t n_cols;
	const char *headers[VIEWS_MAX_COLS];
	size_t width[VIEWS_MAX_COLS];
	size_t max_width[VIEWS_MAX_COLS]; /* cells are cut to this (0: no cut) */
	char **cells; /* n_rows * n_cols, owned */
	size_t n_rows, cap_rows;
};

void views_table_init(struct views_table *t, size_t n_cols, const char *const *headers,
		      const size_t *max_width);
void views_table_row(struct views_table *t, const char *const *cells);
void views_table_print(FILE *out, const struct views_table *t);
void views_table_free(struct views_table *t);

#endif
