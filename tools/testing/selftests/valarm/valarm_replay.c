// SPDX-License-Identifier: GPL-2.0
/*
 * A replay of how Android 4.x drove /dev/alarm (AlarmManagerService,
 * SystemClock, libutils' elapsedRealtimeNano(), NITZ), on the host's
 * context and in a container's private one, as 4.1-4.3 did (all four
 * alarm types, each in its own timebase) and as 4.4 did (only the two
 * ELAPSED_REALTIME types, RTC alarms converted by the framework). The wall
 * clock is set as SystemClock.setCurrentTimeMillis() did it from the phone
 * process: uid radio (1001), no capability, through a node that ueventd
 * made "0664 system radio"; the timezone with settimeofday(NULL, &tz). On
 * the host, valarm is loaded as Android's /dev/alarm (devname=alarm), where
 * the file is the authority for the host's clock, as with alarm-dev.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/time.h>
#include "valarm_util.h"
#include "../kselftest_harness.h"

#define MSEC 1000000LL
#define TYPES_41	0xf	/* 4.1-4.3 arm types 0 to 3 */
#define TYPES_44	0xc	/* 4.4 arms ELAPSED_REALTIME(_WAKEUP) only */
#define AID_RADIO	1001

static unsigned int android_types = TYPES_41;
static const char *dev_path = VALARM_DEV;
static bool in_container;

/*
 * AlarmThread, as a process sharing system_server's open file (one open
 * file description: the same owner of the alarms): do { r = ioctl(fd,
 * WAIT); } while (r < 0 && errno == EINTR). It reports what it saw,
 * 0 or the errno of a failed WAIT, and how often WAIT was interrupted.
 */
struct alarm_report {
	unsigned int seen;
	int eintr;
	int err;
};

static void on_signal(int sig)
{
}

static bool replay_done(const struct alarm_report *r)
{
	return (r->seen & android_types) == android_types &&
	       (r->seen & ANDROID_ALARM_TIME_CHANGE_MASK);
}

/* Reports what it saw after each WAIT, the last one when it is done. */
static void alarm_thread(int fd, int report)
{
	struct alarm_report r = {};
	long ret;

	while (!replay_done(&r)) {
		do {
			ret = ioctl(fd, ANDROID_ALARM_WAIT);
			if (ret < 0 && errno == EINTR)
				r.eintr++;
		} while (ret < 0 && errno == EINTR);
		if (ret < 0)
			r.err = errno;
		else
			r.seen |= ret;
		if (write(report, &r, sizeof(r)) != sizeof(r))
			_exit(1);
		if (r.err)
			break;
	}
	_exit(0);
}

/*
 * The thread's last report within 20 s: 0 when it saw everything, else
 * 64 plus what it saw (bits 0-3: the alarm types, 16: TIME_CHANGE).
 */
static int collect(int report, pid_t thread, struct alarm_report *at)
{
	struct pollfd p = { .fd = report, .events = POLLIN };
	int64_t end = clock_ns(CLOCK_MONOTONIC) + 20000 * MSEC;

	while (!replay_done(at) && !at->err) {
		int64_t left = (end - clock_ns(CLOCK_MONOTONIC)) / MSEC;

		if (left <= 0 || poll(&p, 1, left) != 1 ||
		    read(report, at, sizeof(*at)) != sizeof(*at))
			break;
	}
	kill(thread, SIGKILL);
	waitpid(thread, NULL, 0);
	if (replay_done(at) && !at->err)
		return 0;
	return 64 | (at->seen & 0xf) |
	       (at->seen & ANDROID_ALARM_TIME_CHANGE_MASK ? 16 : 0) |
	       (at->err ? 32 : 0);
}

/* setLocked(): milliseconds to a timespec, negative clamped to 0 */
static void android_set(int fd, int type, int64_t when_ms)
{
	struct timespec ts;

	if (when_ms < 0)
		when_ms = 0;
	ts.tv_sec = when_ms / 1000;
	ts.tv_nsec = (when_ms % 1000) * 1000000;
	if (ioctl(fd, ANDROID_ALARM_SET(type), &ts))
		_exit(20);
}

