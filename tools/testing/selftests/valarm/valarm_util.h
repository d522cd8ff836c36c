/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the valarm selftests: /dev/valarm, setdevns() and
 * "containers": child processes in a new user namespace, driven over a
 * socket by the test, which asserts.
 */
#ifndef VALARM_UTIL_H
#define VALARM_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/android_alarm.h>
#include <linux/perns.h>

#include "../setdevns/setdevns.h"

#define VALARM_DEV "/dev/valarm"

/* The ioctl numbers for an explicit timespec size, whatever the ABI */
#define VA_IOW(c, type, size)	_IOC(_IOC_WRITE, 'a', (c) | ((type) << 4), size)

/* A timespec of either size, for the hand-encoded ioctls */
struct va_ts32 {
	int32_t tv_sec;
	int32_t tv_nsec;
};

struct va_ts64 {
	int64_t tv_sec;
	int64_t tv_nsec;
};

static inline int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static inline int64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts_ns(&ts);
}

static inline struct timespec ns_ts(int64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / 1000000000LL,
		.tv_nsec = ns % 1000000000LL,
	};

	return ts;
}

/*
 * Opens /dev/valarm, loading the module if needed. Returns the fd, or -1
 * with errno set; ENOENT means the device does not exist.
 */
static inline int valarm_open(int flags)
{
	int fd = open(VALARM_DEV, flags | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT) {
		if (system("modprobe valarm >/dev/null 2>&1") == 0)
			fd = open(VALARM_DEV, flags | O_CLOEXEC);
		if (fd < 0)
			errno = ENOENT;
	}
	return fd;
}

/* Requests a container serves, one at a time */
enum {
	REQ_OPEN,	/* flags: open /dev/valarm; ret: slot */
	REQ_CLOSE,	/* slot */
	REQ_IOCTL,	/* slot, cmd, ts in and out */
	REQ_REALTIME,	/* ts: CLOCK_REALTIME */
	REQ_EXIT,
};

#define CT_SLOTS 8

struct ct_msg {
	int op;
	int slot;
	int flags;
	unsigned long cmd;
	int raw;	/* REQ_IOCTL: 0 struct timespec, else 8 or 16 bytes */
	int64_t sec;
	int64_t nsec;
	long ret;
	int err;
};

struct container {
	pid_t pid;
	int sock;
	int fds[CT_SLOTS];
	int (*run)(void);	/* if set, runs this instead of serving */
	const char *map;	/* uid and gid map; "0 0 1" if NULL */
};

static inline void ct_serve(struct container *c)
{
	struct va_ts32 t32;
	struct va_ts64 t64;
	struct ct_msg m;
	struct timespec ts;
	int i;

	while (read(c->sock, &m, sizeof(m)) == sizeof(m)) {
		m.err = 0;
		errno = 0;
		switch (m.op) {
		case REQ_OPEN:
			for (i = 0; i < CT_SLOTS && c->fds[i] >= 0; i++)
				;
			m.ret = -1;
			if (i < CT_SLOTS) {
				c->fds[i] = open(VALARM_DEV, m.flags | O_CLOEXEC);
				m.ret = c->fds[i] < 0 ? -1 : i;
			}
			break;
		case REQ_CLOSE:
			m.ret = close(c->fds[m.slot]);
			c->fds[m.slot] = -1;
			break;
		case REQ_IOCTL:
			if (m.raw == 8) {
				t32.tv_sec = m.sec;
				t32.tv_nsec = m.nsec;
				m.ret = ioctl(c->fds[m.slot], m.cmd, &t32);
				m.sec = t32.tv_sec;
				m.nsec = t32.tv_nsec;
			} else if (m.raw == 16) {
				t64.tv_sec = m.sec;
				t64.tv_nsec = m.nsec;
				m.ret = ioctl(c->fds[m.slot], m.cmd, &t64);
				m.sec = t64.tv_sec;
				m.nsec = t64.tv_nsec;
			} else {
				ts.tv_sec = m.sec;
				ts.tv_nsec = m.nsec;
				m.ret = ioctl(c->fds[m.slot], m.cmd, &ts);
				m.sec = ts.tv_sec;
				m.nsec = ts.tv_nsec;
			}
			break;
		case REQ_REALTIME:
			clock_gettime(CLOCK_REALTIME, &ts);
			m.ret = 0;
			m.sec = ts.tv_sec;
			m.nsec = ts.tv_nsec;
			break;
		default:
			_exit(0);
		}
		m.err = errno;
		if (write(c->sock, &m, sizeof(m)) != sizeof(m))
			_exit(1);
	}
	_exit(0);
}

/* Whether this process may create a user namespace. */
static inline bool have_userns(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) ? 1 : 0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Whether the kernel has setdevns(): it rejects a zero mode with EINVAL. */
static inline bool have_setdevns(void)
{
	return syscall(__NR_setdevns, -1, -1, 0, 0) < 0 && errno == EINVAL;
}

/*
 * Starts a container: a child in a new user namespace (or, with @join, in
 * the user namespace of the container @join) whose root is mapped to
 * root. With @dev_fd >= 0, the namespace is first made private with
 * setdevns(@dev_fd, ..., SETDEVNS_UNSHARE). The child opens files only
 * after that. Returns 0 or -errno.
 */
