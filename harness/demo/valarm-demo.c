// SPDX-License-Identifier: GPL-2.0
/*
 * valarm demonstration: two containers (child user namespaces given
 * private /dev/valarm contexts with setdevns(), and time namespaces of
 * their own), one living in 2038 and one in 1999, each setting and reading
 * its own clock (busybox date included) and getting an alarm at its own
 * time, while the host's clock does not move.
 *
 * Build: gcc -static -O2 -Wall -I<uapi headers> valarm-demo.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/android_alarm.h>
#include <linux/perns.h>

#include "../guest.h"

#ifndef __NR_setdevns
#define __NR_setdevns 472
#endif

#define DEV "/dev/valarm"

struct box {
	const char *name;
	time_t date;
	pid_t pid;
	int to_child[2], to_parent[2];
};

static double mono0;

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9 - mono0;
}

static void say(const char *who, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("[%5.2fs] %-9s %s\n", mono(), who, buf);
	fflush(stdout);
}

static const char *fmt_time(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;
	time_t t = ts->tv_sec;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf + strlen(buf), len - strlen(buf), ".%03ld UTC",
		 ts->tv_nsec / 1000000);
	return buf;
}

static void die(const char *who, const char *what)
{
	say(who, "%s: %s", what, strerror(errno));
	exit(1);
}

/* Runs @argv in a child, its output indented; returns its exit status. */
static int run(const char *who, char *const argv[])
{
	char line[256];
	int p[2], status;
	FILE *f;
	pid_t pid;

	fflush(stdout);
	if (pipe(p))
		die(who, "pipe");
	pid = fork();
	if (pid < 0)
		die(who, "fork");
	if (!pid) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		say(who, "  %s", line);
	}
	if (f)
		fclose(f);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * The container's first process in its own time namespace, which shows
 * the wall clock of the container's private context: box-2038 sets it
 * with SET_RTC, as Android's NITZ does, box-1999 with busybox date -s
 * (clock_settime()), and both read it back with busybox date and GET_TIME.
 * Then an alarm computed, as Android's AlarmManager does, from
 * gettimeofday() two seconds ahead.
 */
static void container_init(struct box *b, int fd)
{
	struct timespec ts = { .tv_sec = b->date };
	char buf[64], set[32];
	struct timeval tv;
	struct tm tm;
	double t0;
	long r;

	if (b->date > 2000000000) {
		if (ioctl(fd, ANDROID_ALARM_SET_RTC, &ts))
			die(b->name, "SET_RTC");
		say(b->name, "SET_RTC %s (as container root)",
		    fmt_time(&ts, buf, sizeof(buf)));
	} else {
		gmtime_r(&b->date, &tm);
		strftime(set, sizeof(set), "%Y-%m-%d %H:%M:%S", &tm);
		say(b->name, "busybox date -u -s '%s' (as container root):", set);
		if (run(b->name, (char *const[]){ "busybox", "date", "-u", "-s",
						  set, NULL }))
			die(b->name, "date -s");
	}
	r = ioctl(fd, ANDROID_ALARM_WAIT);
	say(b->name, "WAIT -> %#lx (TIME_CHANGE)", r);
	say(b->name, "busybox date -u (its own time namespace):");
	run(b->name, (char *const[]){ "busybox", "date", "-u", NULL });
	ioctl(fd, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC), &ts);
	say(b->name, "GET_TIME(RTC)     %s", fmt_time(&ts, buf, sizeof(buf)));
	gettimeofday(&tv, NULL);
	ts.tv_sec = tv.tv_sec + 2;
	ts.tv_nsec = tv.tv_usec * 1000L;
	if (ioctl(fd, ANDROID_ALARM_SET(ANDROID_ALARM_RTC), &ts))
		die(b->name, "SET(RTC)");
	say(b->name, "alarm armed for   %s (gettimeofday() + 2 s)",
	    fmt_time(&ts, buf, sizeof(buf)));
	t0 = mono();
	r = ioctl(fd, ANDROID_ALARM_WAIT);
	ioctl(fd, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC), &ts);
	say(b->name, "alarm fired at    %s (WAIT -> %#lx, after %.2f s)",
	    fmt_time(&ts, buf, sizeof(buf)), r, mono() - t0);
	exit(0);
}

