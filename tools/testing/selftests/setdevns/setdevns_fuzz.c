// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded fuzzer and stress run for setdevns(), NS_GET_DEVCTX, the perns
 * test devices and valarm.
 *
 *   setdevns_fuzz [-s SEED] [-t SECONDS] [-w WORKERS] [-R]
 *
 * Each worker runs a random sequence of operations drawn from its own
 * generator, seeded from SEED and its number, so that a seed replays each
 * worker's sequence (not the interleaving): opening and closing device
 * files, setdevns() with random files, types and flags, NS_GET_DEVCTX with
 * random sizes, device numbers and pointers (NULL, unmapped, straddling an
 * unmapped page), every valarm ioctl with random types, times and pointers,
 * unshare(), setns() and clone3() of every namespace type, alarms that
 * fire, and passing files to another worker over a unix socket. The parent
 * kills and respawns workers, and (unless -R) unloads and reloads
 * test_perns and valarm while files may be open, and every 30 s with none
 * open (all workers killed, files in flight closed). The defaults, 90 seconds
 * and 4 workers, are the run of make check. Every result is checked against what
 * the interface documents: an errno outside its set is a failure, and so is
 * a worker killed by a signal nobody sent. On failure the worker prints the
 * seed and its last operations. The kernel's own reports (KASAN, lockdep,
 * WARN) are the harness's to find on the console.
 *
 * Output is TAP: one line, "ok 1 ..." or "not ok 1 ...", and a summary of
 * the operations and errnos seen. SEED defaults to the time; it is printed
 * first.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/android_alarm.h>
#include <linux/types.h>

#include "setdevns.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME	0x00000080
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define MAX_WORKERS	8
#define NFDS		16
#define HISTORY		16

/* Where a result is reported: a shared page the parent reads. */
struct stats {
	unsigned long ops[32];
	unsigned long done[32];		/* of which succeeded */
	unsigned long err[160];
	unsigned long failures;
	unsigned long respawns, reloads[2], kills;
	unsigned long reload_gen[2];	/* odd while a module reloads */
};

static struct stats *stats;
static uint64_t seed;
static int worker_id;

/* xorshift64*: the per-worker sequence */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static unsigned int below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static char history[HISTORY][96];
static unsigned int nhist;

static void op_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(history[nhist++ % HISTORY], sizeof(history[0]), fmt, ap);
	va_end(ap);
}

/* The errnos seen so far, as " EINVAL=12 EBADF=3" (at most @len bytes). */
static void errnos(char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 1; i < 160 && n < len; i++)
		if (stats->err[i])
			n += snprintf(buf + n, len - n, " %s=%lu",
				      strerrorname_np(i) ?: "?", stats->err[i]);
}

/*
 * The namespaces alive that some task is in: distinct inodes under
 * /proc/PID/ns/ for the eight types (those only a file holds are missed).
 */
static int cmp_ino(const void *a, const void *b)
{
	ino_t x = *(const ino_t *)a, y = *(const ino_t *)b;

	return x < y ? -1 : x > y;
}

static unsigned int namespaces_alive(void)
{
	static const char * const types[] = {
		"user", "uts", "ipc", "pid", "net", "mnt", "cgroup", "time",
	};
	static ino_t seen[65536];
	unsigned int nseen = 0, ndistinct = 0, i;
	struct dirent *d;
	DIR *proc = opendir("/proc");

	if (!proc)
		return 0;
	while ((d = readdir(proc))) {
		char path[300];
		struct stat st;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		for (i = 0; i < ARRAY_SIZE(types); i++) {
			snprintf(path, sizeof(path), "/proc/%s/ns/%s",
				 d->d_name, types[i]);
			if (nseen < ARRAY_SIZE(seen) && !stat(path, &st))
				seen[nseen++] = st.st_ino;
		}
	}
	closedir(proc);
	qsort(seen, nseen, sizeof(*seen), cmp_ino);
	for (i = 0; i < nseen; i++)
		if (!i || seen[i] != seen[i - 1])
			ndistinct++;
	return ndistinct;
}

static void fail(const char *what, int err)
{
	unsigned int i;

	printf("# FAIL worker %d, seed %llu: %s: errno %d (%s)\n", worker_id,
	       (unsigned long long)seed, what, err, strerror(err));
	printf("# last operations of worker %d:\n", worker_id);
	for (i = nhist > HISTORY ? nhist - HISTORY : 0; i < nhist; i++)
		printf("#   %s\n", history[i % HISTORY]);
	fflush(stdout);
	__atomic_add_fetch(&stats->failures, 1, __ATOMIC_RELAXED);
}

