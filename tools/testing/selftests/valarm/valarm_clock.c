// SPDX-License-Identifier: GPL-2.0
/*
 * A container's own wall clock: the processes of a time namespace whose
 * owner, a user namespace, has a private valarm context see that
 * context's clock in every CLOCK_REALTIME read (vDSO and system calls:
 * clock_gettime(), gettimeofday(), time()), and set it with SET_RTC or
 * settimeofday()/clock_settime(). The host and other containers see
 * nothing change. Built 64-bit, -m32, and -m32 with 64-bit time_t.
 *
 * A container here: a child in a new user namespace (root mapped to
 * root), which the test makes private with setdevns(UNSHARE), then a new
 * time namespace, whose first process runs the case's body. The body
 * returns 0 or the number of the step that failed, with a message.
 */
#define _GNU_SOURCE
#include <mqueue.h>
#include <semaphore.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <linux/capability.h>
#include "valarm_util.h"
#include "../kselftest_harness.h"

#define NSEC		1000000000LL
#define MSEC		1000000LL
#define Y2038_JUNE	2159006400LL	/* 2038-06-01 12:00:00 UTC */
#define Y2037_JUNE	2127470400LL	/* 2037-06-01 12:00:00 UTC */
#define Y1999_DEC	946684740LL	/* 1999-12-31 23:59:00 UTC */
#define AGREE_NS	(10 * MSEC)	/* how close the clocks must agree */

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME	0x00000080
#endif

/* 2038 where time_t can hold it, 2037 otherwise */
static const int64_t future_date = sizeof(time_t) > 4 ? Y2038_JUNE :
						       Y2037_JUNE;

/* Reports a failed step of a container's body; returns its number. */
static int __printf(2, 3) fail(int step, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "# step %d: ", step);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return step;
}

/*
 * The system calls behind the vDSO, as this program's ABI makes them:
 * 32-bit programs with a 64-bit time_t use clock_gettime64().
 */
static int64_t sys_clock(clockid_t clk)
{
#ifdef SYS_clock_gettime64
	if (sizeof(time_t) > 4) {
		struct { int64_t sec, nsec; } t;

		if (syscall(SYS_clock_gettime64, clk, &t))
			return -1;
		return t.sec * NSEC + t.nsec;
	}
#endif
	struct { long sec, nsec; } t;

	if (syscall(SYS_clock_gettime, clk, &t))
		return -1;
	return (int64_t)t.sec * NSEC + t.nsec;
}

/* Sets @clk, past 2038 too where time_t ends there: clock_settime64(). */
static int set_clock_ns(clockid_t clk, int64_t ns)
{
#ifdef SYS_clock_settime64
	struct { int64_t sec, nsec; } t = { ns / NSEC, ns % NSEC };

	return syscall(SYS_clock_settime64, clk, &t);
#else
	struct timespec ts = { .tv_sec = ns / NSEC, .tv_nsec = ns % NSEC };

	return clock_settime(clk, &ts);
#endif
}

/* gettimeofday() takes a struct of longs in every ABI. */
static int64_t sys_gettimeofday(void)
{
	struct { long sec, usec; } t;

	if (syscall(SYS_gettimeofday, &t, NULL))
		return -1;
	return (int64_t)t.sec * NSEC + t.usec * 1000LL;
}

static int64_t vdso_realtime(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts))
		return -1;
	return ts_ns(&ts);
}

static int64_t tv_ns(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * NSEC + tv->tv_usec * 1000LL;
}

static int64_t valarm_rtc(int fd)
{
	struct timespec ts;

	if (ioctl(fd, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC), &ts))
		return -1;
	return ts_ns(&ts);
}

static int64_t host_tai_offset(void)
{
	return clock_ns(CLOCK_TAI) - clock_ns(CLOCK_REALTIME);
}

/*
 * CLOCK_REALTIME - CLOCK_MONOTONIC, from a CLOCK_REALTIME read between
 * two CLOCK_MONOTONIC reads less than 1 ms apart: the emulator may
 * deschedule the guest between any two reads.
 */
static int64_t realtime_base(void)
{
	int64_t m1, r, m2;
	int i = 0;

	do {
		m1 = clock_ns(CLOCK_MONOTONIC);
		r = clock_ns(CLOCK_REALTIME);
		m2 = clock_ns(CLOCK_MONOTONIC);
	} while (m2 - m1 >= MSEC && ++i < 100);
	return r - (m1 + (m2 - m1) / 2);
}

/* Puts the host's clock back at @base past CLOCK_MONOTONIC. */
static int set_realtime_base(int64_t base)
{
	return set_clock_ns(CLOCK_REALTIME, clock_ns(CLOCK_MONOTONIC) + base);
}

static bool near(int64_t a, int64_t b, int64_t within)
{
	return llabs(a - b) <= within;
}

/* The clock reads compared with GET_TIME(RTC), in ns */
static int64_t rd_vdso(void) { return vdso_realtime(CLOCK_REALTIME); }
static int64_t rd_sys(void) { return sys_clock(CLOCK_REALTIME); }
static int64_t rd_vdso_coarse(void) { return vdso_realtime(CLOCK_REALTIME_COARSE); }
static int64_t rd_sys_coarse(void) { return sys_clock(CLOCK_REALTIME_COARSE); }
static int64_t rd_sys_alarm(void) { return sys_clock(CLOCK_REALTIME_ALARM); }
static int64_t rd_sys_gettimeofday(void) { return sys_gettimeofday(); }

static int64_t rd_gettimeofday(void)
{
	struct timeval tv;

	return gettimeofday(&tv, NULL) ? -1 : tv_ns(&tv);
}

/*
 * Whether the clock @rd reads agrees with GET_TIME(RTC) on @fd within
 * @within ns. GET_TIME is read between two reads of the clock, which can
 * be far apart when the emulator deschedules the guest, and must lie
 * within @within of the interval they span; *@off: how far outside the
 * interval it lies (0 inside), or -1 if a read failed.
 */
static bool agrees(int fd, int64_t (*rd)(void), int64_t within, int64_t *off)
{
	int64_t a = rd(), g = valarm_rtc(fd), b = rd();

	if (a == -1 || g < 0 || b == -1) {
		*off = -1;
		return false;
	}
	*off = g < a ? g - a : g > b ? g - b : 0;
	return g >= a - within && g <= b + within;
}

/*
 * A coarse clock lags the fine ones by a tick, more when the emulator
 * delays the tick: it is compared as its difference from
 * CLOCK_MONOTONIC_COARSE read at the same tick (both are set together at
 * each tick, so the difference is exact; the container has no monotonic
 * offset), against GET_TIME(RTC)'s difference from CLOCK_MONOTONIC.
 */
static bool agrees_coarse(int fd, int64_t (*rd)(void), int64_t (*mono)(void),
			  int64_t within, int64_t *off)
{
	int64_t m1 = -1, c = -1, m2 = 0, a, g, b;
	int i;

	for (i = 0; i < 100 && m1 != m2; i++) {
		m1 = mono();
		c = rd();
		m2 = mono();
		if (m1 == -1 || c == -1 || m2 == -1)
			break;
	}
	a = clock_ns(CLOCK_MONOTONIC);
	g = valarm_rtc(fd);
	b = clock_ns(CLOCK_MONOTONIC);
	if (m1 != m2 || c == -1 || g < 0) {
		*off = -1;
		return false;
	}
	/* GET_TIME - CLOCK_MONOTONIC lies in [g - b, g - a] */
	c -= m1;
	*off = c < g - b ? c - (g - b) : c > g - a ? c - (g - a) : 0;
	return c >= g - b - within && c <= g - a + within;
}

