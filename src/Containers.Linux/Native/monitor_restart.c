#define _GNU_SOURCE
#include "monitor_restart.h"
#include "containers_native.h"
#include "monitor_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PLACEHOLDER_STDIN (-100)
#define PLACEHOLDER_STDOUT (-101)
#define PLACEHOLDER_STDERR (-102)

static struct {
  int32_t on_success, on_failure, max, count;
  int64_t reset_after;
  int32_t ndelays;
  int64_t *delays; /* nanoseconds, per consecutive restart; the last repeats */
  char *stop_marker, *status, *stdin_path;
  int32_t ncgroups;
  char **cgroup_files;
  uint64_t clone_flags;
  int32_t pdeathsig;
  int32_t nsteps;
  struct cn_step *steps;
  char *exec_path;
  char **argv, **envp;
  int consecutive;
  int64_t started, due; /* monotonic ns; due 0: no restart pending */
  int last_exit;
} r;

static int64_t now_ns(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), as the engine records it. */
static unsigned long long start_ticks(pid_t pid) {
  char path[64], text[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0) return 0;
  text[n] = 0;
  char *p = strrchr(text, ')');
  for (int field = 2; p && field < 22; field++) p = strchr(p + 1, ' ');
  return p ? strtoull(p + 1, NULL, 10) : 0;
}

/* STATE COUNT PID START_TICKS LAST_EXIT_CODE UNIX_NS, replaced atomically; the engine merges it into state.json. */
static void write_status(const char *state, pid_t pid) {
  char temporary[4096], text[160];
  if (snprintf(temporary, sizeof temporary, "%s.tmp", r.status) >= (int)sizeof temporary) return;
  int length = snprintf(text, sizeof text, "%s %d %d %llu %d %lld\n", state, r.count, (int)pid, pid > 0 ? start_ticks(pid) : 0ULL,
                        r.last_exit, (long long)now_ns(CLOCK_REALTIME));
  int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  ssize_t n = write(fd, text, (size_t)length);
  close(fd);
  if (n == length) rename(temporary, r.status);
}

static int stopped_by_user(void) { return access(r.stop_marker, F_OK) == 0; }