static void count(unsigned int op, long ret, int err)
{
	__atomic_add_fetch(&stats->ops[op], 1, __ATOMIC_RELAXED);
	if (ret >= 0)
		__atomic_add_fetch(&stats->done[op], 1, __ATOMIC_RELAXED);
	if (ret < 0 && err < 160)
		__atomic_add_fetch(&stats->err[err], 1, __ATOMIC_RELAXED);
}

/* Whether @err is one of the @n errnos after it. */
static bool allowed(int err, int n, ...)
{
	va_list ap;
	bool ok = false;

	va_start(ap, n);
	while (n--)
		if (va_arg(ap, int) == err)
			ok = true;
	va_end(ap);
	return ok;
}

#define CHECK(op, what, ret, ...) do {					\
		long __r = (ret);					\
		int __e = __r < 0 ? errno : 0;				\
		count(op, __r, __e);					\
		if (__r < 0 && !allowed(__e, __VA_ARGS__))		\
			fail(what, __e);				\
	} while (0)

static const char * const devices[] = {
	"/dev/test_perns_user", "/dev/test_perns_uts", "/dev/test_perns_ipc",
	"/dev/test_perns_pid", "/dev/test_perns_net", "/dev/test_perns_mnt",
	"/dev/test_perns_cgroup", "/dev/test_perns_time",
	"/dev/test_perns_plain", "/dev/valarm", "/dev/null",
};

#define VALARM_DEV	9	/* index of /dev/valarm in devices[] */

/* The modules the fuzzer unloads and loads again (unless -R) */
static const char * const modules[] = { "test_perns", "valarm" };
#define VALARM_MOD	1	/* index of valarm in modules[] */

/* A reload's generation: read it before a call that may see the reload. */
static unsigned long reload_gen(unsigned int m)
{
	return __atomic_load_n(&stats->reload_gen[m], __ATOMIC_ACQUIRE);
}

/* Whether module @m was reloading at, or has reloaded since, @gen. */
static bool reloading_since(unsigned int m, unsigned long gen)
{
	return (gen & 1) || reload_gen(m) != gen;
}

/* No /dev/valarm once valarm was loaded: a kernel without it */
static bool valarm_absent;

/* Whether /dev/valarm may be missing, or going, for an open after @gen. */
static bool valarm_may_be_absent(unsigned long gen)
{
	return valarm_absent || reloading_since(VALARM_MOD, gen);
}

/*
 * Opens /dev/valarm for reading and writing, or, for an unprivileged
 * worker if @rdonly, for reading (the node is root's, 0644). ENOENT,
 * ENODEV, ENXIO and EACCES are allowed only while valarm reloads, as
 * devtmpfs clears a node's mode before it unlinks the node, or on a
 * kernel without valarm; otherwise only an unprivileged worker's EACCES
 * for writing.
 */
static int open_valarm(unsigned int op, bool rdonly)
{
	unsigned long gen = reload_gen(VALARM_MOD);
	bool unpriv = worker_id & 1;
	int fd;

	fd = open(devices[VALARM_DEV], O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == EACCES && unpriv && rdonly)
		fd = open(devices[VALARM_DEV], O_RDONLY | O_CLOEXEC);
	if (fd < 0 && valarm_may_be_absent(gen))
		CHECK(op, "open valarm", fd, 4, ENOENT, ENODEV, ENXIO, EACCES);
	else if (unpriv && !rdonly)
		CHECK(op, "open valarm", fd, 1, EACCES);
	else
		CHECK(op, "open valarm", fd, 0);
	return fd;
}

static const int nstypes[] = {
	CLONE_NEWUSER, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET,
	CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWTIME,
};

static const char * const nsnames[] = {
	"user", "uts", "ipc", "pid", "net", "mnt", "cgroup", "time",
};

enum {
	OP_OPEN, OP_CLOSE, OP_SETDEVNS, OP_DEVCTX, OP_VALARM, OP_UNSHARE,
	OP_SETNS, OP_CLONE, OP_SEND, OP_RECV, OP_ALARM, OP_READ, OP_NR,
};

static const char * const op_names[] = {
	"open", "close", "setdevns", "devctx", "valarm", "unshare", "setns",
	"clone3", "send", "recv", "alarm", "read",
};

