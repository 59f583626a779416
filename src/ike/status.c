/*
 * ike_tunnels_json(): the state of every tunnel for the control channel
 * and the CLI (json-c). Never contains key material.
 */
#include <stdio.h>

#include <json-c/json.h>

#include "ike/ike_priv.h"

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void spi_hex(const uint8_t *spi, char *buf)
{
	for (size_t i = 0; i < IKE_SPI_LEN; i++)
		snprintf(buf + 2 * i, 3, "%02x", spi[i]);
}

static int64_t secs_until(struct ike *ike, struct vtime t)
{
	return t.ns == 0 ? -1 : vtime_diff_ms(t, loop_now(ike->loop)) / 1000;
}

static struct json_object *child_json(struct ike *ike,
				      const struct ike_child *c)
{
	struct json_object *o = json_object_new_object();
	char buf[128];
	snprintf(buf, sizeof(buf), "%08x", c->spi_in);
	add_str(o, "spi_in", buf);
	snprintf(buf, sizeof(buf), "%08x", c->spi_out);
	add_str(o, "spi_out", buf);
	ike_suite_fmt(&c->suite, false, buf, sizeof(buf));
	add_str(o, "suite", buf);
	add_int(o, "rekey_in_s", secs_until(ike, c->rekey_at));
	add_int(o, "expire_in_s", secs_until(ike, c->expire_at));
	return o;
}

static struct json_object *sa_json(struct ike *ike, const struct ike_sa *sa)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ch = json_object_new_array();
	char buf[128];
	spi_hex(sa->spi_i, buf);
	add_str(o, "spi_i", buf);
	spi_hex(sa->spi_r, buf);
	add_str(o, "spi_r", buf);
	add_str(o, "state", ike_sa_state_name(sa->state));
	json_object_object_add(o, "initiator",
			       json_object_new_boolean(sa->initiator));
	ike_suite_fmt(&sa->suite, true, buf, sizeof(buf));
	add_str(o, "suite", buf);
	add_int(o, "rekey_in_s", secs_until(ike, sa->rekey_at));
	add_int(o, "retransmits", sa->retransmits);
	json_object_object_add(o, "udp_encap",
			       json_object_new_boolean(ike_nat_encap(sa)));
	for (const struct ike_child *c = sa->children; c != NULL; c = c->next)
		json_object_array_add(ch, child_json(ike, c));
	json_object_object_add(o, "children", ch);
	return o;
}

static struct json_object *tunnel_json(struct ike *ike,
				       const struct ike_tunnel *t)
{
	struct json_object *o = json_object_new_object();
	struct json_object *errs = json_object_new_object();
	add_str(o, "name", t->cfg.name);
	add_str(o, "state", ike_tunnel_state_name(t->state));
	add_int(o, "uptime_s",
		t->up_since.ns ? vtime_diff_ms(loop_now(ike->loop), t->up_since) / 1000
			       : 0);
	add_int(o, "child_rekeys", (int64_t)t->child_rekeys);
	add_int(o, "ike_rekeys", (int64_t)t->ike_rekeys);
	add_str(o, "last_error", t->last_error);
	if (t->sa != NULL)
		json_object_object_add(o, "ike_sa", sa_json(ike, t->sa));
	for (unsigned i = 1; i < 64; i++)
		if (t->errors[i])
			add_int(errs, ike_notify_name(i), t->errors[i]);
	json_object_object_add(o, "errors", errs);
	return o;
}

struct json_object *ike_tunnels_json(struct ike *ike)
{
	struct json_object *arr = json_object_new_array();
	for (const struct ike_tunnel *t = ike->tunnels; t != NULL; t = t->next)
		json_object_array_add(arr, tunnel_json(ike, t));
	return arr;
}
