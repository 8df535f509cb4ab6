/* log.h: one-line log messages on stderr, with level and category, shared by every
 * program. Errors for the user go through dw_error(): "denwatch-<prog>: <what>". */
#ifndef DENWATCH_LOG_H
#define DENWATCH_LOG_H

#include <stdarg.h>

enum dw_log_level { DW_LOG_ERROR = 0, DW_LOG_WARN, DW_LOG_INFO, DW_LOG_DEBUG };

/* prog is the program's name as printed ("denwatch-sensor"). */
void dw_log_init(const char *prog, enum dw_log_level level);
void dw_log_set_level(enum dw_log_level level);
enum dw_log_level dw_log_get_level(void);
/* Parses "error|warn|info|debug"; returns -1 for anything else. */
int dw_log_level_parse(const char *s);
const char *dw_log_prog(void);

void dw_log(enum dw_log_level level, const char *category, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The one clear line for the user: "denwatch-<prog>: <message>". */
void dw_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define LOG_ERROR(cat, ...) dw_log(DW_LOG_ERROR, cat, __VA_ARGS__)
#define LOG_WARN(cat, ...) dw_log(DW_LOG_WARN, cat, __VA_ARGS__)
#define LOG_INFO(cat, ...) dw_log(DW_LOG_INFO, cat, __VA_ARGS__)
#define LOG_DEBUG(cat, ...)                                                      \
	do {                                                                     \
		if (dw_log_get_level() >= DW_LOG_DEBUG)                          \
			dw_log(DW_LOG_DEBUG, cat, __VA_ARGS__);                  \
	} while (0)

/* Exit codes shared by all programs (STYLE.md). */
enum { DW_EXIT_OK = 0, DW_EXIT_FAIL = 1, DW_EXIT_USAGE = 2, DW_EXIT_INCOMPLETE = 3 };

#endif