static int fds[NFDS];
static int fd_dev[NFDS];	/* index in devices[] of fds[i], or -1 */
static int nsfds[NFDS];
static int nsfd_type[NFDS];	/* index in nstypes[] of nsfds[i], or -1 */
static int sock_tx = -1, sock_rx = -1;	/* files between workers */
static char *bad_page;		/* a mapped page followed by an unmapped one */

static int pick_fd(void)
{
	switch (below(8)) {
	case 0:
		return -1;
	case 1:
		return 1000 + below(50);
	case 2:
		return nsfds[below(NFDS)];
	default:
		return fds[below(NFDS)];
	}
}

static void *pick_ptr(size_t size)
{
	switch (below(6)) {
	case 0:
		return NULL;
	case 1:
		return bad_page + 4096;			/* unmapped */
	case 2:
		return bad_page + 4096 - size / 2;	/* straddles */
	default:
		return bad_page + below(4096 - (size < 4096 ? size : 0));
	}
}

static void do_open(void)
{
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR, O_PATH };
	int slot = below(NFDS), flags = modes[below(4)];
	int d = below(ARRAY_SIZE(devices));
	const char *dev = devices[d];
	int fd;

	op_log("open %s flags %#x", dev, flags);
	fd = open(dev, flags | O_CLOEXEC);
	/*
	 * ENOENT/ENXIO/ENODEV while a module reloads; EACCES for the
	 * unprivileged workers (the nodes are root's, 0600 or 0644)
	 */
	CHECK(OP_OPEN, "open", fd, 6, ENOENT, ENODEV, ENXIO, EBUSY, EACCES,
	      EPERM);
	if (fd < 0)
		return;
	if (fds[slot] >= 0)
		close(fds[slot]);
	fds[slot] = fd;
	fd_dev[slot] = d;
}

static void do_close(void)
{
	int slot = below(NFDS);

	op_log("close slot %d fd %d", slot, fds[slot]);
	if (fds[slot] >= 0)
		close(fds[slot]);
	fds[slot] = -1;
	fd_dev[slot] = -1;
	count(OP_CLOSE, 0, 0);
}

/*
 * A call that can succeed: a device of type @t (a file of ours, or one
 * opened now, bound to our namespace's context) and a namespace of the
 * same type (one we remembered, or our own), in one of the three modes.
 * Random arguments alone rarely get past the checks; the sequences that
 * matter (make our context private, open the device again, share or
 * migrate that context elsewhere) need these.
 */
static void do_setdevns_coherent(void)
{
	static const unsigned int modes[] = {
		SETDEVNS_SHARE, SETDEVNS_UNSHARE, SETDEVNS_MIGRATE,
	};
	unsigned int t = below(8), i, f = modes[below(3)];
	int dev = -1, ns = -1, own_dev = -1, own_ns = -1;
	char path[64];
	long ret;

	for (i = 0; i < NFDS && dev < 0; i++)
		if (fd_dev[(i + t) % NFDS] == (int)t && below(2))
			dev = fds[(i + t) % NFDS];
	if (dev < 0) {
		own_dev = open(devices[t], O_RDWR | O_CLOEXEC);
		dev = own_dev;
	}
	for (i = 0; i < NFDS && ns < 0; i++)
		if (nsfd_type[(i + t) % NFDS] == (int)t && below(2))
			ns = nsfds[(i + t) % NFDS];
	if (ns < 0) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", nsnames[t]);
		own_ns = open(path, O_RDONLY | O_CLOEXEC);
		ns = own_ns;
	}
	op_log("setdevns(%d %s, %d %s, %#x)", dev, devices[t], ns, nsnames[t], f);
	ret = sys_setdevns(dev, ns, below(2) ? nstypes[t] : 0, f);
	CHECK(OP_SETDEVNS, "setdevns", ret, 8, EINVAL, EBADF, ENODEV, EPERM,
	      EOPNOTSUPP, ESRCH, EBUSY, ENOMEM);
	if (own_dev >= 0)
		close(own_dev);
	if (own_ns >= 0)
		close(own_ns);
}