static int64_t rd_vdso_mono_coarse(void) { return vdso_realtime(CLOCK_MONOTONIC_COARSE); }
static int64_t rd_sys_mono_coarse(void) { return sys_clock(CLOCK_MONOTONIC_COARSE); }

/*
 * Whether the seconds @rd reads (time()) lie within a second of
 * GET_TIME(RTC) read before and after it.
 */
static bool agrees_sec(int fd, int64_t (*rd)(void), int64_t *t, int64_t *g)
{
	int64_t g1 = valarm_rtc(fd);

	*t = rd();
	*g = valarm_rtc(fd);
	return g1 >= 0 && *g >= 0 && *t >= g1 / NSEC - 1 && *t <= *g / NSEC + 1;
}

static int64_t rd_time(void) { return time(NULL); }
#ifdef SYS_time
static int64_t rd_sys_time(void) { return syscall(SYS_time, NULL); }
#endif

/*
 * Every CLOCK_REALTIME read of this process against GET_TIME(RTC) on @fd
 * (a file of the context), all expected near @want seconds. @tai: the
 * host's CLOCK_TAI - CLOCK_REALTIME. Returns 0 or the failed step + @base.
 */
static int clocks_agree(int fd, int64_t want, int64_t tai, int base)
{
	static const struct {
		int64_t (*rd)(void);
		int step;
		const char *what;
	} reads[] = {
		{ rd_vdso, 3, "vDSO CLOCK_REALTIME" },
		{ rd_sys, 4, "syscall CLOCK_REALTIME" },
		{ rd_gettimeofday, 7, "gettimeofday()" },
	};
	int64_t g = valarm_rtc(fd), v, t, off;
	unsigned int i;

	if (g < 0)
		return fail(base + 1, "GET_TIME(RTC): %s", strerror(errno));
	if (!near(g, want * NSEC, 5 * NSEC))
		return fail(base + 2, "GET_TIME(RTC) %lld s, want %lld", (long long)(g / NSEC),
		     (long long)want);
	for (i = 0; i < ARRAY_SIZE(reads); i++)
		if (!agrees(fd, reads[i].rd, AGREE_NS, &off))
			return fail(base + reads[i].step, "%s off by %lld ns",
				    reads[i].what, (long long)off);
	if (!agrees_coarse(fd, rd_vdso_coarse, rd_vdso_mono_coarse, AGREE_NS, &off))
		return fail(base + 5, "vDSO CLOCK_REALTIME_COARSE off by %lld ns",
			    (long long)off);
	if (!agrees_coarse(fd, rd_sys_coarse, rd_sys_mono_coarse, AGREE_NS, &off))
		return fail(base + 6, "syscall CLOCK_REALTIME_COARSE off by %lld ns",
			    (long long)off);
	if (!agrees_sec(fd, rd_time, &t, &g))
		return fail(base + 9, "time() %lld, GET_TIME %lld", (long long)t,
		     (long long)(g / NSEC));
	/*
	 * gettimeofday() and time() take a long: a 32-bit program's cannot
	 * hold 2038 (the system calls truncate it, as they always did).
	 */
	if (sizeof(long) > 4 || g / NSEC < INT32_MAX) {
		if (!agrees(fd, rd_sys_gettimeofday, AGREE_NS, &off))
			return fail(base + 8, "SYS_gettimeofday off by %lld ns",
				    (long long)off);
#ifdef SYS_time
		if (!agrees_sec(fd, rd_sys_time, &t, &g))
			return fail(base + 10, "SYS_time %lld, GET_TIME %lld",
			     (long long)t, (long long)(g / NSEC));
#endif
	}
	/* CLOCK_TAI between two reads of CLOCK_REALTIME, as in agrees() */
	v = vdso_realtime(CLOCK_REALTIME);
	t = vdso_realtime(CLOCK_TAI) - tai;
	if (t < v - AGREE_NS || t > vdso_realtime(CLOCK_REALTIME) + AGREE_NS)
		return fail(base + 11, "CLOCK_TAI - CLOCK_REALTIME %lld, host's %lld",
		     (long long)(t + tai - v), (long long)tai);
	if (sys_clock(CLOCK_REALTIME_ALARM) == -1)
		fprintf(stderr, "# CLOCK_REALTIME_ALARM not compared: %s (no RTC)\n",
			strerror(errno));
	else if (!agrees(fd, rd_sys_alarm, AGREE_NS, &off))
		return fail(base + 12, "CLOCK_REALTIME_ALARM off by %lld ns",
			    (long long)off);
	return 0;
}

/* What a container's body is given */
struct body_arg {
	int64_t tai;		/* the host's CLOCK_TAI - CLOCK_REALTIME */
	int64_t host_base;	/* the host's CLOCK_REALTIME - CLOCK_MONOTONIC */
	int which;		/* a case's variant */
	int ready;		/* a pipe to the test, or 0 */
	int done;		/* a pipe from the test, or 0 */
};

enum {
	CT_PRIVATE = 1,		/* setdevns(UNSHARE) of the user namespace */
	CT_TIMENS = 2,		/* its own time namespace */
	CT_TIMENS_FIRST = 4,	/* the time namespace before setdevns() */
};

/* The first process of the container's time namespace: waits for @gate. */
static void ct_init(int gate, int (*body)(struct body_arg *),
		    struct body_arg *arg)
{
	char go;

	if (read(gate, &go, 1) != 1)
		_exit(102);
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		_exit(103);
	_exit(body(arg));
}

/*
 * Runs @body in a container made as @how says; returns the body's exit
 * status, or -errno if the container could not be made. With
 * CT_TIMENS_FIRST, the body's process is in the time namespace, whose
 * vvar page is then set up, before setdevns() runs.
 */
static int ct_run(int dev, int how, int (*body)(struct body_arg *),
		  struct body_arg *arg)
{
	int c2p[2], p2c[2], gate[2], status, ns_fd, ret = 0;
	char path[64], go = 0;
	pid_t pid;

	if (pipe(c2p) || pipe(p2c) || pipe(gate))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		pid_t child = -1;

