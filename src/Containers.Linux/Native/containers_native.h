/*
 * The native half of the Linux runtime: clone a child into new namespaces and, in it, run a flat
 * plan of syscalls that C# prepared, then execve. Everything decidable lives in C#; this file only
 * does what managed code cannot do safely between clone and exec (no allocation, no locks, only
 * async-signal-safe calls, raw syscalls where glibc would coordinate with other threads).
 */
#ifndef CONTAINERS_NATIVE_H
#define CONTAINERS_NATIVE_H

#include <stdint.h>

#define CN_EXPORT __attribute__((visibility("default")))

/* Step operations. Field use per operation is documented in C# (Native/SpawnStep.cs). */
enum cn_op {
  CN_MOUNT = 1,        /* mount(s0, s1, s2, u0, s3); i1 > 0: s1's first i1 bytes are the root, the rest is resolved inside it; i2 = ignore ENOENT */
  CN_UMOUNT = 2,       /* umount2(s0, i0) */
  CN_MKDIR = 3,        /* mkdir(s0, i0); i2 = ignore EEXIST */
  CN_SYMLINK = 4,      /* symlink(s0, s1); i2 = ignore EEXIST */
  CN_MKNOD = 5,        /* mknod(s0, i0, makedev(i1, u0)), then chmod(s0, i0 & 07777) */
  CN_CHDIR = 6,        /* chdir(s0) */
  CN_PIVOT_ROOT = 7,   /* pivot_root(s0, s1) */
  CN_SETHOSTNAME = 8,  /* sethostname(s0) */
  CN_SETRLIMIT = 9,    /* setrlimit(i0, {u0, u1}) */
  CN_SETGROUPS = 10,   /* setgroups(n0, p0) */
  CN_SETRESGID = 11,   /* setresgid(i0, i0, i0) */
  CN_SETRESUID = 12,   /* setresuid(i0, i0, i0) */
  CN_CAPBSET = 13,     /* drop every capability 0..i0 not in u0 from the bounding set */
  CN_CAPSET = 14,      /* capset: effective u0, permitted u1, inheritable n0 */
  CN_AMBIENT = 15,     /* raise each capability in u0 in the ambient set */
  CN_KEEPCAPS = 16,    /* prctl(PR_SET_KEEPCAPS, i0) */
  CN_NO_NEW_PRIVS = 17,/* prctl(PR_SET_NO_NEW_PRIVS, 1) */
  CN_SECCOMP = 18,     /* install the classic BPF program p0 of n0 instructions */
  CN_WRITE_FILE = 19,  /* write n0 bytes of p0 to the existing file s0 */
  CN_DUP2 = 20,        /* dup3(i0, i1) (clears close-on-exec when i0 == i1) */
  CN_SETSID = 21,      /* setsid() */
  CN_SETCTTY = 22,     /* ioctl(i0, TIOCSCTTY) */
  CN_CLOSE_FROM = 23,  /* close every fd >= i0 but the report and start fds, which become close-on-exec */
  CN_LOOPBACK_UP = 24, /* bring the loopback interface up */
  CN_WAIT_START = 25,  /* report ready, then block until one byte arrives on the start fd */
  CN_UMASK = 26,       /* umask(i0) */
  CN_CREATE_FILE = 27, /* create the empty file s0 (a bind-mount target); i2 = ignore EEXIST */
  CN_SETNS = 28,       /* setns(i0, i1) */
  CN_CHROOT = 29,      /* chroot(s0) */
  CN_SETDOMAINNAME = 30,
  CN_OOM_SCORE = 31,   /* same as CN_WRITE_FILE, kept apart for error messages */
  CN_CLOSE_INHERITED = 32, /* close every fd >= 3 except the report and start fds and the n0 int32 fds at p0 */
  CN_VERIFY_CWD = 33,  /* fail with ENOENT unless the working directory is reachable from the root */
  CN_UNSHARE = 34,     /* unshare(i0) */
  CN_AWAIT_PARENT = 35,/* report CN_REPORT_HOOKS, then block until one byte arrives on the sync fd (the runtime ran its hooks) */
  CN_OPEN_HOOK_STATE = 36, /* open s0 read-only: the state JSON every later CN_RUN_HOOK reads on its stdin */
  CN_RUN_HOOK = 37,    /* fork, execve(s0, argv, envp) from p0 (i0 argv then i1 envp strings, NUL-separated), wait up to i2 s (0: no limit); exit != 0 fails with errno 0x10000 | status */
  CN_CHOWN = 38,       /* chown(s0, i0, i1) */
  CN_CLONE_PIDNS = 39, /* clone(CLONE_NEWPID | CLONE_PARENT): this process reports CN_REPORT_REBORN (err = the new pid) and exits; the clone, pid 1 of a pid namespace owned by the current user namespace, goes on with the plan */
};

struct cn_step {
  int32_t op;
  int32_t i0, i1, i2;
  uint64_t u0, u1;
  const char *s0, *s1, *s2, *s3;
  const void *p0;
  uint64_t n0;
};

struct cn_plan {
  uint64_t clone_flags;   /* CLONE_NEW* flags */
  int32_t nsteps;
  int32_t sync_fd;        /* the child reads one byte here before its first step; -1 for none */
  int32_t report_fd;      /* the child writes struct cn_report records here (close-on-exec) */
  int32_t start_fd;       /* read by CN_WAIT_START */
  int32_t pdeathsig;      /* signal on parent-thread death; 0 for none */
  int32_t join_pidns_fd;  /* a pid namespace (fd > 2) the child is born into, for exec; 0 for none */
  const struct cn_step *steps;
  const char *exec_path;
  char *const *argv;
  char *const *envp;
};

enum cn_report_kind { CN_REPORT_READY = 1, CN_REPORT_ERROR = 2, CN_REPORT_HOOKS = 3, CN_REPORT_REBORN = 4 };

struct cn_report {
  int32_t kind;
  int32_t step;   /* index of the failing step; nsteps for execve */
  int32_t err;    /* errno */
};

/* Returns the child's pid (in the caller's pid namespace), or -errno. */
CN_EXPORT int cn_spawn(const struct cn_plan *plan);

/* What cn_spawn_monitored execs once the container is cloned: the monitor program and the two pipe ends it reads. */
struct cn_monitor {
  const char *path;
  char *const *argv;
  char *const *envp;
  int32_t stdout_fd;      /* kept open across execve; every other descriptor closes */
  int32_t stderr_fd;
  int32_t pid_fd;         /* receives the container's pid (int32), or -errno when the clone failed */
  int32_t reserved;
};

/*
 * Forks a monitor process that starts its own session, clones the container from `plan` as its child, reports the
 * container's pid on monitor->pid_fd and execs the monitor program, which then outlives the caller. Returns the
 * monitor's pid or -errno.
 */
CN_EXPORT int cn_spawn_monitored(const struct cn_plan *plan, const struct cn_monitor *monitor);

/* Waits for a child; returns 0 and its exit code (or 128+signal) in *status, or -errno. */
CN_EXPORT int cn_wait(int pid, int *status);

#endif