static void do_setdevns(void)
{
	static const unsigned int flags[] = {
		SETDEVNS_SHARE, SETDEVNS_UNSHARE, SETDEVNS_MIGRATE, 0,
		SETDEVNS_SHARE | SETDEVNS_MIGRATE, 0x80, ~0U,
	};
	int dev = pick_fd(), ns = pick_fd();
	int type = below(4) ? 0 : nstypes[below(8)];
	unsigned int f = flags[below(7)];
	long ret;

	if (below(2)) {
		do_setdevns_coherent();
		return;
	}

	if (below(4) == 0)
		ns = nsfds[below(NFDS)];
	op_log("setdevns(%d, %d, %#x, %#x)", dev, ns, type, f);
	ret = sys_setdevns(dev, ns, type, f);
	CHECK(OP_SETDEVNS, "setdevns", ret, 8, EINVAL, EBADF, ENODEV, EPERM,
	      EOPNOTSUPP, ESRCH, EBUSY, ENOMEM);
}

/*
 * A query that can succeed: the device number of one of the test devices
 * now, a namespace file of its type, a whole structure.
 */
static void do_devctx_coherent(void)
{
	unsigned int t = below(8), i, size = below(2) ? NS_DEVCTX_SIZE_VER0 :
					     NS_DEVCTX_SIZE_VER1;
	struct ns_devctx *p = (struct ns_devctx *)(bad_page + 4096 - size);
	int ns = -1, own_ns = -1;
	char path[64];
	struct stat st;
	long ret;

	for (i = 0; i < NFDS && ns < 0; i++)
		if (nsfd_type[(i + t) % NFDS] == (int)t && below(2))
			ns = nsfds[(i + t) % NFDS];
	if (ns < 0) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", nsnames[t]);
		own_ns = open(path, O_RDONLY | O_CLOEXEC);
		ns = own_ns;
	}
	memset(p, 0, size);
	if (!stat(devices[t], &st)) {
		p->dev_major = major(st.st_rdev);
		p->dev_minor = minor(st.st_rdev);
	}
	op_log("NS_GET_DEVCTX fd %d %s dev %u:%u size %u", ns, nsnames[t],
	       p->dev_major, p->dev_minor, size);
	ret = ioctl(ns, _IOC(_IOC_READ | _IOC_WRITE, NSIO,
			     _IOC_NR(NS_GET_DEVCTX), size), p);
	/*
	 * ENODEV while test_perns reloads; EINVAL if a reload gave the
	 * number we read to a device of another type
	 */
	CHECK(OP_DEVCTX, "NS_GET_DEVCTX", ret, 3, EBADF, ENODEV, EINVAL);
	if (!ret && (p->size != size || !p->ctx_id)) {
		op_log("answer: size %u ctx_id %llu", p->size,
		       (unsigned long long)p->ctx_id);
		fail("NS_GET_DEVCTX: a short or id-less answer", 0);
	}
	if (own_ns >= 0)
		close(own_ns);
}

static void do_devctx(void)
{
	static const unsigned int sizes[] = { 24, 32, 40, 16, 0, 64 };
	unsigned int size = below(6) ? sizes[below(6)] : below(80);
	unsigned int dir = below(8) ? _IOC_READ | _IOC_WRITE : below(4);
	unsigned long cmd = _IOC(dir, NSIO, _IOC_NR(NS_GET_DEVCTX), size);
	int ns = below(4) ? nsfds[below(NFDS)] : pick_fd();
	struct ns_devctx *p = pick_ptr(size);
	long ret;

	if (below(2)) {
		do_devctx_coherent();
		return;
	}
	if (p && (char *)p + size <= bad_page + 4096 && (char *)p >= bad_page) {
		memset(p, 0, size);
		if (size >= 16) {
			struct stat st;

			if (below(3) && fds[below(NFDS)] >= 0 &&
			    !fstat(fds[below(NFDS)], &st)) {
				p->dev_major = major(st.st_rdev);
				p->dev_minor = minor(st.st_rdev);
			} else {
				p->dev_major = below(300);
				p->dev_minor = rnd();
			}
		}
		if (below(8) == 0 && size > 32)
			((char *)p)[size - 1] = 1;
	}
	op_log("NS_GET_DEVCTX fd %d size %u ptr %p", ns, size, p);
	ret = ioctl(ns, cmd, p);
	CHECK(OP_DEVCTX, "NS_GET_DEVCTX", ret, 7, EBADF, ENOTTY, EINVAL, E2BIG,
	      EFAULT, ENODEV, EPERM);
}

static void on_alarm(int sig)
{
}

/*
 * GET_TIME, SET or CLEAR with a whole timespec on a valarm file, which
 * may be read-only (EPERM but for GET_TIME), O_PATH (EBADF) or owned by
 * another file's alarms (EBUSY), with a random tv_nsec (EINVAL) for SET.
 */