		close(dev);
		close(c2p[0]);
		close(p2c[1]);
		if (unshare(CLONE_NEWUSER))
			_exit(100);
		if (how & CT_TIMENS_FIRST) {
			/* Only children enter the new time namespace. */
			if (unshare(CLONE_NEWTIME))
				_exit(101);
			child = fork();
			if (child < 0)
				_exit(104);
			if (!child)
				ct_init(gate[0], body, arg);
		}
		if (write(c2p[1], &go, 1) != 1 || read(p2c[0], &go, 1) != 1)
			_exit(102);
		if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
			_exit(103);
		if (!(how & CT_TIMENS_FIRST)) {
			if ((how & CT_TIMENS) && unshare(CLONE_NEWTIME))
				_exit(101);
			child = fork();
			if (child < 0)
				_exit(104);
			if (!child)
				ct_init(gate[0], body, arg);
		}
		if (write(gate[1], &go, 1) != 1)
			_exit(102);
		if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
			_exit(105);
		_exit(WEXITSTATUS(status));
	}
	close(c2p[1]);
	close(p2c[0]);
	close(gate[0]);
	close(gate[1]);
	if (read(c2p[0], &go, 1) != 1)
		ret = -ECHILD;
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	if (!ret && write_file(path, "0 0 1\n"))
		ret = -errno;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	if (!ret && write_file(path, "0 0 1\n"))
		ret = -errno;
	if (!ret && (how & CT_PRIVATE)) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
		ns_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (ns_fd < 0 || sys_setdevns(dev, ns_fd, CLONE_NEWUSER,
					      SETDEVNS_UNSHARE))
			ret = -errno;
		if (ns_fd >= 0)
			close(ns_fd);
	}
	if (write(p2c[1], &go, 1) != 1 && !ret)
		ret = -ECHILD;
	close(c2p[0]);
	close(p2c[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return ret ?: WEXITSTATUS(status);
}

/*
 * Starts ct_run() of @body in a child, which talks to the test through
 * @a's pipes: the test reads what @body writes to a->ready from
 * *@from_body, and ct_release() writes to *@to_body, which a->done reads.
 * Returns the child's pid, or -1.
 */
static pid_t ct_spawn(int dev, int how, int (*body)(struct body_arg *),
		      struct body_arg *a, int *to_body, int *from_body)
{
	int ready[2], done[2], ret;
	pid_t pid;

	*to_body = -1;
	*from_body = -1;
	if (pipe(ready))
		return -1;
	if (pipe(done)) {
		close(ready[0]);
		close(ready[1]);
		return -1;
	}
	a->ready = ready[1];
	a->done = done[0];
	*from_body = ready[0];
	*to_body = done[1];
	pid = fork();
	if (!pid) {
		close(ready[0]);
		close(done[1]);
		ret = ct_run(dev, how, body, a);
		_exit(ret < 0 ? 99 : ret);
	}
	close(ready[1]);
	close(done[0]);
	return pid;
}

/* Lets the body of ct_spawn() go on; returns its exit status, or -1. */
static int ct_release(pid_t pid, int to_body, int from_body)
{
	sighandler_t old = signal(SIGPIPE, SIG_IGN);	/* a body that failed */
	int status, err = 0;

	if (pid > 0 && write(to_body, "", 1) != 1 && errno != EPIPE)
		err = -1;
	signal(SIGPIPE, old);
	if (to_body >= 0)
		close(to_body);
	if (from_body >= 0)
		close(from_body);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return err ?: WEXITSTATUS(status);
}

FIXTURE(wall) {
	int dev;
	int64_t tai;
	int64_t host_base;	/* the host's CLOCK_REALTIME - CLOCK_MONOTONIC */
};

FIXTURE_SETUP(wall)
{
	self->dev = valarm_open(O_RDWR);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, VALARM_DEV " not present (CONFIG_VALARM)");
	ASSERT_LE(0, self->dev);
	if (!have_setdevns())
		SKIP(return, "setdevns() not implemented");
	if (!have_userns())
		SKIP(return, "user namespaces not available");
	if (access("/proc/self/ns/time", F_OK))
		SKIP(return, "time namespaces not available (CONFIG_TIME_NS)");
	self->tai = host_tai_offset();
	self->host_base = realtime_base();
}

FIXTURE_TEARDOWN(wall)
{
	int64_t base = realtime_base();

	if (self->dev < 0)
		return;
	close(self->dev);
	/* The host's clock never moved (item 5). */
	EXPECT_GT(100 * MSEC, llabs(base - self->host_base));
}

static int set_rtc(int fd, int64_t sec)
{
	struct timespec ts = { .tv_sec = sec };

	return ioctl(fd, ANDROID_ALARM_SET_RTC, &ts);
}

/* SET_RTC to the future, then clock_settime() to 1999: every clock agrees. */
static int body_set_rtc_then_settime(struct body_arg *a)
{
	struct timespec ts = { .tv_sec = Y1999_DEC };
	int fd = open(VALARM_DEV, O_RDWR | O_CLOEXEC), err;

	if (fd < 0)
		return fail(1, "open: %s", strerror(errno));
	err = clocks_agree(fd, time(NULL), a->tai, 20);
	if (err)
		return err;
	if (set_rtc(fd, future_date))
		return fail(2, "SET_RTC: %s", strerror(errno));
	err = clocks_agree(fd, future_date, a->tai, 40);
	if (err)
		return err;
	if (clock_settime(CLOCK_REALTIME, &ts))
		return fail(3, "clock_settime: %s", strerror(errno));
	err = clocks_agree(fd, Y1999_DEC, a->tai, 60);
	if (err)
		return err;
	return 0;
}

TEST_F(wall, set_rtc_then_settime)
{
	struct body_arg a = { .tai = self->tai, .host_base = self->host_base };

	EXPECT_EQ(0, ct_run(self->dev, CT_PRIVATE | CT_TIMENS,
			    body_set_rtc_then_settime, &a));
}

/*
 * The order of an OCI createRuntime hook: the namespaces exist before
 * setdevns() gives the user namespace a private context.
 */
TEST_F(wall, setdevns_after_timens)
{
	struct body_arg a = { .tai = self->tai, .host_base = self->host_base };

	EXPECT_EQ(0, ct_run(self->dev, CT_PRIVATE | CT_TIMENS | CT_TIMENS_FIRST,
			    body_set_rtc_then_settime, &a));
}

/*
 * The settimeofday() system call (as the C library's settimeofday() may
 * call clock_settime() instead) and, for 32-bit programs, stime(): they
 * set the container's clock too; bad times are EINVAL; with a time zone,
 * which is the host's, EPERM, and nothing changes.
 */
