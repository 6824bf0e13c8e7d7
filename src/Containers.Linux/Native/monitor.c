/*
 * containers-monitor: the parent of a detached container, like conmon. cn_spawn_monitored clones the container and
 * execs this program in the same process, so the container is its only child. It copies the container's stdout and
 * stderr into the log file as JSON lines (the format ContainerLogWriter writes and ContainerLogReader reads), waits
 * for the container, records its exit code in the exit file, and exits. No .NET runtime, so it stays small.
 * With a health check plan it also runs the container's health checks on their timer (monitor_health.c).
 *
 * With a restart plan it applies the container's restart policy: at an exit the policy allows, it waits the back-off and
 * starts the container's process again (monitor_restart.c); the exit file is written once no restart follows.
 *
 * Usage: containers-monitor LOG_FILE EXIT_FILE STDOUT_FD STDERR_FD [MAX_SIZE MAX_FILES [HEALTH_PLAN HEALTH_RESULTS [RESTART_PLAN]]]
 * HEALTH_PLAN may be empty for none.
 * With MAX_SIZE > 0 the log rotates as Docker's json-file driver does (see log_rotate below).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monitor_health.h"
#include "monitor_plan.h"
#include "monitor_restart.h"

#define LINE_MAX_BYTES (16 * 1024)

struct stream {
  int fd;
  const char *name;
  size_t used;
  char buffer[LINE_MAX_BYTES];
};

static int log_fd = -1;
static const char *log_path;
static long long log_size;     /* bytes in the current log file */
static long long log_max_size; /* 0: never rotate */
static int log_max_files = 1;
static long long log_dropped; /* lines lost to a full disk since the last notice in the log */

