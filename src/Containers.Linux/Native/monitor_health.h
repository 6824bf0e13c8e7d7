/*
 * The health checks a detached container's monitor runs on its own timer, so they go on after the process that started
 * the container exited. C# prepared each check's exec plan (Runtime/HealthCheckPlan.cs) and the monitor runs it through
 * cn_spawn, the code every exec uses; the results go to a JSON-lines file C# reads (Containers/HealthLog.cs).
 */
#ifndef MONITOR_HEALTH_H
#define MONITOR_HEALTH_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* Reads the plan and finds the container (this process's only child so far); returns 0, or -1 to run without checks. */
int health_load(const char *plan_path, const char *results_path);

/* Milliseconds until health_tick has something to do, for poll. */
int health_poll_timeout(void);

/* The running check's output descriptor, or -1. */
int health_fd(void);

/* Reads what the running check wrote. */
void health_read(void);

/* Takes the exit of a child; returns 1 when it was the running check's. */
int health_child_exited(pid_t pid, int status);

/* Starts a check when one is due; records one that finished or outlived its timeout. */
void health_tick(void);

/* Kills a running check with what it started, and waits for it: the container exited. */
void health_stop(void);

/* Checks the container's new process after a restart, its health starting over. */
void health_restart(pid_t container);

/* Shared with the log writer in monitor.c. */
size_t json_escape(char *out, const char *text, size_t length);
size_t format_time(char *out, size_t size, const struct timespec *when);

#endif
