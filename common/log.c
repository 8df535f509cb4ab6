/* log.c: stderr logging with level and category; wall time on each line, since
 * logs are read by operators next to other system logs. */
#include "denwatch/log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *log_prog = "denwatch";
static enum dw_log_level log_level = DW_LOG_WARN;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void dw_log_init(const char *prog, enum dw_log_level level)
{
	log_prog = prog;
	log_level = level;
}

void dw_log_set_level(enum dw_log_level level) { log_level = level; }
enum dw_log_level dw_log_get_level(void) { return log_level; }
const char *dw_log_prog(void) { return log_prog; }

int dw_log_level_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return -1;
}

void dw_log(enum dw_log_level level, const char *category, const char *fmt, ...)
{
	if (level > log_level)
		return;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s %s %s [%s] %s\n", stamp, log_prog, level_names[level],
		category, msg);
}

void dw_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", log_prog, msg);
}
