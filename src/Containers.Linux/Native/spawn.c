#define _GNU_SOURCE
#include "containers_native.h"
#include "child_fds.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* The process the child must die with, as the child's own copy sets them right after clone: its pid (as the parent
   sees itself) and a pidfd for it (-1 without pidfd_open), which still tells a parent outside the child's pid
   namespace, where getppid() says 0, apart from a dead one. */
static int parent_pid;
static int parent_fd = -1;

/* The OCI state JSON the container's own hooks (createContainer, startContainer) read on their stdin; -1 for none. */
static int hook_state_fd = -1;

/* Child-side helpers: only async-signal-safe calls from here to execve. */

static void report(int fd, int32_t kind, int32_t step, int32_t err) {
  struct cn_report r = {kind, step, err};
  ssize_t n;
  do {
    n = write(fd, &r, sizeof r);
  } while (n < 0 && errno == EINTR);
}

static __attribute__((noreturn)) void fail(const struct cn_plan *p, int step, int err) {
  report(p->report_fd, CN_REPORT_ERROR, step, err);
  _exit(127);
}

static int loopback_up(void) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, "lo", 3);
  int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
  if (rc == 0) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
  }
  int saved = errno;
  close(fd);
  errno = saved;
  return rc;
}

static int write_file(const char *path, const void *data, uint64_t len) {
  int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return -1;
  ssize_t n = write(fd, data, len);
  int saved = errno;
  close(fd);
  errno = saved;
  return n == (ssize_t)len ? 0 : -1;
}

static int capset_masks(uint64_t effective, uint64_t permitted, uint64_t inheritable) {
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  data[0].effective = (uint32_t)effective;
  data[1].effective = (uint32_t)(effective >> 32);
  data[0].permitted = (uint32_t)permitted;
  data[1].permitted = (uint32_t)(permitted >> 32);
  data[0].inheritable = (uint32_t)inheritable;
  data[1].inheritable = (uint32_t)(inheritable >> 32);
  return (int)syscall(SYS_capset, &header, data);
}

static int wait_start(const struct cn_plan *p) {
  report(p->report_fd, CN_REPORT_READY, 0, 0);
  char byte;
  ssize_t n;
  do {
    n = read(p->start_fd, &byte, 1);
  } while (n < 0 && errno == EINTR);
  if (n == 1) return 0;
  /* The start fd closed without a start: the creator gave up on this container. */
  _exit(0);
}

static unsigned lower_kept(unsigned fd, unsigned first, unsigned next) {
  return fd >= first && fd < next ? fd : next;
}

/* Really closes what the child inherited: close-on-exec fds stay open until execve and reach host files through
 * /proc/self/fd (CVE-2024-21626). Closes every fd from 3 up, in runs between the ones the plan still needs. */
static int close_inherited(const struct cn_plan *p, const int32_t *keep, uint64_t nkeep) {
  unsigned first = 3;
  for (;;) {
    unsigned next = ~0U;
    next = lower_kept((unsigned)p->report_fd, first, next);
    next = lower_kept((unsigned)p->start_fd, first, next);
    if (parent_fd >= 0) next = lower_kept((unsigned)parent_fd, first, next);
    if (p->sync_fd >= 0) next = lower_kept((unsigned)p->sync_fd, first, next); /* CN_AWAIT_PARENT reads it */
    for (uint64_t i = 0; i < nkeep; i++) next = lower_kept((unsigned)keep[i], first, next);
    if (next == ~0U) return cn_close_range(first, ~0U);
    if (next > first && cn_close_range(first, next - 1) < 0) return -1;
    first = next + 1;
  }
}

/* The kernel prefixes "(unreachable)" when the working directory lies outside the root (runc's verifyCwd). */
static int verify_cwd(void) {
  char cwd[4096];
  if (syscall(SYS_getcwd, cwd, sizeof cwd) < 0) return -1;
  if (cwd[0] == '/') return 0;
  errno = ENOENT;
  return -1;
}