static void do_valarm_coherent(void)
{
	unsigned int i, start = below(NFDS), type = below(5), op = below(3);
	struct { int64_t tv_sec, tv_nsec; } *ts = (void *)(bad_page + 4096 - 16);
	unsigned long cmd = op == 0 ? ANDROID_ALARM_GET_TIME(type) :
			    op == 1 ? ANDROID_ALARM_SET(type) :
				      ANDROID_ALARM_CLEAR(type);
	int fd = -1, own = -1;
	struct timespec now;
	long ret;

	for (i = 0; i < NFDS && fd < 0; i++)
		if (fd_dev[(start + i) % NFDS] == VALARM_DEV)
			fd = fds[(start + i) % NFDS];
	if (fd < 0) {
		own = open_valarm(OP_VALARM, true);
		if (own < 0)
			return;
		fd = own;
	}
	clock_gettime(CLOCK_BOOTTIME, &now);
	ts->tv_sec = now.tv_sec + below(3);
	ts->tv_nsec = below(4) ? below(1000000000) : rnd();
	op_log("valarm ioctl fd %d cmd %#lx (whole timespec)", fd, cmd);
	ret = ioctl(fd, cmd, ts);
	if (op == 0)
		CHECK(OP_VALARM, "valarm GET_TIME", ret, 1, EBADF);
	else if (op == 1)
		CHECK(OP_VALARM, "valarm SET", ret, 4, EBADF, EPERM, EBUSY,
		      EINVAL);
	else
		CHECK(OP_VALARM, "valarm CLEAR", ret, 3, EBADF, EPERM, EBUSY);
	if (own >= 0)
		close(own);
}

static void do_valarm(void)
{
	static const unsigned int dirs[] = { _IOC_WRITE, _IOC_NONE, _IOC_READ };
	static const unsigned int sizes[] = { 8, 16, 0, 12 };
	unsigned int type = below(8), nr = below(16), size, dir;
	unsigned long cmd;
	struct { int64_t tv_sec, tv_nsec; } *ts;
	int fd = fds[below(NFDS)];
	long ret;

	size = sizes[below(4)];
	dir = dirs[below(3)];
	cmd = _IOC(dir, 'a', nr | (type << 4), size);
	if (below(3) == 0) {	/* the real encodings more often */
		const unsigned long real[] = {
			ANDROID_ALARM_GET_TIME(type), ANDROID_ALARM_SET(type),
			ANDROID_ALARM_CLEAR(type), ANDROID_ALARM_SET_RTC,
			ANDROID_ALARM_WAIT, VALARM_WAKE_GRANT,
		};

		cmd = real[below(ARRAY_SIZE(real))];
	}
	ts = pick_ptr(16);
	/*
	 * Half the calls can succeed: a real command on a valarm file of
	 * ours (or one opened now) with a whole timespec
	 */
	if (below(2)) {
		do_valarm_coherent();
		return;
	}
	if (ts && (char *)ts + 16 <= bad_page + 4096 && (char *)ts >= bad_page) {
		struct timespec now;

		clock_gettime(CLOCK_BOOTTIME, &now);
		ts->tv_sec = below(4) ? now.tv_sec + below(3) : rnd();
		ts->tv_nsec = below(4) ? below(1000000000) : rnd();
	}
	/*
	 * No SET_RTC, in any encoding: a file of the host's context, open
	 * for writing, may set the host's clock, which the other tests of
	 * the run need.
	 */
	if (_IOC_TYPE(cmd) == 'a' && (_IOC_NR(cmd) & 0xf) == 5)
		return;
	op_log("valarm ioctl fd %d cmd %#lx ptr %p", fd, cmd, ts);
	/* WAIT and SET_AND_WAIT block: a timer interrupts them */
	ualarm(20000, 0);
	ret = ioctl(fd, cmd, ts);
	ualarm(0, 0);
	CHECK(OP_VALARM, "valarm ioctl", ret, 11, EBADF, ENOTTY, EINVAL, EPERM,
	      EFAULT, EBUSY, EOVERFLOW, EINTR, ESRCH, ENODEV, ENOMEM);
}