static int body_settimeofday(struct body_arg *a)
{
	struct { long sec, usec; } tv = { .sec = Y1999_DEC };
	struct timespec ts = { .tv_sec = 1, .tv_nsec = NSEC };
	struct timezone tz = {};
	int fd = open(VALARM_DEV, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return fail(1, "open: %s", strerror(errno));
	if (syscall(SYS_settimeofday, &tv, NULL))
		return fail(2, "SYS_settimeofday: %s", strerror(errno));
	err = clocks_agree(fd, Y1999_DEC, a->tai, 20);
	if (err)
		return err;
	if (clock_settime(CLOCK_REALTIME, &ts) != -1 || errno != EINVAL)
		return fail(3, "clock_settime(tv_nsec 1e9): %d, want EINVAL", errno);
	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	if (clock_settime(CLOCK_REALTIME, &ts) != -1 || errno != EINVAL)
		return fail(4, "clock_settime(-1 s): %d, want EINVAL", errno);
	tv.usec = 1000000;
	if (syscall(SYS_settimeofday, &tv, NULL) != -1 || errno != EINVAL)
		return fail(5, "settimeofday(tv_usec 1e6): %d, want EINVAL", errno);
	tv.sec = Y1999_DEC + 3600;
	tv.usec = 0;
	if (syscall(SYS_settimeofday, &tv, &tz) != -1 || errno != EPERM)
		return fail(6, "settimeofday() with a time zone: %d, want EPERM", errno);
	/* Refused calls changed nothing. */
	err = clocks_agree(fd, Y1999_DEC, a->tai, 40);
	if (err)
		return err;
#ifdef SYS_stime
	{
		long t = Y1999_DEC + 86400;

		if (syscall(SYS_stime, &t))
			return fail(7, "stime: %s", strerror(errno));
		return clocks_agree(fd, Y1999_DEC + 86400, a->tai, 60);
	}
#endif
	return 0;
}

TEST_F(wall, settimeofday)
{
	struct body_arg a = { .tai = self->tai, .host_base = self->host_base };

	EXPECT_EQ(0, ct_run(self->dev, CT_PRIVATE | CT_TIMENS,
			    body_settimeofday, &a));
}

/* Sends the test its pid and holds the container until told. */
static int body_hold(struct body_arg *a)
{
	pid_t pid = getpid();
	char c;

	if (write(a->ready, &pid, sizeof(pid)) != sizeof(pid))
		return fail(1, "write: %s", strerror(errno));
	if (read(a->done, &c, 1) != 1)
		return fail(2, "read: %s", strerror(errno));
	return 0;
}

/*
 * A task of the initial user namespace in the container's time namespace,
 * as nsenter -T puts it: settimeofday() with a time and a time zone sets
 * the container's clock and the host's time zone.
 */
static int join_and_settz(pid_t pid)
{
	struct { long sec, usec; } tv = { .sec = Y1999_DEC + 7200 };
	struct timezone tz = { .tz_minuteswest = 60 };
	char path[64];
	int64_t t;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/time", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWTIME))
		return fail(1, "join %s: %s", path, strerror(errno));
	if (syscall(SYS_settimeofday, &tv, &tz))
		return fail(2, "settimeofday(tv, tz): %s", strerror(errno));
	t = sys_clock(CLOCK_REALTIME);
	if (!near(t, (Y1999_DEC + 7200) * NSEC, NSEC))
		return fail(3, "the container's clock reads %lld s, want %lld",
			    (long long)(t / NSEC), Y1999_DEC + 7200);
	return 0;
}

/* The host's time zone, from the kernel: 32-bit glibc answers zeros. */
static int host_tz(struct timezone *tz)
{
	return syscall(SYS_gettimeofday, NULL, tz);
}

/*
 * The time zone is the host's, and so is the rule that the first one set
 * after boot without a time warps the host's clock to it: a call with a
 * time, made in a container's clock, never moves the host's clock. Only
 * the first time zone set since boot could warp it, so only a run on a
 * fresh boot (as in the check guest) catches a regression.
 */
TEST_F(wall, host_sets_time_zone_in_container_clock)
{
	int to_body, from_body, status;
	struct timezone tz, saved;
	struct body_arg a = {};
	pid_t runner, joiner, pid;

	ASSERT_EQ(0, host_tz(&saved));
	runner = ct_spawn(self->dev, CT_PRIVATE | CT_TIMENS, body_hold, &a,
			  &to_body, &from_body);
	ASSERT_LT(0, runner);
	ASSERT_EQ(sizeof(pid), read(from_body, &pid, sizeof(pid)));
	joiner = fork();
	ASSERT_LE(0, joiner);
	if (!joiner)
		_exit(join_and_settz(pid));
	ASSERT_EQ(joiner, waitpid(joiner, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, ct_release(runner, to_body, from_body));
	/* The host's time zone was set; its clock did not move. */
	ASSERT_EQ(0, host_tz(&tz));
	EXPECT_EQ(60, tz.tz_minuteswest);
	EXPECT_GT(100 * MSEC, llabs(realtime_base() - self->host_base));
	/* Put back what a regression would have changed. */
	EXPECT_EQ(0, syscall(SYS_settimeofday, NULL, &saved));
	if (llabs(realtime_base() - self->host_base) >= 100 * MSEC)
		set_realtime_base(self->host_base);
}

#define HOST_FAR	7000000000LL	/* 2191-10-26: the host's clock far ahead */
#define SETTOD_LATEST	8277000000LL	/* 2232-04-16: near the latest settable */
#define DAY2		86400LL		/* 1970-01-02 00:00:00 UTC */

/*
 * Its clock at 1970-01-02 while the host's is in 2191, an offset of about
 * -7e18 ns, and an absolute timerfd 1000 s ahead of that clock. Once the
 * host's clock is back at its time, it sets its own to 2232, an offset of
 * about +6.5e18: the timer's expiry, long past now, moves by more than an
 * s64 holds (for any host date before 2161), and the timer fires at once,
 * not before.
 */
static int body_far_apart(struct body_arg *a)
{
	struct itimerspec its = { .it_value.tv_sec = DAY2 + 1000 };
	struct pollfd pfd = { .events = POLLIN };
	char c = 0;

	if (set_clock_ns(CLOCK_REALTIME, DAY2 * NSEC))
		return fail(1, "clock_settime(1970): %s", strerror(errno));
	pfd.fd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC);
	if (pfd.fd < 0 || timerfd_settime(pfd.fd, TFD_TIMER_ABSTIME, &its, NULL))
		return fail(2, "timerfd: %s", strerror(errno));
	if (write(a->ready, &c, 1) != 1 || read(a->done, &c, 1) != 1)
		return fail(3, "pipes: %s", strerror(errno));
	if (poll(&pfd, 1, 0))
		return fail(6, "the timerfd fired before its clock was set");
	if (set_clock_ns(CLOCK_REALTIME, SETTOD_LATEST * NSEC))
		return fail(4, "clock_settime(2232): %s", strerror(errno));
	if (poll(&pfd, 1, 2000) != 1)
		return fail(5, "the timerfd due in 1970 did not fire in 2232");
	return 0;
}

TEST_F(wall, offsets_further_apart_than_s64)
{
	int to_body, from_body, status;
	struct body_arg a = {};
	pid_t runner;
	char c;

	ASSERT_EQ(0, set_clock_ns(CLOCK_REALTIME, HOST_FAR * NSEC));
	runner = ct_spawn(self->dev, CT_PRIVATE | CT_TIMENS, body_far_apart,
			  &a, &to_body, &from_body);
	if (runner <= 0 || read(from_body, &c, 1) != 1)
		TH_LOG("the container did not start");
	/* The host's clock back where it was, for the fixture's check too */
	EXPECT_EQ(0, set_realtime_base(self->host_base));
	status = ct_release(runner, to_body, from_body);
	EXPECT_LT(0, runner);
	EXPECT_EQ(0, status);
}

/* Without CAP_SYS_TIME in the container's user namespace: EPERM. */
static int body_no_cap(struct body_arg *a)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};
	struct timespec ts = { .tv_sec = Y1999_DEC };
	int fd = open(VALARM_DEV, O_RDWR | O_CLOEXEC), err;

	if (fd < 0)
		return fail(1, "open: %s", strerror(errno));
	if (set_rtc(fd, future_date))
		return fail(2, "SET_RTC: %s", strerror(errno));
	if (syscall(SYS_capget, &h, d))
		return fail(3, "capget: %s", strerror(errno));
	d[CAP_SYS_TIME / 32].effective &= ~(1U << (CAP_SYS_TIME % 32));
	if (syscall(SYS_capset, &h, d))
		return fail(4, "capset: %s", strerror(errno));
	if (clock_settime(CLOCK_REALTIME, &ts) != -1 || errno != EPERM)
		return fail(5, "clock_settime without CAP_SYS_TIME: %d, want EPERM", errno);
	err = clocks_agree(fd, future_date, a->tai, 20);
	if (err)
		return err;
	/* SET_RTC goes by the file, as with alarm-dev. */
	if (set_rtc(fd, Y1999_DEC))
		return fail(6, "SET_RTC by the file: %s", strerror(errno));
	return clocks_agree(fd, Y1999_DEC, a->tai, 40);
}

TEST_F(wall, settime_needs_cap_sys_time)
{
	struct body_arg a = { .tai = self->tai, .host_base = self->host_base };

	EXPECT_EQ(0, ct_run(self->dev, CT_PRIVATE | CT_TIMENS, body_no_cap, &a));
}

/*
 * A nested user namespace shares the container's context and its time
 * namespace shows the container's clock, but its root has no
 * CAP_SYS_TIME over the container's user namespace, which owns the
 * context: EPERM, and the clock stays.
 */
