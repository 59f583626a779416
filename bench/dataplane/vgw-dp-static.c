/*
 * vgw-dp-static: run the vgw ESP dataplane for one tunnel with static SPIs
 * and keys given on the command line (no IKE). For the dataplane benchmark
 * and the io interop test only; vgwd keys tunnels through IKE.
 *
 *   vgw-dp-static --local 198.51.100.1 --remote 198.51.100.2 \
 *       --ifname vgw0 --inside 169.254.21.2/30 --peer 169.254.21.1 \
 *       --spi-in 0x2000 --spi-out 0x1000 --key-in HEX --key-out HEX \
 *       [--suite aes256gcm16|aes128gcm16|aes256-sha256|aes128-sha1]
 *       [--port 4500] [--mtu 1400] [--mss 1360] [--no-clamp] [--esn]
 *       [--crypto-threads N]   (helper threads for AES; default 1, 0 = none)
 *
 * Keys are hex: encryption key material (GCM: key || 4-byte salt), then for
 * CBC suites the integrity key appended. Prints the stats JSON on exit
 * (SIGTERM/SIGINT) and on SIGUSR1.
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/loop.h"
#include "crypto/cipher.h"
#include "io/dataplane.h"

struct suite_name {
	const char *name;
	uint16_t encr, bits, integ;
};

static const struct suite_name suite_names[] = {
	{ "aes256gcm16", CRYPTO_ENCR_AES_GCM_16, 256, CRYPTO_INTEG_NONE },
	{ "aes128gcm16", CRYPTO_ENCR_AES_GCM_16, 128, CRYPTO_INTEG_NONE },
	{ "aes256-sha256", CRYPTO_ENCR_AES_CBC, 256,
	  CRYPTO_INTEG_HMAC_SHA2_256_128 },
	{ "aes128-sha1", CRYPTO_ENCR_AES_CBC, 128, CRYPTO_INTEG_HMAC_SHA1_96 },
};

struct opts {
	struct dp_config dp;
	struct dp_tunnel_config tun;
	const struct suite_name *suite;
	uint32_t spi_in, spi_out;
	const char *key_in, *key_out;
	bool esn;
};

static struct secret *unhex(const char *h, size_t off, size_t n)
{
	if (strlen(h) < 2 * (off + n))
		return NULL;
	struct secret *s = secret_new(n);
	for (size_t i = 0; s != NULL && i < n; i++) {
		unsigned v;
		if (sscanf(h + 2 * (off + i), "%2x", &v) != 1) {
			secret_free(s);
			return NULL;
		}
		s->p[i] = (uint8_t)v;
	}
	return s;
}

static int make_params(const struct opts *o, const char *hex, uint32_t spi,
		       struct esp_sa_params *p)
{
	const struct suite_name *s = o->suite;
	size_t ekl = crypto_encr_keymat_len(s->encr, s->bits);
	size_t ikl = crypto_integ_key_len(s->integ);
	*p = (struct esp_sa_params){ .spi = spi, .encr = s->encr,
				     .key_bits = s->bits, .integ = s->integ,
				     .esn = o->esn };
	p->encr_key = unhex(hex, 0, ekl);
	p->integ_key = ikl ? unhex(hex, ekl, ikl) : NULL;
	if (p->encr_key == NULL || (ikl && p->integ_key == NULL)) {
		fprintf(stderr, "key needs %zu hex bytes\n", ekl + ikl);
		return -1;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: vgw-dp-static --local A --remote B --ifname N "
			"--inside P/L [--peer A] --spi-in X --spi-out Y "
			"--key-in HEX --key-out HEX [--suite S] [--port N] "
			"[--mtu N] [--mss N] [--no-clamp] [--esn] "
			"[--crypto-threads N (default 1)]\n");
	exit(2);
}

/* "A/L": an interface address with its prefix length (host bits kept). */
static int parse_inside(struct opts *o, const char *a)
{
	char buf[IP_PREFIX_STRLEN];
	const char *slash = strchr(a, '/');
	if (slash == NULL || (size_t)(slash - a) >= sizeof(buf))
		return -1;
	memcpy(buf, a, (size_t)(slash - a));
	buf[slash - a] = 0;
	int len = atoi(slash + 1);
	if (!ip_addr_parse(buf, &o->tun.inside) || len < 1 ||
	    (size_t)len > ip_addr_len(&o->tun.inside) * 8)
		return -1;
	o->tun.inside_len = (uint8_t)len;
	return 0;
}