/* 0 when everything was written; -1 otherwise (a full disk loses log lines, never the container). */
static int write_all(int fd, const char *data, size_t length) {
  while (length > 0) {
    ssize_t n = write(fd, data, length);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    data += n;
    length -= (size_t)n;
  }
  return 0;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when it is not one. */
static size_t utf8_length(const unsigned char *s, size_t n) {
  size_t length;
  unsigned int min;
  unsigned int cp;
  if (s[0] < 0x80) return 1;
  if ((s[0] & 0xE0) == 0xC0) { length = 2; min = 0x80; cp = s[0] & 0x1F; }
  else if ((s[0] & 0xF0) == 0xE0) { length = 3; min = 0x800; cp = s[0] & 0x0F; }
  else if ((s[0] & 0xF8) == 0xF0) { length = 4; min = 0x10000; cp = s[0] & 0x07; }
  else return 0;
  if (length > n) return 0;
  for (size_t i = 1; i < length; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return length;
}

/*
 * Before a line that would take the file past the maximum size: LOG.1 becomes LOG.2 and so on (the oldest beyond
 * MAX_FILES goes), LOG becomes LOG.1, and a new LOG starts, as ContainerLogWriter does. Readers following the old
 * file keep their descriptor, read it to its end, and then move on to the next file.
 */
static void log_rotate(size_t next) {
  if (log_max_size <= 0 || log_size == 0 || log_size + (long long)next <= log_max_size) return;
  char from[4096];
  char to[4096];
  if (log_max_files <= 1) {
    unlink(log_path);
  } else {
    snprintf(to, sizeof to, "%s.%d", log_path, log_max_files - 1);
    unlink(to);
    for (int i = log_max_files - 2; i >= 1; i--) {
      snprintf(from, sizeof from, "%s.%d", log_path, i);
      snprintf(to, sizeof to, "%s.%d", log_path, i + 1);
      rename(from, to);
    }
    snprintf(to, sizeof to, "%s.1", log_path);
    rename(log_path, to);
  }
  int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return; /* keep writing the old file rather than lose lines */
  close(log_fd);
  log_fd = fd;
  log_size = 0;
}

/* JSON-escapes text into out (room for 6 bytes per input byte); invalid UTF-8 becomes U+FFFD, as .NET decodes it. */
size_t json_escape(char *out, const char *text, size_t length) {
  size_t o = 0;
  for (size_t i = 0; i < length;) {
    unsigned char c = (unsigned char)text[i];
    if (c == '"' || c == '\\') {
      out[o++] = '\\';
      out[o++] = (char)c;
      i++;
    } else if (c == '\n') {
      memcpy(out + o, "\\n", 2), o += 2, i++;
    } else if (c == '\r') {
      memcpy(out + o, "\\r", 2), o += 2, i++;
    } else if (c == '\t') {
      memcpy(out + o, "\\t", 2), o += 2, i++;
    } else if (c < 0x20 || c == 0x7F) {
      o += (size_t)snprintf(out + o, 7, "\\u%04x", c);
      i++;
    } else {
      size_t n = utf8_length((const unsigned char *)text + i, length - i);
      if (n == 0) {
        memcpy(out + o, "\xEF\xBF\xBD", 3), o += 3, i++;
      } else {
        memcpy(out + o, text + i, n), o += n, i += n;
      }
    }
  }
  return o;
}

/* Writes an RFC 3339 UTC time with 100 ns precision, as .NET round-trips it. */
size_t format_time(char *out, size_t size, const struct timespec *when) {
  struct tm utc;
  gmtime_r(&when->tv_sec, &utc);
  int n = snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%07ldZ", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                   utc.tm_min, utc.tm_sec, when->tv_nsec / 100);
  return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/* Writes {"log":"...","stream":"...","time":"..."} with the text JSON-escaped; -1 when it did not fit. */
static int emit_line(const char *stream, const char *text, size_t length) {
  static char out[LINE_MAX_BYTES * 6 + 256];
  size_t o = 0;
  o += (size_t)snprintf(out, 16, "{\"log\":\"");
  o += json_escape(out + o, text, length);
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  o += (size_t)snprintf(out + o, sizeof out - o, "\",\"stream\":\"%s\",\"time\":\"", stream);
  o += format_time(out + o, sizeof out - o, &now);
  o += (size_t)snprintf(out + o, sizeof out - o, "\"}\n");
  log_rotate(o);
  if (write_all(log_fd, out, o) != 0) {
    if (ftruncate(log_fd, log_size) != 0) { /* a torn last line; readers skip it */ }
    return -1;
  }
  log_size += (long long)o;
  return 0;
}

/* Emits a line; once lines fit again after a full disk, a line on stderr first names how many were lost and why. */
static void emit(const char *stream, const char *text, size_t length) {
  if (log_dropped > 0) {
    char note[4400];
    int n = snprintf(note, sizeof note, "containers: %lld log line(s) dropped: no space left on device while writing %s\n", log_dropped, log_path);
    if (n < 0 || emit_line("stderr", note, (size_t)n < sizeof note ? (size_t)n : sizeof note - 1) != 0) {
      log_dropped++;
      return;
    }
    log_dropped = 0;
  }
  if (emit_line(stream, text, length) != 0) log_dropped++;
}

/* Emits every complete line; a partial line that fills the buffer is emitted as it is, as ContainerLogWriter does. */
static void drain_lines(struct stream *s) {
  size_t start = 0;
  for (size_t i = 0; i < s->used; i++) {
    if (s->buffer[i] == '\n') {
      emit(s->name, s->buffer + start, i + 1 - start);
      start = i + 1;
    }
  }
  memmove(s->buffer, s->buffer + start, s->used - start);
  s->used -= start;
  if (s->used == sizeof s->buffer) {
    emit(s->name, s->buffer, s->used);
    s->used = 0;
  }
}

/* Reads what is there; returns 0 at end of file. */
static int pump(struct stream *s) {
  ssize_t n = read(s->fd, s->buffer + s->used, sizeof s->buffer - s->used);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 1;
  if (n <= 0) {
    if (s->used > 0) emit(s->name, s->buffer, s->used);
    s->used = 0;
    return 0;
  }
  s->used += (size_t)n;
  drain_lines(s);
  return 1;
}

/*
 * Writes the exit code into EXIT_FILE.tmp, which the engine preallocated (so a full disk cannot refuse it; hence no
 * O_TRUNC, which would free its space), then renames it into place. When it still does not fit, the container
 * directory's space reserve (.reserve) is given back and the write tried again: the exit code must not be lost.
 */
static int write_exit(const char *temporary, const char *text, size_t length) {
  int fd = open(temporary, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  ssize_t n = pwrite(fd, text, length, 0);
  int ok = n == (ssize_t)length && ftruncate(fd, (off_t)length) == 0 && fsync(fd) == 0;
  close(fd);
  return ok ? 0 : -1;
}

static int exit_code_of(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
}

static void record_exit(const char *path, int code) {
  char temporary[4096];
  char reserve[4096];
  char text[32];
  if (snprintf(temporary, sizeof temporary, "%s.tmp", path) >= (int)sizeof temporary) return;
  int length = snprintf(text, sizeof text, "%d\n", code);
  if (write_exit(temporary, text, (size_t)length) != 0) {
    const char *slash = strrchr(path, '/');
    int directory = slash ? (int)(slash - path) : 1;
    snprintf(reserve, sizeof reserve, "%.*s/.reserve", directory, slash ? path : ".");
    unlink(reserve);
    if (write_exit(temporary, text, (size_t)length) != 0) return;
  }
  rename(temporary, path);
}

int main(int argc, char **argv) {
  if (argc != 5 && argc != 7 && argc != 9 && argc != 10) {
    fprintf(stderr, "usage: containers-monitor LOG_FILE EXIT_FILE STDOUT_FD STDERR_FD [MAX_SIZE MAX_FILES [HEALTH_PLAN HEALTH_RESULTS [RESTART_PLAN]]]\n");
    return 2;
  }

  prctl(PR_SET_NAME, "containers-mon", 0, 0, 0);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
  }

  log_path = argv[1];
  log_fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  struct stat existing;
  if (log_fd >= 0 && fstat(log_fd, &existing) == 0) log_size = existing.st_size;
  if (argc >= 7) {
    log_max_size = atoll(argv[5]);
    log_max_files = atoi(argv[6]) > 0 ? atoi(argv[6]) : 1;
  }
  static struct stream streams[2];
  streams[0].fd = atoi(argv[3]);
  streams[0].name = "stdout";
  streams[1].fd = atoi(argv[4]);
  streams[1].name = "stderr";

  /* Health checks and restarts need the loop to wake on timers and on every child's exit, not only on output. */
  int checking = argc >= 9 && argv[7][0] && health_load(argv[7], argv[8]) == 0;
  int restarting = argc == 10 && restart_load(argv[9], plan_only_child()) == 0;
  int child_fd = -1;
  if (checking || restarting) {
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    child_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (child_fd < 0) checking = restarting = 0;
  }
  int watching = checking || restarting;

  int status = 0;
  int code = 255;
  int container_exited = 0;
  int exit_taken = 0;
  int pending = 0; /* a restart waits for its back-off */
  int open_streams = 2;
  while (open_streams > 0 || (watching && (!container_exited || pending))) {
    struct pollfd fds[4];
    int watched[4] = {streams[0].fd, streams[1].fd, checking ? health_fd() : -1, child_fd};
    for (int i = 0; i < 4; i++) {
      fds[i].fd = watched[i];
      fds[i].events = POLLIN;
      fds[i].revents = 0;
    }
    int timeout = checking && !container_exited ? health_poll_timeout() : -1;
    int due = pending ? restart_poll_timeout() : -1;
    if (due >= 0 && (timeout < 0 || due < timeout)) timeout = due;
    if (poll(fds, 4, timeout) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; i++) {
      if (fds[i].revents && streams[i].fd >= 0 && !pump(&streams[i])) {
        close(streams[i].fd);
        streams[i].fd = -1; /* poll ignores negative descriptors */
        open_streams--;
      }
    }
    if (fds[2].revents) health_read();
    if (fds[3].revents) {
      struct signalfd_siginfo info;
      while (read(child_fd, &info, sizeof info) > 0) {}
      pid_t pid;
      while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (!health_child_exited(pid, status)) {
          code = exit_code_of(status);
          container_exited = 1;
        }
      }
    }
    if (container_exited && !exit_taken) {
      exit_taken = 1;
      if (checking) health_stop(); /* its pid namespace is gone with the container; this reaps it */
      pending = restarting && restart_exited(code);
      checking = checking && pending;
    }
    while (pending && restart_poll_timeout() == 0) {
      /* What the last run wrote was read as it came; a pipe a leftover process still holds is let go. */
      for (int i = 0; i < 2; i++) {
        if (streams[i].fd >= 0) close(streams[i].fd), open_streams--;
        streams[i].fd = -1;
        streams[i].used = 0;
      }
      int started = restart_spawn(&streams[0].fd, &streams[1].fd, &code);
      if (started > 0) {
        open_streams = 2;
        container_exited = exit_taken = pending = 0;
        if (checking) health_restart(started);
      } else if (started == -1) {
        pending = restart_exited(code); /* a failed start counts as an exit */
      } else {
        pending = 0;
      }
      checking = checking && (pending || started > 0);
    }
    if (checking && !container_exited) health_tick();
  }

  /* Without checks or restarts the container is this process's only child. */
  pid_t pid;
  while (!container_exited && ((pid = waitpid(-1, &status, 0)) > 0 || (pid < 0 && errno == EINTR))) {
    if (pid > 0) code = exit_code_of(status);
  }
  record_exit(argv[2], code);
  return 0;
}
