/*
 * The first thing a cloned child does: close every descriptor its plan does not use.
 *
 * The child is a copy of the engine process, so it starts with every descriptor the engine had open: the engine's
 * ends of the pipes the child waits on (a child blocked reading the sync or start pipe while it holds the write end
 * itself never sees the engine die) and the engine's file locks (flock locks belong to the open file, so a copy keeps
 * a container's lock held for as long as the child lives). Close-on-exec does not help before execve, and a child can
 * wait there indefinitely. Included by spawn.c only; async-signal-safe.
 */
#ifndef CONTAINERS_CHILD_FDS_H
#define CONTAINERS_CHILD_FDS_H

#include "containers_native.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* close_range(first, last), or where the kernel or the caller's seccomp profile refuses it, a close() of each open
   descriptor in the range as /proc/self/fd lists them (runc's fallback); by the descriptor limit without /proc. */
static int cn_close_range(unsigned first, unsigned last) {
  if (syscall(SYS_close_range, first, last, 0) == 0) return 0;
  if (errno != ENOSYS && errno != EPERM && errno != EACCES) return -1;
  int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) {
    struct rlimit limit;
    unsigned max = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_max < 1048576 ? (unsigned)limit.rlim_max : 1048576;
    for (unsigned fd = first; fd <= last && fd < max; fd++) close((int)fd);
    return 0;
  }
  char buffer[4096];
  long n;
  while ((n = syscall(SYS_getdents64, dir, buffer, sizeof buffer)) > 0) {
    for (long offset = 0; offset < n;) {
      unsigned short reclen = *(unsigned short *)(buffer + offset + 16);
      const char *name = buffer + offset + 19; /* struct linux_dirent64: ino 8, off 8, reclen 2, type 1, name */
      unsigned fd = 0;
      int digits = 0;
      for (; *name >= '0' && *name <= '9'; name++, digits++) fd = fd * 10 + (unsigned)(*name - '0');
      if (digits > 0 && *name == 0 && fd != (unsigned)dir && fd >= first && fd <= last) close((int)fd);
      offset += reclen;
    }
  }
  close(dir);
  return n < 0 ? -1 : 0;
}

/* The lowest descriptor >= first among `fd`, or `best` when `fd` is not lower. */
static unsigned cn_lower_fd(int fd, unsigned first, unsigned best) {
  return fd >= 0 && (unsigned)fd >= first && (unsigned)fd < best ? (unsigned)fd : best;
}

/* The lowest descriptor >= first that the plan reads, writes or keeps (or `keep`); ~0U when none. */
static unsigned cn_next_used_fd(const struct cn_plan *p, int keep, unsigned first) {
  unsigned best = cn_lower_fd(keep, first, ~0U);
  best = cn_lower_fd(p->sync_fd, first, best);
  best = cn_lower_fd(p->report_fd, first, best);
  best = cn_lower_fd(p->start_fd, first, best);
  for (int i = 0; i < p->nsteps; i++) {
    const struct cn_step *s = &p->steps[i];
    switch (s->op) {
    case CN_DUP2:
    case CN_SETNS:
    case CN_SETCTTY:
      best = cn_lower_fd(s->i0, first, best);
      break;
    case CN_CLOSE_INHERITED:
      for (uint64_t k = 0; k < s->n0; k++) best = cn_lower_fd(((const int32_t *)s->p0)[k], first, best);
      break;
    default:
      break;
    }
  }
  return best;
}

/* Closes every descriptor from 3 up that the plan does not use, but `keep` (-1 for none), in runs between the used ones. */
static int cn_close_unused_fds(const struct cn_plan *p, int keep) {
  unsigned first = 3;
  for (;;) {
    unsigned next = cn_next_used_fd(p, keep, first);
    if (next == ~0U) return cn_close_range(first, ~0U);
    if (next > first && cn_close_range(first, next - 1) < 0) return -1;
    first = next + 1;
  }
}

#endif
