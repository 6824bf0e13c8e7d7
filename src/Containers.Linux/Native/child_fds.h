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

#include <sys/syscall.h>
#include <unistd.h>

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
    if (next == ~0U) return (int)syscall(SYS_close_range, first, ~0U, 0);
    if (next > first && syscall(SYS_close_range, first, next - 1, 0) < 0) return -1;
    first = next + 1;
  }
}

#endif
