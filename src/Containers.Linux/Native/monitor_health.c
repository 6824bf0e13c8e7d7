#define _GNU_SOURCE
#include "monitor_health.h"
#include "containers_native.h"
#include "monitor_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_OUTPUT 4096 /* Docker's bound; more is marked with "..." */
#define PLACEHOLDER_STDIN (-100)
#define PLACEHOLDER_OUTPUT (-101)
#define CLONE_NEWPID_FLAG 0x20000000

static struct {
  int64_t interval, timeout, start_period, start_interval; /* nanoseconds */
  int32_t nns;
  int32_t *ns_flags;
  char **ns_files;
  int32_t ncgroups;
  char **cgroup_files;
  int32_t nsteps;
  struct cn_step *steps;
  char *exec_path;
  char **argv;
  char **envp;
  const char *results;
  pid_t container;
  int64_t loaded;
  int64_t next;
  int ever_healthy;
  /* the running check */
  pid_t pid;
  int out_fd;
  int64_t deadline;
  struct timespec started;
  int exited;
  int exit_code;
  size_t used;
  char output[MAX_OUTPUT + 1];
} h = {.pid = 0, .out_fd = -1};

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int health_load(const char *plan_path, const char *results_path) {
  size_t got = 0;
  char *data = plan_read_file(plan_path, "CNHPLAN1", &got);
  if (!data) return -1;

  struct reader r = {data, got, 8, 0};
  h.interval = plan_i64(&r);
  h.timeout = plan_i64(&r);
  h.start_period = plan_i64(&r);
  h.start_interval = plan_i64(&r);
  h.nns = plan_i32(&r);
  if (h.nns < 0 || h.nns > 16) r.bad = 1;
  h.ns_flags = calloc((size_t)(r.bad ? 0 : h.nns) + 1, sizeof *h.ns_flags);
  h.ns_files = calloc((size_t)(r.bad ? 0 : h.nns) + 1, sizeof *h.ns_files);
  for (int32_t i = 0; !r.bad && i < h.nns; i++) {
    h.ns_flags[i] = plan_i32(&r);
    h.ns_files[i] = plan_str(&r);
  }
  h.ncgroups = plan_i32(&r);
  if (h.ncgroups < 0 || h.ncgroups > 64) r.bad = 1;
  h.cgroup_files = calloc((size_t)(r.bad ? 0 : h.ncgroups) + 1, sizeof *h.cgroup_files);
  for (int32_t i = 0; !r.bad && i < h.ncgroups; i++) h.cgroup_files[i] = plan_str(&r);
  h.nsteps = plan_steps(&r, &h.steps);
  for (int32_t i = 0; !r.bad && i < h.nsteps; i++) {
    if (h.steps[i].op == CN_SETNS && (h.steps[i].i0 < 0 || h.steps[i].i0 >= h.nns)) r.bad = 1;
  }
  h.exec_path = plan_str(&r);
  h.argv = plan_strs(&r);
  h.envp = plan_strs(&r);
  free(data);
  if (r.bad || !h.exec_path || h.interval <= 0 || h.timeout <= 0) return -1;

  h.results = results_path;
  h.container = plan_only_child();
  h.loaded = now_ns();
  h.next = h.loaded + (h.start_period > 0 ? h.start_interval : h.interval);
  return h.container > 0 ? 0 : -1;
}

int health_fd(void) { return h.out_fd; }

int health_poll_timeout(void) {
  int64_t until = (h.pid > 0 ? h.deadline : h.next) - now_ns();
  if (until <= 0) return 0;
  int64_t ms = (until + 999999) / 1000000;
  return ms > 60000 ? 60000 : (int)ms;
}

void health_read(void) {
  char buffer[4096];
  ssize_t n = read(h.out_fd, buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    close(h.out_fd);
    h.out_fd = -1;
    return;
  }
  size_t keep = sizeof h.output - h.used;
  if ((size_t)n < keep) keep = (size_t)n;
  memcpy(h.output + h.used, buffer, keep);
  h.used += keep;
}

int health_child_exited(pid_t pid, int status) {
  if (h.pid <= 0 || pid != h.pid) return 0;
  h.exited = 1;
  h.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
  return 1;
}