/* Closes every descriptor from `first` on but the report and start pipes (and the parent's pidfd), which become
   close-on-exec. Closing rather than marking matters: a child waiting for its start must not hold copies of the
   parent's other descriptors, or a pipe another thread of the parent reads to its end (a tool's output,
   Process.Start's exec check) never ends while this container waits, and the parent may be waiting for that before it
   starts the container. */
static int close_from(const struct cn_plan *p, int first) {
  int keep[4] = {p->report_fd, p->start_fd, parent_fd, hook_state_fd};
  for (int i = 1; i < 4; i++) /* sort the four */
    for (int j = i; j > 0 && keep[j] < keep[j - 1]; j--) { int t = keep[j]; keep[j] = keep[j - 1]; keep[j - 1] = t; }
  unsigned low = (unsigned)first;
  for (int i = 0; i < 4; i++) {
    if (keep[i] < first || (unsigned)keep[i] < low) continue;
    if ((unsigned)keep[i] > low && cn_close_range(low, (unsigned)keep[i] - 1) < 0) return -1;
    if (fcntl(keep[i], F_SETFD, FD_CLOEXEC) < 0) return -1;
    low = (unsigned)keep[i] + 1;
  }
  return cn_close_range(low, ~0U);
}

/* Writes "/proc/self/fd/<fd>" without printf, which is not async-signal-safe. */
static void fd_path(char *out, int fd) {
  static const char prefix[] = "/proc/self/fd/";
  char digits[12];
  int n = 0;
  memcpy(out, prefix, sizeof prefix - 1);
  out += sizeof prefix - 1;
  do { digits[n++] = (char)('0' + fd % 10); fd /= 10; } while (fd > 0);
  while (n > 0) *out++ = digits[--n];
  *out = 0;
}

/* Mounts onto a target the kernel resolves inside the container's root (openat2 RESOLVE_IN_ROOT), through the
   descriptor, never by path: a symbolic link swapped into a shared volume after the engine resolved the target cannot
   send the mount outside the root (runc's CVE-2021-30465). `root_length` is the length of the root prefix of
   `target`; 0 mounts by path, as for the root itself. Each call resolves afresh, so a remount finds the new mount. */
static int mount_in_root(const struct cn_step *s, int root_length) {
  if (root_length <= 0) return mount(s->s0, s->s1, s->s2, (unsigned long)s->u0, s->s3);
  char root[4096];
  if ((size_t)root_length >= sizeof root) { errno = ENAMETOOLONG; return -1; }
  memcpy(root, s->s1, (size_t)root_length);
  root[root_length] = 0;
  int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return -1;
  struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  int fd = (int)syscall(SYS_openat2, root_fd, s->s1 + root_length, &how, sizeof how);
  int saved = errno;
  close(root_fd);
  if (fd < 0) {
    errno = saved;
    return saved == ENOSYS ? mount(s->s0, s->s1, s->s2, (unsigned long)s->u0, s->s3) : -1;
  }
  char path[32];
  fd_path(path, fd);
  int rc = mount(s->s0, path, s->s2, (unsigned long)s->u0, s->s3);
  saved = errno;
  close(fd);
  errno = saved;
  return rc;
}

