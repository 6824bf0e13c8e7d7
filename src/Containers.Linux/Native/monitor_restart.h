/*
 * The restart policy of a detached container, applied by its monitor so it holds after the process that started the
 * container exited. C# decided everything it could (Runtime/RestartPlan.cs): which exits restart, how many times, the
 * back-off delays, and the spawn plan of the container's process. The monitor waits and starts that plan again in the
 * same cgroup and network namespace (which it joins, holding it across runs), with the same root filesystem.
 */
#ifndef MONITOR_RESTART_H
#define MONITOR_RESTART_H

#include <sys/types.h>

/* Reads the plan and joins the first run's network namespace; returns 0, or -1 to run without restarts. */
int restart_load(const char *plan_path, pid_t container);

/* Takes the container's exit: returns 1 when it is to be restarted (recorded as restarting), else 0. */
int restart_exited(int exit_code);

/* Milliseconds until a pending restart is due (0 when due), or -1 when none is pending. */
int restart_poll_timeout(void);

/*
 * Starts the container's process again; returns its pid and the read ends of its output, or -1 with the exit code to
 * record in *exit_code (a failed start counts as an exit), or -2 when a user stopped the container meanwhile.
 */
pid_t restart_spawn(int *stdout_fd, int *stderr_fd, int *exit_code);

/* The restarts applied so far. */
int restart_count(void);

#endif