/* An alarm that fires, on a file that owns its context's alarms. */
static void do_alarm(void)
{
	struct timespec ts;
	long ret;
	int fd;

	op_log("valarm alarm in 10 ms");
	fd = open_valarm(OP_ALARM, false);
	if (fd < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 10000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	ualarm(500000, 0);
	ret = ioctl(fd, ANDROID_ALARM_SET_AND_WAIT(ANDROID_ALARM_SYSTEMTIME),
		    &ts);
	ualarm(0, 0);
	/* Another file of the context may own the alarms: EBUSY */
	CHECK(OP_ALARM, "alarm", ret, 3, EBUSY, EINTR, ENODEV);
	close(fd);
}

static void do_read(void)
{
	char buf[64];
	int fd = fds[below(NFDS)];
	long ret;

	op_log("read/write fd %d", fd);
	ret = below(2) ? read(fd, buf, sizeof(buf)) : write(fd, "+", 1);
	CHECK(OP_READ, "read/write", ret, 6, EBADF, EINVAL, EPERM, ENODEV,
	      EFAULT, EINTR);
}

static void do_unshare(void)
{
	int type = nstypes[below(8)];
	long ret;

	op_log("unshare %#x", type);
	ret = unshare(type);
	/* EUSERS/ENOSPC: nesting and namespace count limits */
	CHECK(OP_UNSHARE, "unshare", ret, 5, EINVAL, EPERM, ENOSPC, EUSERS,
	      ENOMEM);
}

static void do_setns(void)
{
	int i = below(NFDS), type = below(2) ? 0 : nstypes[below(8)];
	char path[64];
	long ret;

	if (below(2)) {
		/* remember a namespace of ours */
		unsigned int t = below(8);

		snprintf(path, sizeof(path), "/proc/self/ns/%s", nsnames[t]);
		if (nsfds[i] >= 0)
			close(nsfds[i]);
		nsfds[i] = open(path, O_RDONLY | O_CLOEXEC);
		nsfd_type[i] = t;
		count(OP_SETNS, 0, 0);
		return;
	}
	op_log("setns(%d, %#x)", nsfds[i], type);
	ret = setns(nsfds[i], type);
	CHECK(OP_SETNS, "setns", ret, 4, EBADF, EINVAL, EPERM, ENOMEM);
}

static void do_clone(void)
{
	struct {
		__u64 flags, pidfd, child_tid, parent_tid, exit_signal;
		__u64 stack, stack_size, tls;
	} args = { .exit_signal = SIGCHLD };
	unsigned int i, n = below(4);
	long pid;

	for (i = 0; i < n; i++)
		args.flags |= nstypes[below(8)];
	op_log("clone3 %#llx", (unsigned long long)args.flags);
	pid = syscall(__NR_clone3, &args, sizeof(args));
	if (pid == 0) {
		/* A child that opens a device in its namespaces and goes */
		int fd = open(devices[below(8)], O_RDWR | O_CLOEXEC);

		if (fd >= 0)
			sys_setdevns(fd, -1, 0, SETDEVNS_SHARE);
		_exit(0);
	}
	CHECK(OP_CLONE, "clone3", pid, 6, EINVAL, EPERM, ENOSPC, EUSERS,
	      ENOMEM, EAGAIN);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void do_send(void)
{
	int fd = fds[below(NFDS)];
	long ret;

	if (fd < 0)
		return;
	op_log("send fd %d", fd);
	ret = send_fd(sock_tx, fd, MSG_DONTWAIT);
	CHECK(OP_SEND, "sendmsg", ret, 3, EAGAIN, ETOOMANYREFS, ENOBUFS);
}

static void do_recv(void)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	long ret;

	op_log("recv");
	ret = recvmsg(sock_rx, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	CHECK(OP_RECV, "recvmsg", ret, 1, EAGAIN);
	if (ret < 0)
		return;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		int fd, slot = below(NFDS);

		if (cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
		if (fds[slot] >= 0)
			close(fds[slot]);
		fds[slot] = fd;
		fd_dev[slot] = -1;
	}
}

static void (*const ops[OP_NR])(void) = {
	do_open, do_close, do_setdevns, do_devctx, do_valarm, do_unshare,
	do_setns, do_clone, do_send, do_recv, do_alarm, do_read,
};

/* How often each operation comes, out of 100. */
static const unsigned int weights[OP_NR] = {
	14, 8, 18, 12, 10, 6, 8, 5, 5, 5, 3, 6,
};

static void worker(int id, unsigned int incarnation)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned int i;

	worker_id = id;
	rng_state = seed ^ (0x9E3779B97F4A7C15ULL * (id + 1)) ^
		    ((uint64_t)incarnation << 40);
	if (!rng_state)
		rng_state = 1;
	sigaction(SIGALRM, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < NFDS; i++) {
		fds[i] = -1;
		fd_dev[i] = -1;
		nsfds[i] = -1;
		nsfd_type[i] = -1;
	}
	bad_page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bad_page == MAP_FAILED)
		_exit(2);
	munmap(bad_page + 4096, 4096);
	/* Half the workers are unprivileged, in their own user namespace */
	if (id & 1) {
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(3);
		if (below(2))
			unshare(CLONE_NEWUSER);
	}
	for (;;) {
		unsigned int r = below(100), op = 0;

		while (r >= weights[op]) {
			r -= weights[op];
			op++;
		}
		ops[op]();
	}
}

