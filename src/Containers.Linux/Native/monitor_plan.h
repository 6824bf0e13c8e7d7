/*
 * Reading the spawn plans C# prepared for the monitor (Runtime/MonitorPlanWriter.cs writes them): little-endian
 * int32/int64, strings as an int32 length (-1 for none) and bytes. Shared by the health checks and the restarts.
 */
#ifndef MONITOR_PLAN_H
#define MONITOR_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "containers_native.h"

struct reader {
  const char *data;
  size_t size, at;
  int bad;
};

/* Reads the whole file (at most 16 MiB) and checks its 8-byte magic; returns the data (free it) or NULL. */
char *plan_read_file(const char *path, const char *magic, size_t *size);

int32_t plan_i32(struct reader *r);
int64_t plan_i64(struct reader *r);
char *plan_str(struct reader *r);
char **plan_strs(struct reader *r);

/* Reads an int32 count and that many steps into *steps (NULL-terminated room for one more); returns the count or -1. */
int32_t plan_steps(struct reader *r, struct cn_step **steps);

/* Writes a pid into a cgroup.procs file; a failure leaves the process outside the cgroup's limits. */
void plan_write_pid(const char *path, int pid);

/* Reads one struct cn_report; returns 1 when a whole one arrived. */
int plan_read_report(int fd, struct cn_report *report);

/* The pid of this process's only child (the container, right after the monitor's exec), or 0. */
int plan_only_child(void);

#endif
