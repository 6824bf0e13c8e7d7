/*
 * Forced ahead of spawn.c by the build (cc -include), so libcontainers_native.so binds only symbols glibc 2.28 has
 * and loads on Debian 10/11, Ubuntu 20.04 and RHEL 8. glibc exports mknod only since 2.33 (an inline wrapper around
 * __xmknod before) and pthread_sigmask from libc only since 2.32 (libpthread before): both are replaced by the same
 * kernel calls through symbols every glibc has. The build checks the result with objdump -T (CheckNativeGlibc).
 */
#ifndef CONTAINERS_GLIBC_COMPAT_H
#define CONTAINERS_GLIBC_COMPAT_H

/* spawn.c asks for the GNU interfaces (setns, O_PATH); this header comes first, so it asks the same way. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* mknodat(2) exists on every architecture (aarch64 has no mknod); the kernel takes a 32-bit device number. */
static inline int containers_mknod(const char *path, mode_t mode, dev_t dev) {
  unsigned int kernel_dev = (unsigned int)dev;
  if ((dev_t)kernel_dev != dev) {
    errno = EINVAL;
    return -1;
  }
  return (int)syscall(SYS_mknodat, AT_FDCWD, path, mode, kernel_dev);
}

/* sigprocmask changes the calling thread's mask on Linux, as pthread_sigmask does; only the error convention differs. */
static inline int containers_pthread_sigmask(int how, const sigset_t *set, sigset_t *old) {
  return sigprocmask(how, set, old) == 0 ? 0 : errno;
}

#define mknod containers_mknod
#define pthread_sigmask containers_pthread_sigmask

#endif