static pid_t spawn(int id, unsigned int incarnation)
{
	pid_t pid = fork();

	if (pid == 0)
		worker(id, incarnation);
	return pid;
}

/*
 * rmmod fails with EBUSY while files are open: that is fine, and counts
 * for nothing. The module is loaded again either way.
 */
static void reload(unsigned int m)
{
	char cmd[192];

	snprintf(cmd, sizeof(cmd),
		 "rmmod %s 2>/dev/null && { modprobe %s; exit $?; }; modprobe %s; exit 1",
		 modules[m], modules[m], modules[m]);
	__atomic_add_fetch(&stats->reload_gen[m], 1, __ATOMIC_RELEASE);
	if (system(cmd) == 0)
		__atomic_add_fetch(&stats->reloads[m], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&stats->reload_gen[m], 1, __ATOMIC_RELEASE);
}

/* Closes the files in flight on the socket between the workers. */
static void drain_socket(void)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg;
	struct cmsghdr *cmsg;

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		if (recvmsg(sock_rx, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) < 0)
			return;
		for (cmsg = CMSG_FIRSTHDR(&msg); cmsg;
		     cmsg = CMSG_NXTHDR(&msg, cmsg)) {
			int fd;

			if (cmsg->cmsg_type != SCM_RIGHTS)
				continue;
			memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
			close(fd);
		}
	}
}