static void record(int exit_code, const char *output, size_t length, int truncated) {
  static char line[MAX_OUTPUT * 6 + 512];
  struct timespec end;
  clock_gettime(CLOCK_REALTIME, &end);
  size_t o = 0;
  o += (size_t)snprintf(line + o, sizeof line - o, "{\"Start\":\"");
  o += format_time(line + o, sizeof line - o, &h.started);
  o += (size_t)snprintf(line + o, sizeof line - o, "\",\"End\":\"");
  o += format_time(line + o, sizeof line - o, &end);
  o += (size_t)snprintf(line + o, sizeof line - o, "\",\"ExitCode\":%d,\"Output\":\"", exit_code);
  o += json_escape(line + o, output, length);
  o += (size_t)snprintf(line + o, sizeof line - o, "%s\"}\n", truncated ? "..." : "");
  int fd = open(h.results, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd >= 0) {
    ssize_t n;
    do { n = write(fd, line, o); } while (n < 0 && errno == EINTR);
    close(fd);
  }
  if (exit_code == 0) h.ever_healthy = 1;
  int64_t now = now_ns();
  int starting = !h.ever_healthy && now - h.loaded < h.start_period;
  h.next = now + (starting ? h.start_interval : h.interval);
}

/* Writes a duration as Go does (500ms, 2s, 1m30s), as Docker's message shows it. */
static void go_duration(char *out, size_t size, int64_t ns) {
  int64_t ms = ns / 1000000;
  if (ms < 1000) { snprintf(out, size, "%lldms", (long long)ms); return; }
  int64_t minutes = ms / 60000;
  double seconds = (double)(ms % 60000) / 1000.0;
  if (minutes >= 60) snprintf(out, size, "%lldh%lldm%gs", (long long)(minutes / 60), (long long)(minutes % 60), seconds);
  else if (minutes > 0) snprintf(out, size, "%lldm%gs", (long long)minutes, seconds);
  else snprintf(out, size, "%gs", seconds);
}

static void record_message(int exit_code, const char *message) { record(exit_code, message, strlen(message), 0); }

static void kill_check(void) {
  /* The check leads its own session and process group (the plan's setsid): the group takes what it started along. */
  kill(-h.pid, SIGKILL);
  kill(h.pid, SIGKILL);
  if (!h.exited) {
    int status;
    while (waitpid(h.pid, &status, 0) < 0 && errno == EINTR) {}
  }
  if (h.out_fd >= 0) close(h.out_fd);
  h.out_fd = -1;
  h.pid = 0;
}

static void finish(void) {
  if (h.out_fd >= 0) close(h.out_fd);
  h.out_fd = -1;
  kill(-h.pid, SIGKILL); /* what it left running in its group */
  h.pid = 0;
  size_t length = h.used > MAX_OUTPUT ? MAX_OUTPUT : h.used;
  record(h.exit_code, h.output, length, h.used > MAX_OUTPUT);
}

static int open_namespace(const char *file) {
  char theirs[64], ours[64];
  struct stat a, b;
  snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)h.container, file);
  snprintf(ours, sizeof ours, "/proc/self/ns/%s", file);
  if (stat(theirs, &a) < 0) return -2;
  if (stat(ours, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) return -1; /* shared with the host: nothing to join */
  int fd = open(theirs, O_RDONLY | O_CLOEXEC);
  return fd < 0 ? -2 : fd;
}