static int body_nested(struct body_arg *a)
{
	struct timespec ts = { .tv_sec = Y1999_DEC };
	int fd = open(VALARM_DEV, O_RDWR | O_CLOEXEC), status;
	pid_t pid;

	if (fd < 0)
		return fail(1, "open: %s", strerror(errno));
	if (set_rtc(fd, future_date))
		return fail(2, "SET_RTC: %s", strerror(errno));
	if (unshare(CLONE_NEWUSER))
		return fail(3, "unshare(CLONE_NEWUSER): %s", strerror(errno));
	if (unshare(CLONE_NEWTIME))
		return fail(4, "unshare(CLONE_NEWTIME): %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return fail(5, "fork: %s", strerror(errno));
	if (!pid) {
		int err = clocks_agree(fd, future_date, a->tai, 20);

		if (err)
			_exit(err);
		if (clock_settime(CLOCK_REALTIME, &ts) != -1 || errno != EPERM)
			_exit(fail(6, "nested clock_settime: %d, want EPERM", errno));
		_exit(clocks_agree(fd, future_date, a->tai, 40));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return fail(7, "nested child");
	return WEXITSTATUS(status);
}

TEST_F(wall, nested_user_namespace)
{
	struct body_arg a = { .tai = self->tai, .host_base = self->host_base };

	EXPECT_EQ(0, ct_run(self->dev, CT_PRIVATE | CT_TIMENS, body_nested, &a));
}

/*
 * Containers without a clock of their own: sharing the host's context
 * (with a time namespace), or a private context without a time
 * namespace. Their CLOCK_REALTIME is the host's and settimeofday() is
 * EPERM, as before.
 */
static int body_host_clock(struct body_arg *a)
{
	struct timeval tv = { .tv_sec = Y1999_DEC };
	int64_t v = vdso_realtime(CLOCK_REALTIME), s = sys_clock(CLOCK_REALTIME);

	/* The system call comes second: at or after the vDSO's read. */
	if (s < v - AGREE_NS || s > vdso_realtime(CLOCK_REALTIME) + AGREE_NS)
		return fail(1, "vDSO and syscall CLOCK_REALTIME differ by %lld ns",
		     (long long)(v - s));
	/* CLOCK_MONOTONIC is the host's: no time namespace offset is set. */
	if (!near(realtime_base(), a->host_base, 100 * MSEC))
		return fail(6, "CLOCK_REALTIME is not the host's: off by %lld ns",
			    (long long)(realtime_base() - a->host_base));
	if (settimeofday(&tv, NULL) != -1 || errno != EPERM)
		return fail(2, "settimeofday: %d, want EPERM", errno);
	if (a->which) {
		int fd = open(VALARM_DEV, O_RDWR | O_CLOEXEC);

		/* A private context without a time namespace: GET_TIME only */
		if (fd < 0 || set_rtc(fd, future_date))
			return fail(3, "SET_RTC: %s", strerror(errno));
		if (!near(vdso_realtime(CLOCK_REALTIME), s, 5 * NSEC))
			return fail(4, "CLOCK_REALTIME moved without a time namespace");
		if (!near(valarm_rtc(fd), future_date * NSEC, 5 * NSEC))
			return fail(5, "GET_TIME does not show the context's clock");
	}
	return 0;
}

TEST_F(wall, shared_context_keeps_host_clock)
{
	struct body_arg a = { .tai = self->tai, .host_base = self->host_base };
	int64_t host = clock_ns(CLOCK_REALTIME);

	EXPECT_EQ(0, ct_run(self->dev, CT_TIMENS, body_host_clock, &a));
	EXPECT_GT(5 * NSEC, llabs(clock_ns(CLOCK_REALTIME) - host));
}

TEST_F(wall, no_time_namespace_keeps_host_clock)
{
	struct body_arg a = { .tai = self->tai, .host_base = self->host_base,
			       .which = 1 };

	EXPECT_EQ(0, ct_run(self->dev, CT_PRIVATE, body_host_clock, &a));
}

/*
 * Two containers at once: one at the future date, one in 1999; each sees
 * its own, the host neither (the teardown checks the host).
 */
static int body_sibling(struct body_arg *a)
{
	int fd = open(VALARM_DEV, O_RDWR | O_CLOEXEC), err;
	int64_t want = a->which ? Y1999_DEC : future_date;

	if (fd < 0 || set_rtc(fd, want))
		return fail(1, "SET_RTC: %s", strerror(errno));
	/* Give the other container time to set its clock. */
	usleep(300000);
	err = clocks_agree(fd, want, a->tai, 20);
	return err;
}

TEST_F(wall, two_containers)
{
	struct body_arg a = { .tai = self->tai, .host_base = self->host_base };
	struct body_arg b = { .tai = self->tai, .host_base = self->host_base,
			       .which = 1 };
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(ct_run(self->dev, CT_PRIVATE | CT_TIMENS, body_sibling, &b));
	EXPECT_EQ(0, ct_run(self->dev, CT_PRIVATE | CT_TIMENS, body_sibling, &a));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/*
 * Absolute timers of the container's clock: a CLOCK_REALTIME timerfd,
 * clock_nanosleep(), sem_timedwait() (a futex) and mq_timedreceive()
 * 300 ms ahead of the container's time expire 300 ms later (in 2038 the
 * host's clock would keep them for years, in 1999 fire them at once); a
 * TFD_TIMER_CANCEL_ON_SET timerfd is cancelled by the container's SET_RTC
 * (the host's, armed by the test, is not: see the test). @which: 0 for
 * 2038, 1 for 1999.
 */
static int body_timers(struct body_arg *a)
{
	int fd = open(VALARM_DEV, O_RDWR | O_CLOEXEC), tfd;
	int64_t want = a->which ? Y1999_DEC : future_date, t0, el;
	struct itimerspec its = {};
	struct mq_attr attr;
	struct pollfd p;
	uint64_t ticks;
	struct timespec ts;
	char *msg;
	sem_t sem;
	mqd_t mq;

	if (fd < 0 || set_rtc(fd, want))
		return fail(1, "SET_RTC: %s", strerror(errno));
	tfd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC);
	if (tfd < 0)
		return fail(2, "timerfd_create: %s", strerror(errno));
	t0 = clock_ns(CLOCK_MONOTONIC);
	its.it_value = ns_ts(clock_ns(CLOCK_REALTIME) + 300 * MSEC);
	if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL))
		return fail(3, "timerfd_settime: %s", strerror(errno));
	p = (struct pollfd){ .fd = tfd, .events = POLLIN };
	if (poll(&p, 1, 3000) != 1)
		return fail(4, "the timerfd did not fire within 3 s");
	el = clock_ns(CLOCK_MONOTONIC) - t0;
	if (el < 250 * MSEC || el > 2 * NSEC)
		return fail(5, "the timerfd fired after %lld ms, want 300", (long long)(el / MSEC));
	t0 = clock_ns(CLOCK_MONOTONIC);
	ts = ns_ts(clock_ns(CLOCK_REALTIME) + 300 * MSEC);
	if (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL))
		return fail(6, "clock_nanosleep: %s", strerror(errno));
	el = clock_ns(CLOCK_MONOTONIC) - t0;
	if (el < 250 * MSEC || el > 2 * NSEC)
		return fail(7, "clock_nanosleep slept %lld ms, want 300", (long long)(el / MSEC));
	/* A futex (sem_timedwait()) and a message queue time out there too. */
	sem_init(&sem, 0, 0);
	t0 = clock_ns(CLOCK_MONOTONIC);
	ts = ns_ts(clock_ns(CLOCK_REALTIME) + 300 * MSEC);
	if (sem_timedwait(&sem, &ts) != -1 || errno != ETIMEDOUT)
		return fail(11, "sem_timedwait: %d, want ETIMEDOUT", errno);
	el = clock_ns(CLOCK_MONOTONIC) - t0;
	if (el < 250 * MSEC || el > 2 * NSEC)
		return fail(12, "sem_timedwait waited %lld ms, want 300", (long long)(el / MSEC));
	mq = mq_open("/valarm_clock", O_RDWR | O_CREAT, 0600, NULL);
	if (mq == (mqd_t)-1)
		return fail(13, "mq_open: %s", strerror(errno));
	mq_unlink("/valarm_clock");
	if (mq_getattr(mq, &attr))
		return fail(14, "mq_getattr: %s", strerror(errno));
	msg = malloc(attr.mq_msgsize);
	t0 = clock_ns(CLOCK_MONOTONIC);
	ts = ns_ts(clock_ns(CLOCK_REALTIME) + 300 * MSEC);
	if (!msg || mq_timedreceive(mq, msg, attr.mq_msgsize, NULL, &ts) != -1 ||
	    errno != ETIMEDOUT)
		return fail(15, "mq_timedreceive: %d, want ETIMEDOUT", errno);
	el = clock_ns(CLOCK_MONOTONIC) - t0;
	if (el < 250 * MSEC || el > 2 * NSEC)
		return fail(16, "mq_timedreceive waited %lld ms, want 300", (long long)(el / MSEC));

	/* Cancelled on the container's SET_RTC */
	its.it_value = ns_ts(clock_ns(CLOCK_REALTIME) + 3600 * NSEC);
	if (timerfd_settime(tfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL))
		return fail(8, "timerfd_settime(CANCEL_ON_SET): %s", strerror(errno));
	if (set_rtc(fd, want + 60))
		return fail(9, "SET_RTC: %s", strerror(errno));
	p = (struct pollfd){ .fd = tfd, .events = POLLIN };
	if (poll(&p, 1, 3000) != 1)
		return fail(17, "the CANCEL_ON_SET timerfd is not readable after SET_RTC");
	if (read(tfd, &ticks, sizeof(ticks)) != -1 || errno != ECANCELED)
		return fail(10, "read of a CANCEL_ON_SET timerfd: %d, want ECANCELED", errno);
	return 0;
}