static inline int ct_start(struct container *c, int dev_fd,
			   struct container *join)
{
	char path[64], map[64];
	int sv[2], i, ns_fd, ret = 0;
	char go = 0;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	for (i = 0; i < CT_SLOTS; i++)
		c->fds[i] = -1;
	c->pid = fork();
	if (c->pid < 0)
		return -errno;
	if (!c->pid) {
		/* Inherited files of the device would outlive their closing */
		for (i = 3; i < 1024; i++)
			if (i != sv[1])
				close(i);
		c->sock = sv[1];
		if (join) {
			snprintf(path, sizeof(path), "/proc/%d/ns/user",
				 join->pid);
			ns_fd = open(path, O_RDONLY);
			if (ns_fd < 0 || setns(ns_fd, CLONE_NEWUSER))
				_exit(2);
			close(ns_fd);
		} else if (unshare(CLONE_NEWUSER)) {
			_exit(2);
		}
		if (write(c->sock, &go, 1) != 1 || read(c->sock, &go, 1) != 1)
			_exit(3);
		if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
			_exit(4);
		if (c->run)
			_exit(c->run());
		ct_serve(c);
	}
	close(sv[1]);
	c->sock = sv[0];
	if (read(c->sock, &go, 1) != 1)
		return -ECHILD;
	if (!join) {
		snprintf(map, sizeof(map), "%s", c->map ?: "0 0 1\n");
		snprintf(path, sizeof(path), "/proc/%d/uid_map", c->pid);
		if (write_file(path, map))
			ret = -errno;
		snprintf(path, sizeof(path), "/proc/%d/gid_map", c->pid);
		if (!ret && write_file(path, map))
			ret = -errno;
	}
	if (!ret && dev_fd >= 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", c->pid);
		ns_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (ns_fd < 0)
			ret = -errno;
		else if (sys_setdevns(dev_fd, ns_fd, CLONE_NEWUSER,
				      SETDEVNS_UNSHARE))
			ret = -errno;
		if (ns_fd >= 0)
			close(ns_fd);
	}
	if (write(c->sock, &go, 1) != 1 && !ret)
		ret = -ECHILD;
	return ret;
}

static inline int ct_send(struct container *c, struct ct_msg *m)
{
	return write(c->sock, m, sizeof(*m)) == sizeof(*m) ? 0 : -1;
}

/* Waits up to @ms for the reply; returns 0, or -1 on timeout or error. */
static inline int ct_recv(struct container *c, struct ct_msg *m, int ms)
{
	struct pollfd p = { .fd = c->sock, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	return read(c->sock, m, sizeof(*m)) == sizeof(*m) ? 0 : -1;
}

/* A request and its reply; sets errno to the child's. */
static inline long ct_call(struct container *c, struct ct_msg *m)
{
	if (ct_send(c, m) || ct_recv(c, m, 30000)) {
		errno = EIO;
		return -1;
	}
	errno = m->err;
	return m->ret;
}

static inline int ct_open(struct container *c, int flags)
{
	struct ct_msg m = { .op = REQ_OPEN, .flags = flags };

	return ct_call(c, &m);
}

static inline long ct_ioctl(struct container *c, int slot, unsigned long cmd,
			    struct timespec *ts)
{
	struct ct_msg m = { .op = REQ_IOCTL, .slot = slot, .cmd = cmd };
	long ret;

	if (ts) {
		m.sec = ts->tv_sec;
		m.nsec = ts->tv_nsec;
	}
	ret = ct_call(c, &m);
	if (ts) {
		ts->tv_sec = m.sec;
		ts->tv_nsec = m.nsec;
	}
	return ret;
}

/* An ioctl on a timespec of @size bytes, 8 or 16, whatever the ABI. */
static inline long ct_ioctl_raw(struct container *c, int slot,
				unsigned long cmd, int size, int64_t *sec)
{
	struct ct_msg m = {
		.op = REQ_IOCTL, .slot = slot, .cmd = cmd, .raw = size,
		.sec = *sec,
	};
	long ret = ct_call(c, &m);

	*sec = m.sec;
	return ret;
}

/* Sends an ioctl without waiting for its reply (WAIT). */
static inline int ct_ioctl_async(struct container *c, int slot,
				 unsigned long cmd)
{
	struct ct_msg m = { .op = REQ_IOCTL, .slot = slot, .cmd = cmd };

	return ct_send(c, &m);
}

/*
 * A file of the device opened in container @c's user namespace, so bound
 * to its context, in this process: a child (root on the host, which owns
 * the container's namespace) joins the namespace, opens and sends it.
 * Returns the file or -1.
 */
static inline int ct_fd(struct container *c, int flags)
{
	int sv[2], fd, status;
	char path[64];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", c->pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWUSER))
			_exit(1);
		fd = open(VALARM_DEV, flags | O_CLOEXEC);
		if (fd < 0 || send_fd(sv[1], fd, 0))
			_exit(2);
		_exit(0);
	}
	close(sv[1]);
	fd = recv_fd(sv[0]);
	close(sv[0]);
	if (waitpid(pid, &status, 0) != pid || status) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* A line "@key:\t<number>" of /proc/self/fdinfo/@fd, or -1. */
static inline long long fdinfo_value(int fd, const char *key)
{
	char path[64], line[128];
	long long v = -1;
	size_t n = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtoll(line + n + 1, NULL, 0);
	fclose(f);
	return v;
}

/* Kills the container, which may be blocked in WAIT. */
static inline void ct_stop(struct container *c)
{
	if (c->pid <= 0)
		return;
	kill(c->pid, SIGKILL);
	close(c->sock);
	waitpid(c->pid, NULL, 0);
	c->pid = 0;
}

#endif /* VALARM_UTIL_H */