static void start_check(void) {
  char message[256];
  int ns_fds[16];
  int pidns = 0;
  int out[2] = {-1, -1}, sync[2] = {-1, -1}, report[2] = {-1, -1}, start[2] = {-1, -1};
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  struct cn_step *steps = calloc((size_t)h.nsteps + 1, sizeof *steps);
  int nsteps = 0;
  int opened = 0;

  clock_gettime(CLOCK_REALTIME, &h.started);
  h.used = 0;
  h.exited = 0;
  for (int i = 0; i < h.nns; i++) ns_fds[i] = -1;
  if (devnull < 0 || !steps || pipe2(out, O_CLOEXEC) < 0 || pipe2(sync, O_CLOEXEC) < 0 || pipe2(report, O_CLOEXEC) < 0 || pipe2(start, O_CLOEXEC) < 0) {
    snprintf(message, sizeof message, "the monitor could not prepare the health check: %s", strerror(errno));
    goto fail;
  }
  for (int i = 0; i < h.nns; i++) {
    ns_fds[i] = open_namespace(h.ns_files[i]);
    if (ns_fds[i] == -2) {
      snprintf(message, sizeof message, "the container is not running");
      goto fail;
    }
    if (h.ns_flags[i] == CLONE_NEWPID_FLAG && ns_fds[i] >= 0) pidns = ns_fds[i];
  }
  opened = 1;
  for (int i = 0; i < h.nsteps; i++) {
    struct cn_step s = h.steps[i];
    if (s.op == CN_SETNS) {
      if (ns_fds[s.i0] < 0) continue;
      s.i0 = ns_fds[s.i0];
    }
    if (s.op == CN_DUP2 && s.i0 == PLACEHOLDER_STDIN) s.i0 = devnull;
    if (s.op == CN_DUP2 && s.i0 == PLACEHOLDER_OUTPUT) s.i0 = out[1];
    steps[nsteps++] = s;
  }

  struct cn_plan plan = {
    .clone_flags = 0, .nsteps = nsteps, .sync_fd = sync[0], .report_fd = report[1], .start_fd = start[0],
    .pdeathsig = SIGKILL, .join_pidns_fd = pidns, .steps = steps, .exec_path = h.exec_path, .argv = h.argv, .envp = h.envp,
  };
  pid_t pid = cn_spawn(&plan);
  close(sync[0]), close(report[1]), close(start[0]), close(out[1]);
  sync[0] = report[1] = start[0] = out[1] = -1;
  if (pid < 0) {
    snprintf(message, sizeof message, "starting the health check failed: %s", strerror(-pid));
    goto fail;
  }
  h.pid = pid;
  for (int i = 0; i < h.ncgroups; i++) plan_write_pid(h.cgroup_files[i], pid);
  char go = 1;
  struct cn_report r = {0, 0, 0};
  if (write(sync[1], &go, 1) != 1 || !plan_read_report(report[0], &r) || r.kind != CN_REPORT_READY || write(start[1], &go, 1) != 1) {
    snprintf(message, sizeof message, "starting the health check failed at step %d: %s", r.step, strerror(r.err));
    kill_check();
    goto fail;
  }
  if (plan_read_report(report[0], &r)) { /* execve failed; a successful one closes the report pipe */
    snprintf(message, sizeof message, "starting the health check failed: exec %s: %s", h.exec_path, strerror(r.err));
    kill_check();
    goto fail;
  }
  h.out_fd = out[0];
  out[0] = -1;
  h.deadline = now_ns() + h.timeout;
  goto cleanup;

fail:
  record_message(-1, message);
cleanup:
  for (int i = 0; opened && i < h.nns; i++) if (ns_fds[i] >= 0) close(ns_fds[i]);
  int fds[] = {devnull, out[0], out[1], sync[0], sync[1], report[0], report[1], start[0], start[1]};
  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) if (fds[i] >= 0) close(fds[i]);
  free(steps);
}

void health_tick(void) {
  int64_t now = now_ns();
  if (h.pid > 0) {
    if (h.exited && h.out_fd < 0) {
      finish();
    } else if (now >= h.deadline) {
      int exited = h.exited;
      kill_check();
      if (exited) {
        /* It ended in time but left something holding its output: its exit code stands. */
        record(h.exit_code, h.output, h.used > MAX_OUTPUT ? MAX_OUTPUT : h.used, h.used > MAX_OUTPUT);
      } else {
        char message[96], duration[48];
        go_duration(duration, sizeof duration, h.timeout);
        snprintf(message, sizeof message, "Health check exceeded timeout (%s)", duration);
        record_message(-1, message);
      }
    }
    return;
  }
  if (now >= h.next) start_check();
}

void health_stop(void) {
  if (h.pid > 0) kill_check();
}

void health_restart(pid_t container) {
  h.container = container;
  h.loaded = now_ns();
  h.next = h.loaded + (h.start_period > 0 ? h.start_interval : h.interval);
  h.ever_healthy = 0;
  /* A new run's health starts over, as Docker's does: its results file starts empty. */
  int fd = open(h.results, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd >= 0) close(fd);
}
