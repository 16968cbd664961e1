/* log.h — one-line logs to stderr: "2026-11-24T14:00:00Z level message".
 * Level set once at start (KUBETALLY_LOG=debug|info|warn|error, default info).
 * Thread-safe (one fprintf per line).  Never pass secrets. */
#ifndef KT_LOG_H
#define KT_LOG_H

enum kt_log_level { KT_LOG_DEBUG, KT_LOG_INFO, KT_LOG_WARN, KT_LOG_ERROR };

void kt_log_init(void);
void kt_log_set_level(enum kt_log_level level);
void kt_log(enum kt_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) kt_log(KT_LOG_DEBUG, __VA_ARGS__)
#define log_info(...) kt_log(KT_LOG_INFO, __VA_ARGS__)
#define log_warn(...) kt_log(KT_LOG_WARN, __VA_ARGS__)
#define log_error(...) kt_log(KT_LOG_ERROR, __VA_ARGS__)

#endif