TEST_F(wall, absolute_timers_and_cancel_on_set)
{
	struct body_arg a = { .tai = self->tai, .host_base = self->host_base };
	struct itimerspec its = {};
	uint64_t ticks;
	int host;

	/* The host's CANCEL_ON_SET timerfd: a container's clock is not its. */
	host = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
	ASSERT_LE(0, host);
	its.it_value = ns_ts(clock_ns(CLOCK_REALTIME) + 3600 * NSEC);
	ASSERT_EQ(0, timerfd_settime(host, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
				     &its, NULL));
	EXPECT_EQ(0, ct_run(self->dev, CT_PRIVATE | CT_TIMENS, body_timers, &a));
	a.which = 1;
	EXPECT_EQ(0, ct_run(self->dev, CT_PRIVATE | CT_TIMENS, body_timers, &a));
	EXPECT_EQ(-1, read(host, &ticks, sizeof(ticks)));
	EXPECT_EQ(EAGAIN, errno);
	close(host);
}

/* Sets the caller's CLOCK_REALTIME @delta ns from where it is. */
static int step_clock(int64_t delta)
{
	struct timespec ts = ns_ts(clock_ns(CLOCK_REALTIME) + delta);

	return clock_settime(CLOCK_REALTIME, &ts);
}

/* Waits up to @ms for @pid to exit 0; returns the ns waited, or -1. */
static int64_t wait_exit(pid_t pid, int ms)
{
	int64_t t0 = clock_ns(CLOCK_MONOTONIC);
	int status;

	while (clock_ns(CLOCK_MONOTONIC) - t0 < ms * MSEC) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) && !WEXITSTATUS(status) ?
			       clock_ns(CLOCK_MONOTONIC) - t0 : -1;
		usleep(5000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/*
 * Absolute timers armed in the container follow a step of its clock, as
 * the host's timers follow a step of the host's: a timerfd, a POSIX timer
 * (SIGEV_NONE, read with timer_gettime(), and SIGEV_SIGNAL) and a
 * clock_nanosleep() 10 s ahead expire about 300 ms after the clock is
 * stepped 9.7 s forward; a timerfd 300 ms ahead does not fire for a second
 * after a step back of an hour, and then has an hour to go.
 */
static int body_follow(struct body_arg *a)
{
	int fd = open(VALARM_DEV, O_RDWR | O_CLOEXEC), tfd;
	struct sigevent sev = { .sigev_notify = SIGEV_NONE };
	struct itimerspec its = {}, cur;
	struct timespec ts;
	timer_t tnone, tsig;
	int64_t el, target;
	struct pollfd p;
	sigset_t set;
	pid_t pid;

	if (fd < 0 || set_rtc(fd, future_date))
		return fail(1, "SET_RTC: %s", strerror(errno));
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	tfd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC);
	if (tfd < 0 || timer_create(CLOCK_REALTIME, &sev, &tnone))
		return fail(2, "timerfd_create, timer_create: %s", strerror(errno));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	if (timer_create(CLOCK_REALTIME, &sev, &tsig))
		return fail(3, "timer_create(SIGEV_SIGNAL): %s", strerror(errno));
	target = clock_ns(CLOCK_REALTIME) + 10 * NSEC;
	its.it_value = ns_ts(target);
	if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) ||
	    timer_settime(tnone, TIMER_ABSTIME, &its, NULL) ||
	    timer_settime(tsig, TIMER_ABSTIME, &its, NULL))
		return fail(4, "arming: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return fail(5, "fork: %s", strerror(errno));
	if (!pid) {
		ts = ns_ts(target);
		_exit(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL));
	}
	usleep(100 * 1000);
	if (step_clock(9700 * MSEC))
		return fail(6, "clock_settime: %s", strerror(errno));
	if (timer_gettime(tnone, &cur) || cur.it_value.tv_sec ||
	    cur.it_value.tv_nsec > 500 * MSEC)
		return fail(7, "timer_gettime after the step: %lld.%09ld s to go, want < 0.5",
			    (long long)cur.it_value.tv_sec, (long)cur.it_value.tv_nsec);
	el = wait_exit(pid, 3000);
	if (el < 0 || el > 1500 * MSEC)
		return fail(8, "clock_nanosleep woke %lld ms after the step, want ~200",
			    (long long)(el / MSEC));
	p = (struct pollfd){ .fd = tfd, .events = POLLIN };
	if (poll(&p, 1, 1500) != 1)
		return fail(9, "the timerfd did not fire after the step");
	ts = (struct timespec){ .tv_sec = 1 };
	if (sigtimedwait(&set, NULL, &ts) != SIGUSR1)
		return fail(10, "the SIGEV_SIGNAL timer did not fire: %s", strerror(errno));

	/* A step back of an hour puts an expiry 300 ms ahead an hour away. */
	its.it_value = ns_ts(clock_ns(CLOCK_REALTIME) + 300 * MSEC);
	if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) ||
	    step_clock(-3600 * NSEC))
		return fail(11, "re-arming, stepping back: %s", strerror(errno));
	if (poll(&p, 1, 1000) != 0)
		return fail(12, "the timerfd fired after a step back of an hour");
	if (timerfd_gettime(tfd, &cur) || !near(cur.it_value.tv_sec, 3600, 2))
		return fail(13, "timerfd_gettime: %lld s to go, want 3600",
			    (long long)cur.it_value.tv_sec);
	timer_delete(tnone);
	timer_delete(tsig);
	close(tfd);
	return 0;
}

TEST_F(wall, absolute_timers_follow_the_clock)
{
	struct body_arg a = { .tai = self->tai, .host_base = self->host_base };

	EXPECT_EQ(0, ct_run(self->dev, CT_PRIVATE | CT_TIMENS, body_follow, &a));
}

/*
 * How Android 4.x's AlarmManager arms an RTC_WAKEUP alarm: from
 * System.currentTimeMillis(), gettimeofday(). In the container's time
 * namespace that is the container's clock, so an alarm 2 s ahead fires
 * 2 s later.
 */