/* Another process: elapsedRealtimeNano() on a cached read-only fd */
static int elapsed_realtime_reader(void)
{
	struct timespec ts;
	int fd, i;

	fd = open(dev_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 30;
	for (i = 0; i < 100; i++) {
		if (ioctl(fd,
			  ANDROID_ALARM_GET_TIME(ANDROID_ALARM_ELAPSED_REALTIME),
			  &ts))
			return 31;
		if (llabs(clock_ns(CLOCK_BOOTTIME) - ts_ns(&ts)) > 1000 * MSEC)
			return 32;
	}
	close(fd);
	return 0;
}

/* Runs the replay; returns 0 or the step that failed. */
static int replay(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct alarm_report at = {};
	int64_t now_ms, boot_ms;
	int i, fd, fd2, status, report[2];
	struct timespec ts;
	pid_t thread, readers[3];

	/* SIGUSR1 interrupts the thread's WAIT, from its start */
	sigaction(SIGUSR1, &sa, NULL);

	/* 1. system_server */
	fd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 1;
	if (pipe(report))
		return 2;
	thread = fork();
	if (thread < 0)
		return 2;
	if (!thread)
		alarm_thread(fd, report[1]);
	close(report[1]);

	/*
	 * The timezone, as the AlarmManagerService constructor did through
	 * setKernelTimezone(), before any alarm: the host's system_server
	 * may; in a container it gets EPERM, which Android logs and ignores.
	 * UTC: the first settimeofday() with a timezone and no time warps
	 * the clock by the zone's offset (timekeeping_warp_clock()), which
	 * would move this guest's clock for the tests that follow.
	 */
	{
		struct timezone tz = { .tz_minuteswest = 0 };

		if (settimeofday(NULL, &tz) == 0) {
			if (in_container)
				return 10;
		} else if (!in_container || errno != EPERM) {
			return 11;
		}
	}

	/* 2. arm, each type in its own timebase: currentTimeMillis() is gettimeofday() */
	{
		struct timeval tv;

		gettimeofday(&tv, NULL);
		now_ms = tv.tv_sec * 1000LL + tv.tv_usec / 1000;
	}
	boot_ms = clock_ns(CLOCK_BOOTTIME) / MSEC;
	if (android_types & ANDROID_ALARM_RTC_WAKEUP_MASK)
		android_set(fd, ANDROID_ALARM_RTC_WAKEUP, now_ms + 600);
	if (android_types & ANDROID_ALARM_RTC_MASK)
		android_set(fd, ANDROID_ALARM_RTC, now_ms + 700);
	android_set(fd, ANDROID_ALARM_ELAPSED_REALTIME_WAKEUP,
		    boot_ms + 800);
	/* Re-armed, never cleared; a negative time fires at once */
	android_set(fd, ANDROID_ALARM_ELAPSED_REALTIME, -5);
	android_set(fd, ANDROID_ALARM_ELAPSED_REALTIME, boot_ms + 900);

	/* 3. the thread retries WAIT on EINTR */
	for (i = 0; i < 3; i++) {
		usleep(50000);
		kill(thread, SIGUSR1);
	}

	/*
	 * 4. NITZ: SystemClock.setCurrentTimeMillis() in the phone process,
	 * uid radio without capabilities, on a second file while the alarms
	 * are owned; the time is the clock's own, so nothing else moves.
	 */
	fd2 = fork();
	if (fd2 < 0)
		return 4;
	if (!fd2) {
		int fd;

		if (setgroups(0, NULL) || setresgid(AID_RADIO, AID_RADIO, AID_RADIO) ||
		    setresuid(AID_RADIO, AID_RADIO, AID_RADIO))
			_exit(1);
		fd = open(dev_path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			_exit(2);
		if (ioctl(fd, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC), &ts) ||
		    ioctl(fd, ANDROID_ALARM_SET_RTC, &ts))
			_exit(3);
		close(fd);
		_exit(0);
	}
	if (waitpid(fd2, &status, 0) != fd2 || status)
		return 5;

	/* 5. other processes read elapsedRealtime */
	for (i = 0; i < 3; i++) {
		readers[i] = fork();
		if (!readers[i])
			_exit(elapsed_realtime_reader());
	}
	for (i = 0; i < 3; i++) {
		if (waitpid(readers[i], &status, 0) != readers[i] ||
		    WEXITSTATUS(status))
			return 6;
	}

	status = collect(report[0], thread, &at);
	if (status) {
		char path[64], line[128];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
		f = fopen(path, "re");
		while (f && fgets(line, sizeof(line), f))
			printf("# owner file: %s", line);
		if (f)
			fclose(f);
		printf("# RTC alarms armed from %lld ms, now %lld ms\n",
		       (long long)now_ms,
		       (long long)(clock_ns(CLOCK_REALTIME) / MSEC));
		return status;
	}
	close(report[0]);
	close(fd);
	return 0;
}

FIXTURE(replay) {
	int dev;
	struct container ct;
};

FIXTURE_VARIANT(replay) {
	bool container;
	unsigned int types;
};

FIXTURE_VARIANT_ADD(replay, host_41) {
	.container = false, .types = TYPES_41,
};

FIXTURE_VARIANT_ADD(replay, host_44) {
	.container = false, .types = TYPES_44,
};

FIXTURE_VARIANT_ADD(replay, container_41) {
	.container = true, .types = TYPES_41,
};

FIXTURE_VARIANT_ADD(replay, container_44) {
	.container = true, .types = TYPES_44,
};

FIXTURE_SETUP(replay)
{
	memset(&self->ct, 0, sizeof(self->ct));
	self->dev = -1;
	dev_path = VALARM_DEV;
	android_types = variant->types;
	in_container = variant->container;
	if (!variant->container) {
		/* The host runs Android: the device is its /dev/alarm */
		if (system("modprobe -r valarm 2>/dev/null && modprobe valarm devname=alarm"))
			SKIP(return, "cannot reload valarm as /dev/alarm (built in?)");
		dev_path = "/dev/alarm";
	}
	self->dev = open(dev_path, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		self->dev = valarm_open(O_RDWR);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, VALARM_DEV " not present (CONFIG_VALARM)");
	ASSERT_LE(0, self->dev);
	/* ueventd.rc: /dev/alarm 0664 system radio */
	ASSERT_EQ(0, chown(dev_path, 0, AID_RADIO));
	ASSERT_EQ(0, chmod(dev_path, 0664));
}

FIXTURE_TEARDOWN(replay)
{
	if (chown(dev_path, 0, 0) || chmod(dev_path, 0644))
		TH_LOG("cannot restore the mode of %s", dev_path);
	if (self->dev >= 0)
		close(self->dev);
	if (strcmp(dev_path, VALARM_DEV) &&
	    system("modprobe -r valarm && modprobe valarm"))
		TH_LOG("cannot reload valarm as " VALARM_DEV);
}

TEST_F_TIMEOUT(replay, android, 60)
{
	int pid, status, r;

	if (variant->container) {
		/* Make the namespace private first, then run in it */
		self->ct.run = replay;
		self->ct.map = "0 0 1\n1001 1001 1\n";
		r = ct_start(&self->ct, self->dev, NULL);
		if (r && !have_setdevns())
			SKIP(return, "setdevns() not implemented");
		ASSERT_EQ(0, r);
		pid = self->ct.pid;
		close(self->ct.sock);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("failed at step %d",
							 WEXITSTATUS(status));
		return;
	}
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(replay());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("failed at step %d",
						 WEXITSTATUS(status));
}

/* Exit codes of replay(): a step, or 64 + what the AlarmThread saw. */
TEST_HARNESS_MAIN