/* Holds the network namespace (its interfaces, address and published ports) for the runs to come: they inherit it. */
static int join_network(pid_t container) {
  char theirs[64];
  struct stat a, b;
  snprintf(theirs, sizeof theirs, "/proc/%d/ns/net", (int)container);
  if (stat(theirs, &a) < 0) return -1;
  if (stat("/proc/self/ns/net", &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) return 0; /* host network */
  int fd = open(theirs, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  int rc = setns(fd, CLONE_NEWNET);
  close(fd);
  return rc;
}

int restart_load(const char *plan_path, pid_t container) {
  size_t size = 0;
  char *data = plan_read_file(plan_path, "CNRPLAN1", &size);
  if (!data || container <= 0) { free(data); return -1; }
  struct reader rd = {data, size, 8, 0};
  r.on_success = plan_i32(&rd);
  r.on_failure = plan_i32(&rd);
  r.max = plan_i32(&rd);
  r.count = plan_i32(&rd);
  r.reset_after = plan_i64(&rd);
  r.ndelays = plan_i32(&rd);
  if (r.ndelays < 1 || r.ndelays > 64) rd.bad = 1;
  r.delays = calloc((size_t)(rd.bad ? 1 : r.ndelays), sizeof *r.delays);
  for (int32_t i = 0; !rd.bad && r.delays && i < r.ndelays; i++) r.delays[i] = plan_i64(&rd);
  r.stop_marker = plan_str(&rd);
  r.status = plan_str(&rd);
  r.stdin_path = plan_str(&rd);
  r.ncgroups = plan_i32(&rd);
  if (r.ncgroups < 0 || r.ncgroups > 64) rd.bad = 1;
  r.cgroup_files = calloc((size_t)(rd.bad ? 0 : r.ncgroups) + 1, sizeof *r.cgroup_files);
  for (int32_t i = 0; !rd.bad && i < r.ncgroups; i++) r.cgroup_files[i] = plan_str(&rd);
  r.clone_flags = (uint64_t)plan_i64(&rd);
  r.pdeathsig = plan_i32(&rd);
  r.nsteps = plan_steps(&rd, &r.steps);
  r.exec_path = plan_str(&rd);
  r.argv = plan_strs(&rd);
  r.envp = plan_strs(&rd);
  free(data);
  if (rd.bad || !r.delays || !r.stop_marker || !r.status || !r.exec_path || !r.argv || !r.envp) return -1;
  r.started = now_ns(CLOCK_MONOTONIC);
  return join_network(container) == 0 ? 0 : -1;
}

int restart_count(void) { return r.count; }

int restart_exited(int exit_code) {
  r.last_exit = exit_code;
  if (stopped_by_user() || !(exit_code == 0 ? r.on_success : r.on_failure) || (r.max > 0 && r.count >= r.max)) return 0;
  /* Docker's back-off: a run of at least reset_after starts the delays over. */
  if (now_ns(CLOCK_MONOTONIC) - r.started >= r.reset_after) r.consecutive = 0;
  int64_t delay = r.delays[r.consecutive < r.ndelays ? r.consecutive : r.ndelays - 1];
  r.consecutive++;
  r.count++;
  r.due = now_ns(CLOCK_MONOTONIC) + delay;
  write_status("restarting", 0);
  return 1;
}

int restart_poll_timeout(void) {
  if (r.due == 0) return -1;
  if (stopped_by_user()) return 0; /* the marker is checked on each wake-up: a stop ends the wait at once */
  int64_t until = r.due - now_ns(CLOCK_MONOTONIC);
  if (until <= 0) return 0;
  int64_t ms = (until + 999999) / 1000000;
  return ms > 100 ? 100 : (int)ms;
}

static void close_all(int *fds, size_t n) {
  for (size_t i = 0; i < n; i++) if (fds[i] >= 0) close(fds[i]), fds[i] = -1;
}

pid_t restart_spawn(int *stdout_fd, int *stderr_fd, int *exit_code) {
  int out[2] = {-1, -1}, err[2] = {-1, -1}, sync[2] = {-1, -1}, report[2] = {-1, -1}, start[2] = {-1, -1};
  int in = -1;
  pid_t pid = -1;
  r.due = 0;
  if (stopped_by_user()) return -2;
  *exit_code = 128;
  struct cn_step *steps = calloc((size_t)r.nsteps + 1, sizeof *steps);
  in = open(r.stdin_path ? r.stdin_path : "/dev/null", O_RDWR | O_CLOEXEC);
  if (!steps || in < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 || pipe2(sync, O_CLOEXEC) < 0 ||
      pipe2(report, O_CLOEXEC) < 0 || pipe2(start, O_CLOEXEC) < 0) goto fail;
  for (int i = 0; i < r.nsteps; i++) {
    steps[i] = r.steps[i];
    if (steps[i].op != CN_DUP2) continue;
    if (steps[i].i0 == PLACEHOLDER_STDIN) steps[i].i0 = in;
    if (steps[i].i0 == PLACEHOLDER_STDOUT) steps[i].i0 = out[1];
    if (steps[i].i0 == PLACEHOLDER_STDERR) steps[i].i0 = err[1];
  }
  struct cn_plan plan = {
    .clone_flags = r.clone_flags, .nsteps = r.nsteps, .sync_fd = sync[0], .report_fd = report[1], .start_fd = start[0],
    .pdeathsig = r.pdeathsig, .join_pidns_fd = 0, .steps = steps, .exec_path = r.exec_path, .argv = r.argv, .envp = r.envp,
  };
  pid = cn_spawn(&plan);
  int child_ends[] = {sync[0], report[1], start[0], out[1], err[1], in};
  close_all(child_ends, sizeof child_ends / sizeof child_ends[0]);
  sync[0] = report[1] = start[0] = out[1] = err[1] = in = -1;
  if (pid < 0) goto fail;
  /* Placed in the container's cgroup while it waits, before its first step (its cgroup namespace starts there). */
  for (int i = 0; i < r.ncgroups; i++) plan_write_pid(r.cgroup_files[i], pid);
  char go = 1;
  struct cn_report rep = {0, 0, 0};
  if (write(sync[1], &go, 1) != 1 || !plan_read_report(report[0], &rep) || rep.kind != CN_REPORT_READY) goto kill;
  r.started = now_ns(CLOCK_MONOTONIC);
  /* Recorded before the marker's last check: a user's stop that comes later finds this process to signal. */
  write_status("running", pid);
  if (stopped_by_user()) {
    *exit_code = r.last_exit;
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    pid = -2;
    goto cleanup;
  }
  if (write(start[1], &go, 1) != 1) goto kill;
  *stdout_fd = out[0];
  *stderr_fd = err[0];
  out[0] = err[0] = -1;
  goto cleanup; /* an execve that fails reports and exits 127: that exit is taken as any other */

kill:
  kill(pid, SIGKILL);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
fail:
  pid = -1;
cleanup:
  {
    int fds[] = {in, out[0], out[1], err[0], err[1], sync[0], sync[1], report[0], report[1], start[0], start[1]};
    close_all(fds, sizeof fds / sizeof fds[0]);
  }
  free(steps);
  return pid;
}