/* Inside the container, after its namespace was made private. */
static void container(struct box *b)
{
	int fd, status;
	pid_t pid;

	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		die(b->name, "setresuid");
	fd = open(DEV, O_RDWR);
	if (fd < 0)
		die(b->name, "open " DEV);
	/* Own the context's alarms, as AlarmManager does, to see TIME_CHANGE */
	if (ioctl(fd, ANDROID_ALARM_CLEAR(ANDROID_ALARM_SYSTEMTIME)))
		die(b->name, "CLEAR");
	/* Children enter the new time namespace. */
	if (unshare(CLONE_NEWTIME))
		die(b->name, "unshare(CLONE_NEWTIME)");
	pid = fork();
	if (pid < 0)
		die(b->name, "fork");
	if (!pid)
		container_init(b, fd);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		exit(1);
	exit(WEXITSTATUS(status));
}

static void start(struct box *b, int dev)
{
	char path[64], c = 0;
	int ns;

	if (pipe(b->to_child) || pipe(b->to_parent))
		die("host", "pipe");
	b->pid = fork();
	if (!b->pid) {
		if (unshare(CLONE_NEWUSER))
			die(b->name, "unshare(CLONE_NEWUSER)");
		if (write(b->to_parent[1], &c, 1) != 1 ||
		    read(b->to_child[0], &c, 1) != 1)
			exit(1);
		close(dev);
		container(b);
	}
	if (read(b->to_parent[0], &c, 1) != 1)
		die("host", "container start");
	snprintf(path, sizeof(path), "/proc/%d/uid_map", b->pid);
	if (write_file(path, "0 0 1\n"))
		die("host", path);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", b->pid);
	if (write_file(path, "0 0 1\n"))
		die("host", path);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", b->pid);
	ns = open(path, O_RDONLY);
	if (ns < 0)
		die("host", path);
	if (syscall(__NR_setdevns, dev, ns, CLONE_NEWUSER, SETDEVNS_UNSHARE))
		die("host", "setdevns(UNSHARE)");
	close(ns);
	say("host", "%s: pid %d, new user namespace, setdevns(" DEV
	    ", UNSHARE) -> private clock", b->name, b->pid);
	if (write(b->to_child[1], &c, 1) != 1)
		die("host", "container go");
}

int main(void)
{
	struct box boxes[] = {
		{ .name = "box-2038", .date = 2159006400 },	/* 2038-06-01 12:00 */
		{ .name = "box-1999", .date = 946684740 },	/* 1999-12-31 23:59 */
	};
	struct timespec real0, real1, ts;
	double m0, m1;
	char buf[64];
	int dev, i, status, fail = 0;

	mono0 = 0;
	mono0 = mono();
	dev = open(DEV, O_RDWR);
	if (dev < 0 && errno == ENOENT &&
	    !system("modprobe valarm 2>/dev/null"))
		dev = open(DEV, O_RDWR);
	if (dev < 0)
		die("host", "open " DEV);

	printf("valarm demo: per-container wall clocks and alarms on " DEV "\n");
	clock_gettime(CLOCK_REALTIME, &real0);
	m0 = mono();
	say("host", "CLOCK_REALTIME    %s", fmt_time(&real0, buf, sizeof(buf)));

	for (i = 0; i < 2; i++)
		start(&boxes[i], dev);
	for (i = 0; i < 2; i++) {
		if (waitpid(boxes[i].pid, &status, 0) != boxes[i].pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			fail = 1;
	}

	ioctl(dev, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC), &ts);
	say("host", "GET_TIME(RTC)     %s (the host's context)",
	    fmt_time(&ts, buf, sizeof(buf)));
	say("host", "busybox date -u:");
	run("host", (char *const[]){ "busybox", "date", "-u", NULL });
	clock_gettime(CLOCK_REALTIME, &real1);
	m1 = mono();
	say("host", "CLOCK_REALTIME    %s", fmt_time(&real1, buf, sizeof(buf)));
	{
		double drift = (real1.tv_sec - real0.tv_sec) +
			       (real1.tv_nsec - real0.tv_nsec) / 1e9 - (m1 - m0);

		say("host", "realtime moved %.3f s in %.3f s of monotonic time: "
		    "%s", (m1 - m0) + drift, m1 - m0,
		    drift < 0.5 && drift > -0.5 ? "unchanged" : "CHANGED");
		if (drift >= 0.5 || drift <= -0.5)
			fail = 1;
	}
	printf("valarm demo: %s\n", fail ? "FAILED" : "done");
	return fail;
}