/* Runs one OCI hook from inside the container (createContainer, startContainer): the runtime's hooks run from C#. */
static int run_hook(const struct cn_step *s) {
  char *argv[128], *envp[256];
  if (s->i0 < 0 || s->i0 >= 128 || s->i1 < 0 || s->i1 >= 256) { errno = E2BIG; return -1; }
  char *c = (char *)s->p0;
  for (int i = 0; i < s->i0; i++) { argv[i] = c; c += strlen(c) + 1; }
  argv[s->i0] = NULL;
  for (int i = 0; i < s->i1; i++) { envp[i] = c; c += strlen(c) + 1; }
  envp[s->i1] = NULL;
  if (hook_state_fd >= 0) lseek(hook_state_fd, 0, SEEK_SET);
  long pid = syscall(SYS_clone, (unsigned long)SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid < 0) return -1;
  if (pid == 0) {
    if (hook_state_fd >= 0) dup2(hook_state_fd, 0);
    execve(s->s0, argv, envp);
    _exit(127);
  }
  int status;
  long waited_ms = 0;
  for (;;) {
    pid_t rc = waitpid((pid_t)pid, &status, s->i2 > 0 ? WNOHANG : 0);
    if (rc == (pid_t)pid) break;
    if (rc < 0 && errno != EINTR) return -1;
    if (s->i2 > 0 && rc == 0) {
      if (waited_ms >= (long)s->i2 * 1000) {
        kill((pid_t)pid, SIGKILL);
        while (waitpid((pid_t)pid, &status, 0) < 0 && errno == EINTR) {}
        errno = ETIMEDOUT;
        return -1;
      }
      struct timespec tick = {0, 10 * 1000 * 1000};
      nanosleep(&tick, NULL);
      waited_ms += 10;
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  errno = 0x10000 | (WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return -1;
}

static int await_parent(const struct cn_plan *p) {
  report(p->report_fd, CN_REPORT_HOOKS, 0, 0);
  char byte;
  ssize_t n;
  do {
    n = read(p->sync_fd, &byte, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) _exit(0); /* the runtime gave up: a hook failed */
  return 0;
}

/* A pid namespace owned by a user namespace joined by setns: only children are born into a new pid namespace, so clone
   once more (runc's stage 2), as a sibling the runtime can wait for. This process reports the sibling's pid and exits;
   the sibling waits for that exit, so the runtime reads the pid before any report of the sibling's. */
static int clone_into_pidns(const struct cn_plan *p) {
  int order[2];
  if (pipe2(order, O_CLOEXEC) < 0) return -1;
  long pid = syscall(SYS_clone, (unsigned long)(CLONE_NEWPID | CLONE_PARENT | SIGCHLD), NULL, NULL, NULL, NULL);
  if (pid < 0) {
    int saved = errno;
    close(order[0]);
    close(order[1]);
    errno = saved;
    return -1;
  }
  if (pid > 0) {
    report(p->report_fd, CN_REPORT_REBORN, 0, (int32_t)pid);
    _exit(0);
  }
  close(order[1]);
  char byte;
  ssize_t n;
  do {
    n = read(order[0], &byte, 1);
  } while (n < 0 && errno == EINTR);
  close(order[0]);
  return 0;
}

static int ignore(int rc, int tolerated) {
  return rc < 0 && errno == tolerated ? 0 : rc;
}

static int run_step(const struct cn_plan *p, const struct cn_step *s) {
  switch (s->op) {
  case CN_MOUNT: {
    int rc = mount_in_root(s, s->i1);
    return s->i2 ? ignore(rc, ENOENT) : rc;
  }
  case CN_UMOUNT: return umount2(s->s0, s->i0);
  case CN_MKDIR: return s->i2 ? ignore(mkdir(s->s0, (mode_t)s->i0), EEXIST) : mkdir(s->s0, (mode_t)s->i0);
  case CN_SYMLINK: return s->i2 ? ignore(symlink(s->s0, s->s1), EEXIST) : symlink(s->s0, s->s1);
  case CN_MKNOD:
    if (ignore(mknod(s->s0, (mode_t)s->i0, makedev((unsigned)s->i1, (unsigned)s->u0)), EEXIST) < 0) return -1;
    /* The mode is exact: the umask inherited from the engine would make /dev/null 0644. */
    return chmod(s->s0, (mode_t)s->i0 & 07777);
  case CN_CHDIR: return chdir(s->s0);
  case CN_PIVOT_ROOT: return (int)syscall(SYS_pivot_root, s->s0, s->s1);
  case CN_SETHOSTNAME: return sethostname(s->s0, strlen(s->s0));
  case CN_SETDOMAINNAME: return setdomainname(s->s0, strlen(s->s0));
  case CN_SETRLIMIT: {
    struct rlimit limit = {(rlim_t)s->u0, (rlim_t)s->u1};
    return setrlimit(s->i0, &limit);
  }
  /* Raw syscalls: glibc's wrappers would try to synchronise threads that do not exist in the child. */
  case CN_SETGROUPS: return (int)syscall(SYS_setgroups, (size_t)s->n0, s->p0);
  case CN_SETRESGID: return (int)syscall(SYS_setresgid, s->i0, s->i0, s->i0);
  case CN_SETRESUID: return (int)syscall(SYS_setresuid, s->i0, s->i0, s->i0);
  case CN_CAPBSET:
    for (int cap = 0; cap <= s->i0; cap++) {
      if (!(s->u0 & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) return -1;
    }
    return 0;
  case CN_CAPSET: return capset_masks(s->u0, s->u1, s->n0);
  case CN_AMBIENT:
    for (int cap = 0; cap < 64; cap++) {
      if ((s->u0 & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) return -1;
    }
    return 0;
  case CN_KEEPCAPS: return prctl(PR_SET_KEEPCAPS, s->i0, 0, 0, 0);
  case CN_NO_NEW_PRIVS: return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  case CN_SECCOMP: {
    struct sock_fprog program = {(unsigned short)s->n0, (struct sock_filter *)s->p0};
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program, 0, 0);
  }
  case CN_WRITE_FILE:
  case CN_OOM_SCORE: return write_file(s->s0, s->p0, s->n0);
  case CN_DUP2:
    if (s->i0 == s->i1) return fcntl(s->i0, F_SETFD, 0);
    return dup3(s->i0, s->i1, 0) < 0 ? -1 : 0;
  case CN_SETSID: return setsid() < 0 ? -1 : 0;
  case CN_SETCTTY: return ioctl(s->i0, TIOCSCTTY, 0);
  case CN_CLOSE_FROM: return close_from(p, s->i0);
  case CN_LOOPBACK_UP: return loopback_up();
  case CN_WAIT_START: return wait_start(p);
  case CN_UMASK: umask((mode_t)s->i0); return 0;
  case CN_CREATE_FILE: {
    int fd = open(s->s0, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, (mode_t)s->i0);
    if (fd < 0) return s->i2 ? ignore(-1, EEXIST) : -1;
    return close(fd);
  }
  case CN_SETNS: return setns(s->i0, s->i1);
  case CN_CHROOT: return chroot(s->s0);
  case CN_CLOSE_INHERITED: return close_inherited(p, (const int32_t *)s->p0, s->n0);
  case CN_VERIFY_CWD: return verify_cwd();
  case CN_UNSHARE: return unshare(s->i0);
  case CN_AWAIT_PARENT: return await_parent(p);
  case CN_OPEN_HOOK_STATE: return (hook_state_fd = open(s->s0, O_RDONLY | O_CLOEXEC)) < 0 ? -1 : 0;
  case CN_RUN_HOOK: return run_hook(s);
  case CN_CHOWN: return chown(s->s0, (uid_t)s->i0, (gid_t)s->i1);
  case CN_CLONE_PIDNS: return clone_into_pidns(p);
  default: errno = EINVAL; return -1;
  }
}

/* The kernel clears the parent-death signal on every change of credentials (uid, gid, capabilities growing, joining a
   user namespace), so it is set again after each, and then the parent checked: one that died before the signal was
   armed sends nothing (runc does the same). A child that finds it gone exits at once. */
static void arm_parent_death(const struct cn_plan *p) {
  if (p->pdeathsig <= 0) return;
  if (prctl(PR_SET_PDEATHSIG, p->pdeathsig, 0, 0, 0) < 0) fail(p, -1, errno);
  int gone;
  if (parent_fd >= 0) {
    struct pollfd exited = {parent_fd, POLLIN, 0};
    gone = poll(&exited, 1, 0) > 0;
  } else {
    gone = getppid() != parent_pid && getppid() != 0;
  }
  if (gone) _exit(128 + p->pdeathsig);
}

static int changes_identity(int op) {
  return op == CN_SETGROUPS || op == CN_SETRESGID || op == CN_SETRESUID || op == CN_CAPSET || op == CN_AMBIENT ||
         op == CN_SETNS || op == CN_UNSHARE;
}

/* Inherited handlers belong to the .NET runtime: restore every signal to its default, then unblock. */
static void reset_signals(void) {
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, NULL);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
}

static __attribute__((noreturn)) void child(const struct cn_plan *p) {
  reset_signals();
  if (cn_close_unused_fds(p, parent_fd) < 0) fail(p, -1, errno); /* the parent's pidfd stays: arm_parent_death polls it */

  arm_parent_death(p);

  if (p->sync_fd >= 0) {
    char byte;
    ssize_t n;
    do {
      n = read(p->sync_fd, &byte, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) _exit(0); /* the parent gave up before releasing us */
  }

  for (int i = 0; i < p->nsteps; i++) {
    if (run_step(p, &p->steps[i]) < 0) fail(p, i, errno);
    if (changes_identity(p->steps[i].op)) arm_parent_death(p);
  }

  execve(p->exec_path, p->argv, p->envp);
  fail(p, p->nsteps, errno);
}

/* Clones the container's first process; it records who its parent is before anything else can happen. */
static long clone_child(const struct cn_plan *plan) {
  int self = getpid();
  int self_fd = plan->pdeathsig > 0 ? (int)syscall(SYS_pidfd_open, self, 0) : -1;
  if (self_fd >= 0 && self_fd < 3) {
    /* A caller without stdio would hand out 0-2, which the child's stdio steps replace. */
    int moved = fcntl(self_fd, F_DUPFD_CLOEXEC, 3);
    close(self_fd);
    self_fd = moved;
  }
  long pid = syscall(SYS_clone, (unsigned long)(plan->clone_flags | SIGCHLD), NULL, NULL, NULL, NULL);
  if (pid == 0) {
    parent_pid = self;
    parent_fd = self_fd;
    child(plan);
  }
  int saved = errno;
  if (self_fd >= 0) close(self_fd);
  errno = saved;
  return pid;
}

int cn_spawn(const struct cn_plan *plan) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);

  /* Joining a pid namespace changes only where this thread's next child is born; the thread's own stays. */
  int own_pidns = -1;
  if (plan->join_pidns_fd > 2) {
    own_pidns = open("/proc/thread-self/ns/pid", O_RDONLY | O_CLOEXEC);
    if (own_pidns < 0 || setns(plan->join_pidns_fd, CLONE_NEWPID) < 0) {
      int saved = errno;
      if (own_pidns >= 0) close(own_pidns);
      pthread_sigmask(SIG_SETMASK, &old, NULL);
      return -saved;
    }
  }

  /* A fork-like clone (no CLONE_VM): the child gets a copy of this thread's stack and returns here. */
  long pid = clone_child(plan);

  int saved = errno;
  if (own_pidns >= 0) {
    setns(own_pidns, CLONE_NEWPID);
    close(own_pidns);
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return pid < 0 ? -saved : (int)pid;
}

static __attribute__((noreturn)) void monitor_child(const struct cn_plan *plan, const struct cn_monitor *m) {
  /* A session of its own, so the caller's terminal and process group never signal the monitor. */
  setsid();
  long pid = clone_child(plan);
  int32_t value = pid < 0 ? -errno : (int32_t)pid;
  ssize_t n;
  do {
    n = write(m->pid_fd, &value, sizeof value);
  } while (n < 0 && errno == EINTR);
  if (pid < 0) _exit(127);

  /* The monitor keeps only the read ends of the container's output; everything else of the caller's closes. */
  syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
  fcntl(m->stdout_fd, F_SETFD, 0);
  fcntl(m->stderr_fd, F_SETFD, 0);
  reset_signals();
  execve(m->path, m->argv, m->envp);
  _exit(126);
}

int cn_spawn_monitored(const struct cn_plan *plan, const struct cn_monitor *monitor) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  long pid = syscall(SYS_clone, (unsigned long)SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid == 0) monitor_child(plan, monitor);
  int saved = errno;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return pid < 0 ? -saved : (int)pid;
}

int cn_wait(int pid, int *status) {
  int raw;
  pid_t rc;
  do {
    rc = waitpid(pid, &raw, __WALL);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) return -errno;
  *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : WIFSIGNALED(raw) ? 128 + WTERMSIG(raw) : 255;
  return 0;
}