static int parse_arg(struct opts *o, int c, const char *a)
{
	switch (c) {
	case 'l': return ip_addr_parse(a, &o->dp.local) ? 0 : -1;
	case 'r': return ip_addr_parse(a, &o->tun.remote.addr) ? 0 : -1;
	case 'i': o->tun.ifname = a; return 0;
	case 'a': return parse_inside(o, a);
	case 'p': return ip_addr_parse(a, &o->tun.inside_peer) ? 0 : -1;
	case 'I': o->spi_in = (uint32_t)strtoul(a, NULL, 0); return 0;
	case 'O': o->spi_out = (uint32_t)strtoul(a, NULL, 0); return 0;
	case 'k': o->key_in = a; return 0;
	case 'K': o->key_out = a; return 0;
	case 'P': o->dp.natt_port = o->tun.remote.port = (uint16_t)atoi(a); return 0;
	case 'm': o->tun.mtu = (uint32_t)atoi(a); return 0;
	case 'M': o->tun.mss = (uint16_t)atoi(a); return 0;
	case 'n': o->tun.no_mss_clamp = true; return 0;
	case 'e': o->esn = true; return 0;
	case 'c': o->dp.crypto_threads = (unsigned)atoi(a); return 0;
	case 's':
		for (size_t i = 0; i < sizeof(suite_names) / sizeof(suite_names[0]); i++)
			if (strcmp(a, suite_names[i].name) == 0)
				o->suite = &suite_names[i];
		return o->suite ? 0 : -1;
	default: return -1;
	}
}

static void parse(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "local", 1, 0, 'l' },	  { "remote", 1, 0, 'r' },
		{ "ifname", 1, 0, 'i' },  { "inside", 1, 0, 'a' },
		{ "peer", 1, 0, 'p' },	  { "spi-in", 1, 0, 'I' },
		{ "spi-out", 1, 0, 'O' }, { "key-in", 1, 0, 'k' },
		{ "key-out", 1, 0, 'K' }, { "port", 1, 0, 'P' },
		{ "mtu", 1, 0, 'm' },	  { "mss", 1, 0, 'M' },
		{ "no-clamp", 0, 0, 'n' }, { "esn", 0, 0, 'e' },
		{ "suite", 1, 0, 's' },	  { "crypto-threads", 1, 0, 'c' },
		{ 0, 0, 0, 0 },
	};
	memset(o, 0, sizeof(*o));
	o->dp.natt_port = o->tun.remote.port = 4500;
	o->suite = &suite_names[0];
	o->tun.name = "static";
	o->dp.crypto_threads = 1;
	int c;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1)
		if (parse_arg(o, c, optarg) != 0)
			usage();
	if (!ip_addr_is_set(&o->dp.local) || !ip_addr_is_set(&o->tun.remote.addr) ||
	    o->tun.ifname == NULL || !o->spi_in || !o->spi_out || !o->key_in ||
	    !o->key_out)
		usage();
}

static void print_stats(struct dp *dp)
{
	struct json_object *j = dp_stats_json(dp);
	printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY));
	fflush(stdout);
	json_object_put(j);
}

struct run {
	struct loop *loop;
	struct dp *dp;
};

static void on_signal(void *arg, int signo)
{
	struct run *r = arg;
	if (signo == SIGUSR1) {
		print_stats(r->dp);
		return;
	}
	loop_stop(r->loop);
}

static void free_params(struct esp_sa_params *p)
{
	secret_free((struct secret *)p->encr_key);
	secret_free((struct secret *)p->integ_key);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct esp_sa_params in, out;
	parse(&o, argc, argv);
	vlog_init("vgw-dp-static", VLOG_INFO, false);
	if (make_params(&o, o.key_in, o.spi_in, &in) != 0 ||
	    make_params(&o, o.key_out, o.spi_out, &out) != 0)
		return 2;
	struct run r = { loop_new(&clock_system), NULL };
	if (r.loop == NULL)
		return 1;
	r.dp = dp_new(r.loop, &o.dp, NULL);
	struct dp_tunnel *t = r.dp ? dp_tunnel_add(r.dp, &o.tun) : NULL;
	int rc = t ? dp_tunnel_sa_install(r.dp, t, &in, &out) : -errno;
	free_params(&in);
	free_params(&out);
	if (rc != 0) {
		fprintf(stderr, "vgw-dp-static: setup failed: %s\n", strerror(-rc));
		dp_free(r.dp);
		loop_free(r.loop);
		return 1;
	}
	loop_signal_add(r.loop, SIGTERM, on_signal, &r);
	loop_signal_add(r.loop, SIGINT, on_signal, &r);
	loop_signal_add(r.loop, SIGUSR1, on_signal, &r);
	fprintf(stderr, "vgw-dp-static: %s up, ifindex %d\n", o.tun.ifname,
		dp_tunnel_ifindex(t));
	rc = loop_run(r.loop);
	print_stats(r.dp);
	dp_free(r.dp);
	loop_free(r.loop);
	return rc == 0 ? 0 : 1;
}