int main(int argc, char **argv)
{
	unsigned int incarnation[MAX_WORKERS] = {};
	pid_t pids[MAX_WORKERS];
	int workers = 4, seconds = 90, opt, i;
	bool reloads = true, killed[MAX_WORKERS] = {};
	unsigned long total = 0;
	time_t start, last, last_quiet;
	char errs[1024];
	int sv[2];

	if (strcmp(devices[VALARM_DEV], "/dev/valarm") ||
	    strcmp(modules[VALARM_MOD], "valarm")) {
		printf("not ok 1 setdevns_fuzz: VALARM_DEV or VALARM_MOD is not valarm\n");
		return 1;
	}
	seed = time(NULL);
	while ((opt = getopt(argc, argv, "s:t:w:R")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			seconds = atoi(optarg);
			break;
		case 'w':
			workers = atoi(optarg);
			if (workers < 1 || workers > MAX_WORKERS)
				workers = 4;
			break;
		case 'R':
			reloads = false;
			break;
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-t SECONDS] [-w WORKERS] [-R]\n",
				argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..1\n");
	printf("# setdevns_fuzz: seed %llu, %d workers, %d s%s\n",
	       (unsigned long long)seed, workers, seconds,
	       reloads ? ", module reloads" : "");
	if (getuid()) {
		printf("ok 1 setdevns_fuzz # SKIP must run as root\n");
		return 4;
	}
	if (system("modprobe test_perns >/dev/null 2>&1; modprobe valarm >/dev/null 2>&1"))
		printf("# cannot load test_perns and valarm: their operations fail with ENOENT\n");
	valarm_absent = access(devices[VALARM_DEV], F_OK);
	stats = mmap(NULL, sizeof(*stats), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (stats == MAP_FAILED)
		return 1;
	/* Any worker sends files that any worker may receive */
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		return 1;
	sock_tx = sv[0];
	sock_rx = sv[1];
	/* Orphans of the workers come back to us, to be reaped */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	for (i = 0; i < workers; i++)
		pids[i] = spawn(i, incarnation[i]);

	rng_state = seed | 1;
	start = time(NULL);
	last = start;
	last_quiet = start;
	while (time(NULL) - start < seconds) {
		int status;
		pid_t pid;

		usleep(100000);
		/* Kill a worker now and then, mid-call */
		if (below(20) == 0) {
			i = below(workers);
			if (pids[i] > 0) {
				kill(pids[i], SIGKILL);
				killed[i] = true;
				__atomic_add_fetch(&stats->kills, 1,
						   __ATOMIC_RELAXED);
			}
		}
		if (reloads && below(30) == 0)
			reload(below(2));
		/*
		 * Every 30 s, a reload that can succeed: every worker is
		 * killed and the files in flight are closed first, so that
		 * no file of the two modules is open (the respawns below
		 * start the workers again). A namespace still holding a
		 * context of a device does not keep its module.
		 */
		if (reloads && time(NULL) - last_quiet >= 30) {
			last_quiet = time(NULL);
			for (i = 0; i < workers; i++) {
				if (pids[i] <= 0)
					continue;
				kill(pids[i], SIGKILL);
				killed[i] = true;
				__atomic_add_fetch(&stats->kills, 1, __ATOMIC_RELAXED);
			}
			for (i = 0; i < workers; i++) {
				if (pids[i] <= 0 ||
				    waitpid(pids[i], &status, 0) != pids[i] ||
				    (WIFSIGNALED(status) &&
				     WTERMSIG(status) == SIGKILL) ||
				    (WIFEXITED(status) && !WEXITSTATUS(status)))
					continue;
				printf("# FAIL worker %d (seed %llu) ended: %s %d\n",
				       i, (unsigned long long)seed,
				       WIFSIGNALED(status) ? "signal" : "exit",
				       WIFSIGNALED(status) ? WTERMSIG(status) :
							     WEXITSTATUS(status));
				__atomic_add_fetch(&stats->failures, 1, __ATOMIC_RELAXED);
			}
			/*
			 * The children a worker made with clone3() hold its
			 * files too; orphaned, they are ours (subreaper)
			 */
			while (waitpid(-1, NULL, 0) > 0)
				;
			drain_socket();
			reload(0);
			reload(1);
			for (i = 0; i < workers; i++) {
				killed[i] = false;
				incarnation[i]++;
				stats->respawns++;
				pids[i] = spawn(i, incarnation[i]);
			}
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (i = 0; i < workers && pids[i] != pid; i++)
				;
			if (i == workers)
				continue;
			if (WIFSIGNALED(status) && !(killed[i] &&
						     WTERMSIG(status) == SIGKILL)) {
				printf("# FAIL worker %d (seed %llu) died of signal %d\n",
				       i, (unsigned long long)seed,
				       WTERMSIG(status));
				__atomic_add_fetch(&stats->failures, 1,
						   __ATOMIC_RELAXED);
			} else if (WIFEXITED(status) && WEXITSTATUS(status)) {
				printf("# FAIL worker %d (seed %llu) exited %d\n",
				       i, (unsigned long long)seed,
				       WEXITSTATUS(status));
				__atomic_add_fetch(&stats->failures, 1,
						   __ATOMIC_RELAXED);
			}
			killed[i] = false;
			incarnation[i]++;
			stats->respawns++;
			pids[i] = spawn(i, incarnation[i]);
		}
		if (time(NULL) - last >= 30) {
			last = time(NULL);
			for (total = 0, i = 0; i < OP_NR; i++)
				total += stats->ops[i];
			errnos(errs, sizeof(errs));
			printf("# %lds: %lu operations, %lu failures, %lu respawns, ",
			       (long)(last - start), total, stats->failures,
			       stats->respawns);
			printf("reloads %s %lu %s %lu, ", modules[0],
			       stats->reloads[0], modules[1], stats->reloads[1]);
			printf("%u namespaces alive, slab %lld kB, errnos%s\n",
			       namespaces_alive(), meminfo_kb("Slab"), errs);
		}
	}
	for (i = 0; i < workers; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	if (system("modprobe test_perns >/dev/null 2>&1; modprobe valarm >/dev/null 2>&1"))
		printf("# cannot reload test_perns and valarm\n");

	for (total = 0, i = 0; i < OP_NR; i++) {
		total += stats->ops[i];
		printf("# %-9s %lu (%lu succeeded)\n", op_names[i],
		       stats->ops[i], stats->done[i]);
	}
	errnos(errs, sizeof(errs));
	printf("# errnos:%s\n", errs);
	printf("# %lu operations, %lu kills, %lu respawns, reloads %s %lu %s %lu\n",
	       total, stats->kills, stats->respawns, modules[0],
	       stats->reloads[0], modules[1], stats->reloads[1]);
	if (stats->failures || !total) {
		printf("not ok 1 setdevns_fuzz seed %llu: %lu failures\n",
		       (unsigned long long)seed, stats->failures);
		return 1;
	}
	printf("ok 1 setdevns_fuzz seed %llu\n", (unsigned long long)seed);
	return 0;
}
