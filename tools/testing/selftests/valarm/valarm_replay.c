// SPDX-License-Identifier: GPL-2.0
/*
 * A replay of how Android 4.x drove /dev/alarm (AlarmManagerService,
 * SystemClock, libutils' elapsedRealtimeNano()), on the host's context and
 * in a container's private one.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include "valarm_util.h"
#include "../kselftest_harness.h"

#define MSEC 1000000LL
#define ANDROID_TYPES 0xf	/* AOSP armed types 0 to 3 */

struct alarm_thread {
	int fd;
	unsigned int seen;
	int eintr;
	int err;
};

static void on_signal(int sig)
{
}

/* AlarmThread: do { r = ioctl(fd, WAIT); } while (r < 0 && errno == EINTR) */
static void *alarm_thread(void *arg)
{
	struct alarm_thread *at = arg;
	long r;

	while ((at->seen & ANDROID_TYPES) != ANDROID_TYPES ||
	       !(at->seen & ANDROID_ALARM_TIME_CHANGE_MASK)) {
		do {
			r = ioctl(at->fd, ANDROID_ALARM_WAIT);
			if (r < 0 && errno == EINTR)
				at->eintr++;
		} while (r < 0 && errno == EINTR);
		if (r < 0) {
			at->err = errno;
			break;
		}
		at->seen |= r;
	}
	return NULL;
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

	fd = open(VALARM_DEV, O_RDONLY | O_CLOEXEC);
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
	struct alarm_thread at = {};
	int64_t now_ms, boot_ms;
	struct timespec ts;
	pthread_t thread;
	int i, fd2, status;
	pid_t readers[3];

	sigaction(SIGUSR1, &sa, NULL);

	/* 1. system_server */
	at.fd = open(VALARM_DEV, O_RDWR | O_CLOEXEC);
	if (at.fd < 0)
		return 1;
	if (pthread_create(&thread, NULL, alarm_thread, &at))
		return 2;

	/* 2. arm types 0 to 3, each in its own timebase */
	now_ms = clock_ns(CLOCK_REALTIME) / MSEC;
	boot_ms = clock_ns(CLOCK_BOOTTIME) / MSEC;
	android_set(at.fd, ANDROID_ALARM_RTC_WAKEUP, now_ms + 600);
	android_set(at.fd, ANDROID_ALARM_RTC, now_ms + 700);
	android_set(at.fd, ANDROID_ALARM_ELAPSED_REALTIME_WAKEUP,
		    boot_ms + 800);
	/* Re-armed, never cleared; a negative time fires at once */
	android_set(at.fd, ANDROID_ALARM_ELAPSED_REALTIME, -5);
	android_set(at.fd, ANDROID_ALARM_ELAPSED_REALTIME, boot_ms + 900);

	/* 3. the thread retries WAIT on EINTR */
	for (i = 0; i < 3; i++) {
		usleep(50000);
		pthread_kill(thread, SIGUSR1);
	}

	/* 4. SystemClock.setCurrentTimeMillis(): a second fd, while owned */
	fd2 = open(VALARM_DEV, O_RDWR | O_CLOEXEC);
	if (fd2 < 0)
		return 4;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ioctl(fd2, ANDROID_ALARM_SET_RTC, &ts))
		return 5;
	close(fd2);

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

	pthread_join(thread, NULL);
	if (at.err)
		return 7;
	if ((at.seen & ANDROID_TYPES) != ANDROID_TYPES)
		return 8;
	if (!(at.seen & ANDROID_ALARM_TIME_CHANGE_MASK))
		return 9;
	close(at.fd);
	return 0;
}

FIXTURE(replay) {
	int dev;
	struct container ct;
};

FIXTURE_VARIANT(replay) {
	bool container;
};

FIXTURE_VARIANT_ADD(replay, host) {
	.container = false,
};

FIXTURE_VARIANT_ADD(replay, container) {
	.container = true,
};

FIXTURE_SETUP(replay)
{
	memset(&self->ct, 0, sizeof(self->ct));
	self->dev = valarm_open(O_RDONLY);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, VALARM_DEV " not present (CONFIG_VALARM)");
	ASSERT_LE(0, self->dev);
}

FIXTURE_TEARDOWN(replay)
{
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F_TIMEOUT(replay, android_4x, 60)
{
	int pid, status, r;

	if (variant->container) {
		/* Make the namespace private first, then run in it */
		self->ct.run = replay;
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

TEST_HARNESS_MAIN
