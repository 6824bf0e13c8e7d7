#define _GNU_SOURCE
#include "monitor_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *plan_read_file(const char *path, const char *magic, size_t *size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  struct stat st;
  if (fstat(fd, &st) < 0 || st.st_size <= 8 || st.st_size > 16 * 1024 * 1024) { close(fd); return NULL; }
  char *data = malloc((size_t)st.st_size);
  size_t got = 0;
  while (data && got < (size_t)st.st_size) {
    ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(fd);
  if (!data || got != (size_t)st.st_size || memcmp(data, magic, 8) != 0) { free(data); return NULL; }
  *size = got;
  return data;
}

static void take(struct reader *r, void *out, size_t n) {
  if (r->bad || r->size - r->at < n) {
    r->bad = 1;
    memset(out, 0, n);
    return;
  }
  memcpy(out, r->data + r->at, n);
  r->at += n;
}

int32_t plan_i32(struct reader *r) { int32_t v; take(r, &v, sizeof v); return v; }
int64_t plan_i64(struct reader *r) { int64_t v; take(r, &v, sizeof v); return v; }

char *plan_str(struct reader *r) {
  int32_t n = plan_i32(r);
  if (n < 0 || r->bad) return NULL;
  if ((size_t)n > r->size - r->at) { r->bad = 1; return NULL; }
  char *s = malloc((size_t)n + 1);
  if (!s) { r->bad = 1; return NULL; }
  memcpy(s, r->data + r->at, (size_t)n);
  s[n] = 0;
  r->at += (size_t)n;
  return s;
}

char **plan_strs(struct reader *r) {
  int32_t n = plan_i32(r);
  if (n < 0 || n > 65536) { r->bad = 1; return NULL; }
  char **v = calloc((size_t)n + 1, sizeof *v);
  if (!v) { r->bad = 1; return NULL; }
  for (int32_t i = 0; i < n; i++) v[i] = plan_str(r);
  return v;
}

int32_t plan_steps(struct reader *r, struct cn_step **steps) {
  int32_t n = plan_i32(r);
  if (n < 0 || n > 4096) r->bad = 1;
  *steps = calloc((size_t)(r->bad ? 0 : n) + 1, sizeof **steps);
  if (!*steps) r->bad = 1;
  for (int32_t i = 0; !r->bad && i < n; i++) {
    struct cn_step *s = &(*steps)[i];
    s->op = plan_i32(r);
    s->i0 = plan_i32(r);
    s->i1 = plan_i32(r);
    s->i2 = plan_i32(r);
    s->u0 = (uint64_t)plan_i64(r);
    s->u1 = (uint64_t)plan_i64(r);
    s->s0 = plan_str(r);
    s->s1 = plan_str(r);
    s->s2 = plan_str(r);
    s->s3 = plan_str(r);
    s->p0 = plan_str(r);
    s->n0 = (uint64_t)plan_i64(r);
  }
  return r->bad ? -1 : n;
}

void plan_write_pid(const char *path, int pid) {
  char text[16];
  int length = snprintf(text, sizeof text, "%d", pid);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t n;
  do { n = write(fd, text, (size_t)length); } while (n < 0 && errno == EINTR);
  close(fd);
}

int plan_read_report(int fd, struct cn_report *report) {
  ssize_t n;
  do { n = read(fd, report, sizeof *report); } while (n < 0 && errno == EINTR);
  return n == (ssize_t)sizeof *report;
}

int plan_only_child(void) {
  char path[64];
  char text[64] = {0};
  snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  return n > 0 ? atoi(text) : 0;
}
