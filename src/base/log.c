#include "base/log.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static struct {
	const char *ident;
	enum vlog_level min;
	bool syslog;
	void (*sink)(void *, enum vlog_level, const char *);
	void *sink_arg;
} g_log = { "vgw", VLOG_INFO, false, NULL, NULL };

static const char *const level_names[] = { "error", "warning", "info", "debug" };

void vlog_init(const char *ident, enum vlog_level min, bool use_syslog)
{
	g_log.ident = ident;
	g_log.min = min;
	g_log.syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void vlog_set_level(enum vlog_level min)
{
	g_log.min = min;
}

enum vlog_level vlog_get_level(void)
{
	return g_log.min;
}

bool vlog_enabled(enum vlog_level level)
{
	return level <= g_log.min;
}

bool vlog_level_parse(const char *s, enum vlog_level *out)
{
	for (int i = 0; i <= VLOG_DEBUG; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum vlog_level)i;
			return true;
		}
	}
	if (strcmp(s, "warn") == 0 || strcmp(s, "err") == 0) {
		*out = s[0] == 'w' ? VLOG_WARN : VLOG_ERR;
		return true;
	}
	return false;
}

static int syslog_prio(enum vlog_level level)
{
	switch (level) {
	case VLOG_ERR:
		return LOG_ERR;
	case VLOG_WARN:
		return LOG_WARNING;
	case VLOG_INFO:
		return LOG_INFO;
	default:
		return LOG_DEBUG;
	}
}

void vlogv(enum vlog_level level, const char *subsys, const char *ctx,
	   const char *fmt, va_list ap)
{
	if (!vlog_enabled(level))
		return;
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	char line[1280];
	if (ctx != NULL && ctx[0] != '\0')
		snprintf(line, sizeof(line), "%s: %s: %s", subsys, ctx, msg);
	else
		snprintf(line, sizeof(line), "%s: %s", subsys, msg);
	if (g_log.sink != NULL)
		g_log.sink(g_log.sink_arg, level, line);
	if (g_log.syslog) {
		syslog(syslog_prio(level), "%s", line);
		return;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%02d:%02d:%02d.%03ld %s %s %s\n", tm.tm_hour,
		tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L, g_log.ident,
		level_names[level], line);
}

void vlog(enum vlog_level level, const char *subsys, const char *ctx,
	  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlogv(level, subsys, ctx, fmt, ap);
	va_end(ap);
}

void vlog_set_sink(void (*fn)(void *, enum vlog_level, const char *), void *arg)
{
	g_log.sink = fn;
	g_log.sink_arg = arg;
}

void log_limit_init(struct log_limit *l, uint32_t burst, uint32_t window_s)
{
	memset(l, 0, sizeof(*l));
	l->burst = burst;
	l->window_s = window_s ? window_s : 1;
	l->window_start_s = INT64_MIN;
}

bool log_limit_allow(struct log_limit *l, int64_t now_s)
{
	if (l->window_start_s == INT64_MIN ||
	    now_s - l->window_start_s >= (int64_t)l->window_s) {
		if (l->suppressed)
			vlog(VLOG_WARN, "log", NULL,
			     "%u similar messages suppressed", l->suppressed);
		l->window_start_s = now_s;
		l->count = 0;
		l->suppressed = 0;
	}
	if (l->count < l->burst) {
		l->count++;
		return true;
	}
	l->suppressed++;
	return false;
}