static int body_android_alarm(struct body_arg *a)
{
	int fd = open(VALARM_DEV, O_RDWR | O_CLOEXEC);
	struct timespec ts;
	struct timeval tv;
	int64_t t0, el;
	long ret;

	/* Own the context's alarms, as AlarmManager does, then set the clock. */
	if (fd < 0 || ioctl(fd, ANDROID_ALARM_CLEAR(ANDROID_ALARM_SYSTEMTIME)) ||
	    set_rtc(fd, future_date))
		return fail(1, "CLEAR, SET_RTC: %s", strerror(errno));
	/* Take the TIME_CHANGE of the SET_RTC. */
	if (ioctl(fd, ANDROID_ALARM_WAIT) != ANDROID_ALARM_TIME_CHANGE_MASK)
		return fail(2, "WAIT after SET_RTC: %s", strerror(errno));
	gettimeofday(&tv, NULL);
	ts.tv_sec = tv.tv_sec + 2;
	ts.tv_nsec = tv.tv_usec * 1000L;
	t0 = clock_ns(CLOCK_MONOTONIC);
	if (ioctl(fd, ANDROID_ALARM_SET(ANDROID_ALARM_RTC_WAKEUP), &ts))
		return fail(3, "SET(RTC_WAKEUP): %s", strerror(errno));
	ret = ioctl(fd, ANDROID_ALARM_WAIT);
	el = clock_ns(CLOCK_MONOTONIC) - t0;
	if (ret != ANDROID_ALARM_RTC_WAKEUP_MASK)
		return fail(4, "WAIT: %ld (%s)", ret, strerror(errno));
	if (!near(el, 2 * NSEC, 50 * MSEC))
		return fail(5, "fired after %lld ms, want 2000 +- 50", (long long)(el / MSEC));
	return 0;
}

TEST_F(wall, android_rtc_alarm_from_gettimeofday)
{
	struct body_arg a = { .tai = self->tai, .host_base = self->host_base };

	EXPECT_EQ(0, ct_run(self->dev, CT_PRIVATE | CT_TIMENS, body_android_alarm, &a));
}

/*
 * A timerfd created in the initial time namespace keeps the host's clock
 * wherever it is armed: armed by the container, whose clock is years
 * ahead, for the host's time + 300 ms, it fires 300 ms later.
 */
static int host_tfd = -1;

static int body_host_timerfd(struct body_arg *a)
{
	int fd = open(VALARM_DEV, O_RDWR | O_CLOEXEC);
	struct itimerspec its = {};
	uint64_t ticks;
	int64_t t0, el;

	if (fd < 0 || set_rtc(fd, future_date))
		return fail(1, "SET_RTC: %s", strerror(errno));
	t0 = clock_ns(CLOCK_MONOTONIC);
	its.it_value = ns_ts(t0 + a->host_base + 300 * MSEC);
	if (timerfd_settime(host_tfd, TFD_TIMER_ABSTIME, &its, NULL))
		return fail(2, "timerfd_settime: %s", strerror(errno));
	if (read(host_tfd, &ticks, sizeof(ticks)) != sizeof(ticks))
		return fail(3, "read: %s", strerror(errno));
	el = clock_ns(CLOCK_MONOTONIC) - t0;
	if (el < 250 * MSEC || el > 2 * NSEC)
		return fail(4, "fired after %lld ms, want 300", (long long)(el / MSEC));
	return 0;
}

TEST_F(wall, host_timerfd_keeps_host_clock)
{
	struct body_arg a = { .tai = self->tai, .host_base = self->host_base };

	host_tfd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC);
	ASSERT_LE(0, host_tfd);
	EXPECT_EQ(0, ct_run(self->dev, CT_PRIVATE | CT_TIMENS, body_host_timerfd, &a));
	close(host_tfd);
}

/*
 * A container's timers hold up nobody else: container A has HOG_TIMERS
 * absolute TFD_TIMER_CANCEL_ON_SET timerfds, which each of its SET_RTCs
 * moves and cancels, and sets its clock in a loop; meanwhile container B,
 * with no timers, sets its own clock HOG_SETS times. B's SET_RTC waits at
 * most for A's short update of its namespace, never for A's timers: its
 * median time is under a tenth of A's. A's last SET_RTC has cancelled its
 * timerfds by the time it returned.
 */
#define HOG_TIMERS	10000
#define HOG_SETS	20
#define HOG_MIN_SETS	5	/* of A's, for its median */

struct hog_shared {
	int ready, stop;	/* __atomic_*(): shared by the containers */
	int64_t a_ns[4096];	/* A's SET_RTC times */
	int na;
	int64_t b_ns[HOG_SETS];	/* B's */
};

static struct hog_shared *hog;

static int64_t timed_set_rtc(int fd, int64_t sec)
{
	int64_t t0 = clock_ns(CLOCK_MONOTONIC);

	if (set_rtc(fd, sec))
		return -1;
	return clock_ns(CLOCK_MONOTONIC) - t0;
}

static int body_hog(struct body_arg *a)
{
	int fd = open(VALARM_DEV, O_RDWR | O_CLOEXEC), *tfd, i;
	struct itimerspec its = {};
	uint64_t ticks;
	int64_t t;

	if (fd < 0)
		return fail(1, "open: %s", strerror(errno));
	tfd = calloc(HOG_TIMERS, sizeof(*tfd));
	if (!tfd)
		return fail(2, "calloc");
	its.it_value = ns_ts(clock_ns(CLOCK_REALTIME) + 3600 * NSEC);
	for (i = 0; i < HOG_TIMERS; i++) {
		tfd[i] = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
		if (tfd[i] < 0 ||
		    timerfd_settime(tfd[i], TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
				    &its, NULL))
			return fail(3, "timerfd %d: %s", i, strerror(errno));
	}
	__atomic_store_n(&hog->ready, 1, __ATOMIC_RELEASE);
	for (i = 0; !__atomic_load_n(&hog->stop, __ATOMIC_ACQUIRE) || i < HOG_MIN_SETS;
	     i++) {
		t = timed_set_rtc(fd, future_date + i);
		if (t < 0)
			return fail(4, "SET_RTC: %s", strerror(errno));
		if (hog->na < (int)ARRAY_SIZE(hog->a_ns))
			hog->a_ns[hog->na++] = t;
	}
	/* Cancelled by the last SET_RTC, then armed no more */
	if (read(tfd[HOG_TIMERS - 1], &ticks, sizeof(ticks)) != -1 ||
	    errno != ECANCELED)
		return fail(5, "a timerfd was not cancelled: %s", strerror(errno));
	return 0;
}

