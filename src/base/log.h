/*
 * One logging API: levels, a subsystem tag and a context string on every
 * line ("bgp", "peer 169.254.21.1 AS64512"). Lines go to stderr (default) or
 * syslog. Secrets are never passed to these functions.
 *
 * Errors caused by remote input should go through a struct log_limit so a
 * misbehaving peer cannot flood the log; the suppressed count is reported
 * when the window reopens.
 */
#ifndef VGW_BASE_LOG_H
#define VGW_BASE_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

enum vlog_level {
	VLOG_ERR = 0,
	VLOG_WARN = 1,
	VLOG_INFO = 2,
	VLOG_DEBUG = 3,
};

/* ident: program name; min: lowest level printed; use_syslog: else stderr. */
void vlog_init(const char *ident, enum vlog_level min, bool use_syslog);
void vlog_set_level(enum vlog_level min);
enum vlog_level vlog_get_level(void);
bool vlog_enabled(enum vlog_level level);
/* Parse "error", "warning", "info", "debug"; false if unknown. */
bool vlog_level_parse(const char *s, enum vlog_level *out);

void vlog(enum vlog_level level, const char *subsys, const char *ctx,
	  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void vlogv(enum vlog_level level, const char *subsys, const char *ctx,
	   const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/*
 * Test hook: when set, every formatted line is also passed to fn (after
 * level filtering), so tests can assert what was logged.
 */
void vlog_set_sink(void (*fn)(void *arg, enum vlog_level, const char *line),
		   void *arg);

/* Rate limit: at most burst lines per window_s seconds. */
struct log_limit {
	int64_t window_start_s;
	uint32_t count;
	uint32_t suppressed;
	uint32_t burst;
	uint32_t window_s;
};

void log_limit_init(struct log_limit *l, uint32_t burst, uint32_t window_s);
/* True if a line may be printed now; counts suppressed lines otherwise. */
bool log_limit_allow(struct log_limit *l, int64_t now_s);

#endif