static int body_hog_victim(struct body_arg *a)
{
	int fd = open(VALARM_DEV, O_RDWR | O_CLOEXEC), i;

	if (fd < 0)
		return fail(1, "open: %s", strerror(errno));
	while (!__atomic_load_n(&hog->ready, __ATOMIC_ACQUIRE))
		usleep(10000);
	for (i = 0; i < HOG_SETS; i++) {
		/* a phase of A's loop of its own each time */
		usleep(5000 + 3000 * (i % 7));
		hog->b_ns[i] = timed_set_rtc(fd, Y1999_DEC);
		if (hog->b_ns[i] < 0) {
			__atomic_store_n(&hog->stop, 1, __ATOMIC_RELEASE);
			return fail(2, "SET_RTC: %s", strerror(errno));
		}
	}
	__atomic_store_n(&hog->stop, 1, __ATOMIC_RELEASE);
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* 10000 timerfds on a debug kernel under TCG: 30 s is not always enough */
TEST_F_TIMEOUT(wall, timers_hold_up_no_other_container, 120)
{
	struct body_arg a = { .tai = self->tai, .host_base = self->host_base };
	struct rlimit rl = { HOG_TIMERS + 64, HOG_TIMERS + 64 };
	int64_t a_med, b_med;
	int status;
	pid_t pid;

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	hog = mmap(NULL, sizeof(*hog), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(hog != MAP_FAILED);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int err = ct_run(self->dev, CT_PRIVATE | CT_TIMENS, body_hog, &a);

		/* the victim must not wait for ever */
		__atomic_store_n(&hog->ready, 1, __ATOMIC_RELEASE);
		_exit(err);
	}
	EXPECT_EQ(0, ct_run(self->dev, CT_PRIVATE | CT_TIMENS, body_hog_victim, &a));
	__atomic_store_n(&hog->stop, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_LE(HOG_MIN_SETS, hog->na);
	qsort(hog->a_ns, hog->na, sizeof(int64_t), cmp_i64);
	qsort(hog->b_ns, HOG_SETS, sizeof(int64_t), cmp_i64);
	a_med = hog->a_ns[hog->na / 2];
	b_med = hog->b_ns[HOG_SETS / 2];
	TH_LOG("SET_RTC median: %lld us with %d timers (%d sets), %lld us without",
	       (long long)a_med / 1000, HOG_TIMERS, hog->na, (long long)b_med / 1000);
	EXPECT_GT(a_med, 10 * b_med);
}

/*
 * Sets of the clock while the container reads it: every vDSO read shows
 * one of the offsets set, never the seconds of one with the nanoseconds
 * of another, which the vDSO reads without a lock. The k-th set puts the
 * clock k * 1000 s ahead of the host's, half a second more when k is
 * odd, so that a read mixing two offsets lies about half a second off
 * both. A set lands a little behind its target (the time from the
 * writer's read of the host's clock to the kernel's): the writer marks
 * the sets for which that exceeded SET_SLACK, whose lower bound is then
 * not judged. The host's clock is CLOCK_MONOTONIC plus the host's
 * difference, which is the same for both processes, so an error in that
 * difference cancels out; a CLOCK_REALTIME_COARSE read is judged against
 * CLOCK_MONOTONIC_COARSE of the same tick, which makes it exact. Nor may
 * a read show an older offset than a read before it, and the reads must
 * see most of the offsets set (not a stale vvar page). Every read is
 * judged: the first bad one is shown, with the number of bad reads.
 */
#define TORN_SETS	200
#define SET_SLACK	(100 * MSEC)

static int64_t torn_offset(int k)
{
	return k * 1000 * NSEC + (k & 1) * (NSEC / 2);
}

static int set_rtc_ns(int fd, int64_t ns)
{
	struct timespec ts = { .tv_sec = ns / NSEC, .tv_nsec = ns % NSEC };

	return ioctl(fd, ANDROID_ALARM_SET_RTC, &ts);
}

/* The writer: sets 2 to TORN_SETS, marking the slow ones in @slow. */
static void torn_writer(int fd, int64_t host_base, unsigned char *slow)
{
	int k;

	for (k = 2; k <= TORN_SETS; k++) {
		int64_t m = clock_ns(CLOCK_MONOTONIC);

		if (set_rtc_ns(fd, m + host_base + torn_offset(k)))
			_exit(1);
		if (clock_ns(CLOCK_MONOTONIC) - m > SET_SLACK)
			slow[k] = 1;
		usleep(1000);
	}
	_exit(0);
}

struct torn_read {
	int j;			/* the set it is judged against */
	int64_t lo, hi;		/* the offset it showed lies in [lo, hi] */
	bool coarse;
	bool stale;		/* older than a read before it */
};

/* The set whose offset @off (ns) is nearest */
static int torn_set(int64_t off)
{
	return (off + 500 * MSEC) / (1000 * NSEC);
}

/*
 * One vDSO read as an offset from the host's clock, in [*lo, *hi]; false
 * when the guest was descheduled and the bracket says too little.
 */
static bool torn_read_one(bool coarse, int64_t host_base, int64_t *lo, int64_t *hi)
{
	clockid_t mono = coarse ? CLOCK_MONOTONIC_COARSE : CLOCK_MONOTONIC;
	int64_t m1 = clock_ns(mono);
	int64_t v = vdso_realtime(coarse ? CLOCK_REALTIME_COARSE : CLOCK_REALTIME);
	int64_t m2 = clock_ns(mono);

	*lo = v - m2 - host_base;
	*hi = v - m1 - host_base;
	return v != -1 && (coarse ? m1 == m2 : m2 - m1 <= 10 * MSEC);
}

static int body_concurrent(struct body_arg *a)
{
	int fd = open(VALARM_DEV, O_RDWR | O_CLOEXEC), status, seen = 0;
	int j, newest = 1;	/* the newest set a read showed */
	long judged = 0, nbad = 0, n;
	unsigned char *slow, *hit;
	struct torn_read first = {};
	/* reads only below a set's lower bound, forgiven if it was slow */
	long low[TORN_SETS + 1] = {};
	struct torn_read first_low[TORN_SETS + 1];
	pid_t pid;

	if (fd < 0)
		return fail(1, "open: %s", strerror(errno));
	slow = mmap(NULL, 2 * (TORN_SETS + 1), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slow == MAP_FAILED)
		return fail(2, "mmap: %s", strerror(errno));
	hit = slow + TORN_SETS + 1;
	if (set_rtc_ns(fd, clock_ns(CLOCK_MONOTONIC) + a->host_base + torn_offset(1)))
		return fail(3, "SET_RTC: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return fail(4, "fork: %s", strerror(errno));
	if (!pid)
		torn_writer(fd, a->host_base, slow);
	for (n = 0; ; n++) {
		struct torn_read r = { .coarse = n & 1 };

		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (!torn_read_one(r.coarse, a->host_base, &r.lo, &r.hi))
			continue;
		judged++;
		j = torn_set(r.hi);
		r.j = j;
		r.stale = j < newest;
		if (j < 1 || j > TORN_SETS || r.stale ||
		    r.lo > torn_offset(j) + MSEC) {
			if (!nbad++)
				first = r;
			continue;
		}
		if (r.hi < torn_offset(j) - SET_SLACK) {
			if (!low[j]++)
				first_low[j] = r;
			continue;
		}
		newest = j;
		seen += !hit[j];
		hit[j] = 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return fail(5, "the writer failed: status %#x", status);
	/* Only the lower bound of a slow set's offset is unknown. */
	for (j = 1; j <= TORN_SETS; j++) {
		if (!low[j] || slow[j])
			continue;
		if (!nbad)
			first = first_low[j];
		nbad += low[j];
	}
	if (nbad)
		return fail(6, "%s: offset in [%lld, %lld] ns, set %d is %lld%s (%ld of %ld bad)",
			    first.coarse ? "CLOCK_REALTIME_COARSE" : "CLOCK_REALTIME",
			    (long long)first.lo, (long long)first.hi, first.j,
			    (long long)torn_offset(first.j),
			    first.stale ? ", older than an earlier read" : "", nbad, judged);
	/* The reads must have run while the clock was being set. */
	if (judged < 1000 || seen < TORN_SETS / 4)
		return fail(7, "%ld reads judged, %d of %d offsets seen: too few",
			    judged, seen, TORN_SETS);
	fprintf(stderr, "# %ld reads judged, %d of %d offsets seen\n", judged, seen,
		TORN_SETS);
	return 0;
}

TEST_F(wall, readers_never_see_a_torn_offset)
{
	struct body_arg a = { .tai = self->tai, .host_base = self->host_base };

	EXPECT_EQ(0, ct_run(self->dev, CT_PRIVATE | CT_TIMENS, body_concurrent, &a));
}

TEST_HARNESS_MAIN
