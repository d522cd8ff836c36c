// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/valarm: the Android alarm ABI for this program's ABI (built 64-bit,
 * -m32, and -m32 with 64-bit time_t) and the per-user-namespace clocks and
 * alarms made private with setdevns().
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include "valarm_util.h"
#include "../kselftest_harness.h"

#define NSEC		1000000000LL
#define MSEC		1000000LL
#define Y2038_JUNE	2159006400LL	/* 2038-06-01 12:00:00 UTC */
#define Y2037_JUNE	2127470400LL	/* 2037-06-01 12:00:00 UTC */
#define Y1999_DEC	946684740LL	/* 1999-12-31 23:59:00 UTC */
#define Y2040		2208988800LL	/* 2040-01-01 00:00:00 UTC */

#define TIME_CHANGE	ANDROID_ALARM_TIME_CHANGE_MASK
#define TYPE_MASK(t)	(1U << (t))

/* 2038 where time_t can hold it, 2037 otherwise */
static const int64_t future_date = sizeof(time_t) > 4 ? Y2038_JUNE :
						       Y2037_JUNE;

TEST(ioctl_numbers)
{
	bool ts64 = sizeof(struct timespec) == 16;
	unsigned int t;

	ASSERT_TRUE(sizeof(struct timespec) == 8 || ts64);
	TH_LOG("struct timespec is %zu bytes", sizeof(struct timespec));
	EXPECT_EQ(0x00006101, ANDROID_ALARM_WAIT);
	EXPECT_EQ(ts64 ? 0x40106105 : 0x40086105, ANDROID_ALARM_SET_RTC);
	EXPECT_EQ(0x40086134, VA_IOW(4, ANDROID_ALARM_ELAPSED_REALTIME, 8));
	for (t = 0; t < ANDROID_ALARM_TYPE_COUNT; t++) {
		EXPECT_EQ(0x00006100 | t << 4, ANDROID_ALARM_CLEAR(t));
		EXPECT_EQ((ts64 ? 0x40106102 : 0x40086102) | t << 4,
			  ANDROID_ALARM_SET(t));
		EXPECT_EQ((ts64 ? 0x40106103 : 0x40086103) | t << 4,
			  ANDROID_ALARM_SET_AND_WAIT(t));
		EXPECT_EQ((ts64 ? 0x40106104 : 0x40086104) | t << 4,
			  ANDROID_ALARM_GET_TIME(t));
		EXPECT_EQ(0x40086102 | t << 4, VA_IOW(2, t, 8));
		EXPECT_EQ(0x40106102 | t << 4, VA_IOW(2, t, 16));
		EXPECT_EQ(ANDROID_ALARM_WAIT,
			  ANDROID_ALARM_BASE_CMD(ANDROID_ALARM_WAIT));
		EXPECT_EQ(t, ANDROID_ALARM_IOCTL_TO_TYPE(ANDROID_ALARM_SET(t)));
	}
	EXPECT_EQ(1, ANDROID_ALARM_RTC_WAKEUP_MASK);
	EXPECT_EQ(2, ANDROID_ALARM_RTC_MASK);
	EXPECT_EQ(1 << 4, ANDROID_ALARM_SYSTEMTIME_MASK);
	EXPECT_EQ(1 << 16, ANDROID_ALARM_TIME_CHANGE_MASK);
}

FIXTURE(dev) {
	int rw, ro;
};

FIXTURE_SETUP(dev)
{
	self->ro = -1;
	self->rw = valarm_open(O_RDWR);
	if (self->rw < 0 && errno == ENOENT)
		SKIP(return, VALARM_DEV " not present (CONFIG_VALARM)");
	ASSERT_LE(0, self->rw);
	self->ro = valarm_open(O_RDONLY);
	ASSERT_LE(0, self->ro);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->rw >= 0)
		close(self->rw);
	if (self->ro >= 0)
		close(self->ro);
}

TEST_F(dev, unknown_ioctl)
{
	struct timespec ts = {};
	unsigned long bad[] = {
		_IO('a', 6), _IO('a', 0x0f), _IO('b', 1), _IOW('a', 2, int),
		_IOR('a', 4, struct timespec), _IOW('a', 1, struct timespec),
		_IO('a', 2), VA_IOW(5, 0, 12), _IO('a', 0x6f),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-1, ioctl(self->rw, bad[i], &ts));
		EXPECT_EQ(ENOTTY, errno) TH_LOG("cmd %#lx", bad[i]);
	}
}

TEST_F(dev, bad_type)
{
	struct timespec ts = {};
	unsigned int t;

	for (t = ANDROID_ALARM_TYPE_COUNT; t < 16; t++) {
		EXPECT_EQ(-1, ioctl(self->rw, ANDROID_ALARM_CLEAR(t)));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(-1, ioctl(self->rw, ANDROID_ALARM_SET(t), &ts));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(-1, ioctl(self->ro, ANDROID_ALARM_GET_TIME(t), &ts));
		EXPECT_EQ(EINVAL, errno);
	}
}

TEST_F(dev, bad_pointer)
{
	EXPECT_EQ(-1, ioctl(self->ro,
			    ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC), NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->ro, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC),
			    (void *)1));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->rw, ANDROID_ALARM_SET(ANDROID_ALARM_RTC),
			    NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->rw, ANDROID_ALARM_SET_RTC, NULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(dev, bad_nsec)
{
	struct timespec ts = { .tv_sec = 100 };
	long nsecs[] = { -1, 1000000000, 0x7fffffff };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		ts.tv_nsec = nsecs[i];
		EXPECT_EQ(-1, ioctl(self->rw,
				    ANDROID_ALARM_SET(ANDROID_ALARM_SYSTEMTIME),
				    &ts));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(-1, ioctl(self->rw, ANDROID_ALARM_SET_RTC, &ts));
		EXPECT_EQ(EINVAL, errno);
	}
}

TEST_F(dev, read_only)
{
	struct timespec ts = {};

	EXPECT_EQ(0, ioctl(self->ro, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC),
			   &ts));
	EXPECT_EQ(-1, ioctl(self->ro, ANDROID_ALARM_SET(ANDROID_ALARM_RTC),
			    &ts));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(self->ro,
			    ANDROID_ALARM_SET_AND_WAIT(ANDROID_ALARM_RTC), &ts));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(self->ro, ANDROID_ALARM_CLEAR(ANDROID_ALARM_RTC)));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(self->ro, ANDROID_ALARM_WAIT));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(self->ro, ANDROID_ALARM_SET_RTC, &ts));
	EXPECT_EQ(EPERM, errno);
}

TEST_F(dev, get_time)
{
	static const clockid_t clk[ANDROID_ALARM_TYPE_COUNT] = {
		CLOCK_REALTIME, CLOCK_REALTIME, CLOCK_BOOTTIME, CLOCK_BOOTTIME,
		CLOCK_MONOTONIC,
	};
	struct timespec ts;
	unsigned int t;
	int64_t now;

	for (t = 0; t < ANDROID_ALARM_TYPE_COUNT; t++) {
		ASSERT_EQ(0, ioctl(self->ro, ANDROID_ALARM_GET_TIME(t), &ts));
		now = clock_ns(clk[t]);
		EXPECT_LE(ts_ns(&ts), now);
		EXPECT_GT(ts_ns(&ts), now - 500 * MSEC) TH_LOG("type %u", t);
	}
}

/* Both timespec sizes work from every ABI. */
TEST_F(dev, both_sizes)
{
	struct va_ts32 t32 = {};
	struct va_ts64 t64 = {};
	int64_t now = clock_ns(CLOCK_MONOTONIC) / NSEC;

	ASSERT_EQ(0, ioctl(self->ro, VA_IOW(4, ANDROID_ALARM_SYSTEMTIME, 8),
			   &t32));
	ASSERT_EQ(0, ioctl(self->ro, VA_IOW(4, ANDROID_ALARM_SYSTEMTIME, 16),
			   &t64));
	EXPECT_LE(t32.tv_sec, now);
	EXPECT_GE(t32.tv_sec, now - 1);
	EXPECT_LE(t64.tv_sec, now);
	EXPECT_GE(t64.tv_sec, now - 1);
	EXPECT_LE(0, t64.tv_nsec);
	EXPECT_GT(NSEC, t64.tv_nsec);
}

TEST_F(dev, one_writer)
{
	int64_t mono = clock_ns(CLOCK_MONOTONIC);
	struct timespec ts = ns_ts(mono + 3600 * NSEC);
	int other = valarm_open(O_RDWR);

	ASSERT_LE(0, other);
	ASSERT_EQ(0, ioctl(self->rw,
			   ANDROID_ALARM_SET(ANDROID_ALARM_SYSTEMTIME), &ts));
	EXPECT_EQ(-1, ioctl(other, ANDROID_ALARM_SET(ANDROID_ALARM_SYSTEMTIME),
			    &ts));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, ioctl(other,
			    ANDROID_ALARM_SET_AND_WAIT(ANDROID_ALARM_SYSTEMTIME),
			    &ts));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, ioctl(other,
			    ANDROID_ALARM_CLEAR(ANDROID_ALARM_SYSTEMTIME)));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, ioctl(other, ANDROID_ALARM_WAIT));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(0, ioctl(other, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC),
			   &ts));
	/* Closing the owner frees the alarms for the next writer. */
	close(self->rw);
	self->rw = -1;
	ts = ns_ts(mono + 3600 * NSEC);
	EXPECT_EQ(0, ioctl(other, ANDROID_ALARM_SET(ANDROID_ALARM_SYSTEMTIME),
			   &ts));
	EXPECT_EQ(0, ioctl(other,
			   ANDROID_ALARM_CLEAR(ANDROID_ALARM_SYSTEMTIME)));
	close(other);
}

static void on_alarm(int sig)
{
}

TEST_F(dev, wait_eintr)
{
	struct sigaction sa = { .sa_handler = on_alarm };

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	alarm(1);
	EXPECT_EQ(-1, ioctl(self->rw, ANDROID_ALARM_WAIT));
	EXPECT_EQ(EINTR, errno);
}

TEST_F(dev, host_alarms)
{
	struct timespec ts;
	int64_t t0;
	long ret;

	/* In the past: at once */
	ASSERT_EQ(0, ioctl(self->ro,
			   ANDROID_ALARM_GET_TIME(ANDROID_ALARM_ELAPSED_REALTIME),
			   &ts));
	ts.tv_sec -= 10;
	t0 = clock_ns(CLOCK_MONOTONIC);
	ret = ioctl(self->rw,
		    ANDROID_ALARM_SET_AND_WAIT(ANDROID_ALARM_ELAPSED_REALTIME),
		    &ts);
	EXPECT_EQ(ANDROID_ALARM_ELAPSED_REALTIME_MASK, ret & ~TIME_CHANGE);
	EXPECT_GT(500 * MSEC, clock_ns(CLOCK_MONOTONIC) - t0);

	/* 300 ms ahead */
	ts = ns_ts(clock_ns(CLOCK_MONOTONIC) + 300 * MSEC);
	t0 = clock_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, ioctl(self->rw,
			   ANDROID_ALARM_SET(ANDROID_ALARM_SYSTEMTIME), &ts));
	ret = ioctl(self->rw, ANDROID_ALARM_WAIT);
	EXPECT_EQ(ANDROID_ALARM_SYSTEMTIME_MASK, ret & ~TIME_CHANGE);
	EXPECT_LE(250 * MSEC, clock_ns(CLOCK_MONOTONIC) - t0);
}

/*
 * As /dev/valarm, SET_RTC of the initial context needs CAP_SYS_TIME too,
 * as /dev/rtc does: a writable file given to a service or a container
 * without a user namespace does not set the host's clock (as /dev/alarm
 * the file suffices: valarm_module.c).
 */
TEST_F(dev, set_rtc_host_needs_cap)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	EXPECT_EQ(-1, ioctl(self->ro, ANDROID_ALARM_SET_RTC, &ts));
	EXPECT_EQ(EPERM, errno);
	ASSERT_EQ(0, setresuid(1001, 1001, 1001));
	EXPECT_EQ(-1, ioctl(self->rw, ANDROID_ALARM_SET_RTC, &ts));
	EXPECT_EQ(EPERM, errno);
}

/* Containers */

FIXTURE(ns) {
	int dev;
	struct container ct[4];
};

FIXTURE_SETUP(ns)
{
	memset(self->ct, 0, sizeof(self->ct));
	self->dev = valarm_open(O_RDWR);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, VALARM_DEV " not present (CONFIG_VALARM)");
	ASSERT_LE(0, self->dev);
	if (!have_setdevns())
		SKIP(return, "setdevns() not implemented");
	if (!have_userns())
		SKIP(return, "user namespaces not available");
}

FIXTURE_TEARDOWN(ns)
{
	int i;

	for (i = 0; i < 4; i++)
		ct_stop(&self->ct[i]);
	if (self->dev >= 0)
		close(self->dev);
}

static struct container *ct_at(struct container *ct, int i)
{
	return i < 0 ? NULL : ct + i;
}

/*
 * Starts container @i in a new user namespace, private unless @shared, or
 * (@shared) in the user namespace of container @join.
 */
static int ct_begin(struct container *ct, int dev, int i, bool shared,
		    int join)
{
	return ct_start(&ct[i], shared ? -1 : dev, ct_at(ct, join));
}

/*
 * Sets a container's clock on a new file, which first takes the alarms
 * (TIME_CHANGE goes to their owner only), and acks the TIME_CHANGE.
 */
static long ct_set_clock(struct container *c, int64_t sec)
{
	struct timespec ts = { .tv_sec = sec };
	int slot = ct_open(c, O_RDWR);
	long ret;

	if (slot < 0)
		return -1;
	if (ct_ioctl(c, slot, ANDROID_ALARM_CLEAR(ANDROID_ALARM_SYSTEMTIME),
		     NULL))
		return -1;
	if (ct_ioctl(c, slot, ANDROID_ALARM_SET_RTC, &ts))
		return -1;
	ret = ct_ioctl(c, slot, ANDROID_ALARM_WAIT, NULL);
	if (ret != TIME_CHANGE)
		return -1;
	return slot;
}

static int64_t ct_time(struct container *c, int slot, unsigned int type)
{
	struct timespec ts = {};

	if (ct_ioctl(c, slot, ANDROID_ALARM_GET_TIME(type), &ts))
		return -1;
	return ts_ns(&ts);
}

TEST_F(ns, two_containers)
{
	int64_t host0 = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	int64_t host1, t;
	int a, b, c;

	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 0, false, -1));
	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 1, false, -1));
	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 2, true, -1));
	a = ct_set_clock(&self->ct[0], future_date);
	ASSERT_LE(0, a);
	b = ct_set_clock(&self->ct[1], Y1999_DEC);
	ASSERT_LE(0, b);
	c = ct_open(&self->ct[2], O_RDONLY);
	ASSERT_LE(0, c);

	t = ct_time(&self->ct[0], a, ANDROID_ALARM_RTC);
	EXPECT_LE(future_date * NSEC, t);
	EXPECT_GT((future_date + 5) * NSEC, t);
	t = ct_time(&self->ct[1], b, ANDROID_ALARM_RTC_WAKEUP);
	EXPECT_LE(Y1999_DEC * NSEC, t);
	EXPECT_GT((Y1999_DEC + 5) * NSEC, t);
	t = ct_time(&self->ct[2], c, ANDROID_ALARM_RTC);
	EXPECT_GT(NSEC, llabs(t - clock_ns(CLOCK_REALTIME)));

	host1 = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	EXPECT_GT(100 * MSEC, llabs(host1 - host0));
}

TEST_F(ns, shared_container_set_rtc)
{
	struct timespec ts = { .tv_sec = Y1999_DEC };
	int s;

	/* A container sharing the host's context is not privileged there */
	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 0, true, -1));
	s = ct_open(&self->ct[0], O_RDWR);
	ASSERT_LE(0, s);
	EXPECT_EQ(-1, ct_ioctl(&self->ct[0], s, ANDROID_ALARM_SET_RTC, &ts));
	EXPECT_EQ(EPERM, errno);
}

TEST_F(ns, rtc_alarm_years_ahead)
{
	int64_t t, t0, ahead = clock_ns(CLOCK_REALTIME) / NSEC + 10 * 365 * 86400LL;
	struct container *c = &self->ct[0];
	struct timespec ts;
	long ret;
	int s;

	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 0, false, -1));
	s = ct_set_clock(c, ahead);
	ASSERT_LE(0, s);

	/* +1 s in the namespace's time */
	t = ct_time(c, s, ANDROID_ALARM_RTC);
	ts = ns_ts(t + NSEC);
	t0 = clock_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, ct_ioctl(c, s, ANDROID_ALARM_SET(ANDROID_ALARM_RTC), &ts));
	ret = ct_ioctl(c, s, ANDROID_ALARM_WAIT, NULL);
	t = clock_ns(CLOCK_MONOTONIC) - t0;
	EXPECT_EQ(ANDROID_ALARM_RTC_MASK, ret);
	EXPECT_LE(800 * MSEC, t);
	EXPECT_GT(4 * NSEC, t);

	/* CLEAR prevents it: only the SYSTEMTIME sentinel fires */
	ts = ns_ts(ct_time(c, s, ANDROID_ALARM_RTC) + NSEC);
	ASSERT_EQ(0, ct_ioctl(c, s, ANDROID_ALARM_SET(ANDROID_ALARM_RTC), &ts));
	ASSERT_EQ(0, ct_ioctl(c, s, ANDROID_ALARM_CLEAR(ANDROID_ALARM_RTC),
			      NULL));
	ts = ns_ts(ct_time(c, s, ANDROID_ALARM_SYSTEMTIME) + 2 * NSEC);
	ASSERT_EQ(0, ct_ioctl(c, s, ANDROID_ALARM_SET(ANDROID_ALARM_SYSTEMTIME),
			      &ts));
	ret = ct_ioctl(c, s, ANDROID_ALARM_WAIT, NULL);
	EXPECT_EQ(ANDROID_ALARM_SYSTEMTIME_MASK, ret);

	/* In the past of the namespace, though in the host's future: at once */
	ts = ns_ts(ct_time(c, s, ANDROID_ALARM_RTC) - 60 * NSEC);
	t0 = clock_ns(CLOCK_MONOTONIC);
	ret = ct_ioctl(c, s, ANDROID_ALARM_SET_AND_WAIT(ANDROID_ALARM_RTC), &ts);
	EXPECT_EQ(ANDROID_ALARM_RTC_MASK, ret);
	EXPECT_GT(500 * MSEC, clock_ns(CLOCK_MONOTONIC) - t0);
}

/* A SET_RTC re-arms the RTC alarms of the context in its new time. */
TEST_F(ns, set_rtc_rearms)
{
	struct container *c = &self->ct[0];
	struct timespec ts;
	int64_t t0;
	long ret;
	int s;

	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 0, false, -1));
	s = ct_set_clock(c, Y1999_DEC);
	ASSERT_LE(0, s);
	ts.tv_sec = Y1999_DEC + 3600;
	ts.tv_nsec = 0;
	ASSERT_EQ(0, ct_ioctl(c, s, ANDROID_ALARM_SET(ANDROID_ALARM_RTC), &ts));
	/* Jump to one second before the alarm */
	ts.tv_sec = Y1999_DEC + 3599;
	t0 = clock_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, ct_ioctl(c, s, ANDROID_ALARM_SET_RTC, &ts));
	ret = ct_ioctl(c, s, ANDROID_ALARM_WAIT, NULL);
	if (ret == TIME_CHANGE)
		ret |= ct_ioctl(c, s, ANDROID_ALARM_WAIT, NULL);
	EXPECT_EQ(ANDROID_ALARM_RTC_MASK | TIME_CHANGE, ret);
	EXPECT_GT(4 * NSEC, clock_ns(CLOCK_MONOTONIC) - t0);
}

TEST_F(ns, time_change_is_per_context)
{
	struct container *a = &self->ct[0], *a2 = &self->ct[1];
	struct container *b = &self->ct[2];
	struct timespec ts = { .tv_sec = Y2037_JUNE };
	struct ct_msg ma, mb;
	int sa, sa2, sb;

	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 0, false, -1));
	/* b joins a's user namespace */
	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 1, true, 0));
	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 2, false, -1));
	sa = ct_open(a, O_RDWR);
	sb = ct_open(b, O_RDWR);
	ASSERT_LE(0, sa);
	ASSERT_LE(0, sb);
	ts = ns_ts(ct_time(b, sb, ANDROID_ALARM_SYSTEMTIME) + 2 * NSEC);
	ASSERT_EQ(0, ct_ioctl(b, sb, ANDROID_ALARM_SET(ANDROID_ALARM_SYSTEMTIME),
			      &ts));
	ASSERT_EQ(0, ct_ioctl_async(a, sa, ANDROID_ALARM_WAIT));
	ASSERT_EQ(0, ct_ioctl_async(b, sb, ANDROID_ALARM_WAIT));
	usleep(100000);

	/* A second file in a's namespace, while a's owner waits */
	sa2 = ct_open(a2, O_RDWR);
	ASSERT_LE(0, sa2);
	ts.tv_sec = Y2037_JUNE;
	ts.tv_nsec = 0;
	ASSERT_EQ(0, ct_ioctl(a2, sa2, ANDROID_ALARM_SET_RTC, &ts));
	EXPECT_LE(Y2037_JUNE * NSEC, ct_time(a2, sa2, ANDROID_ALARM_RTC));

	ASSERT_EQ(0, ct_recv(a, &ma, 5000));
	EXPECT_EQ(TIME_CHANGE, ma.ret);
	ASSERT_EQ(0, ct_recv(b, &mb, 5000));
	EXPECT_EQ(ANDROID_ALARM_SYSTEMTIME_MASK, mb.ret);
}

/* A step of the host's clock reaches the waiters of private contexts. */
TEST_F(ns, host_clock_step)
{
	struct container *b = &self->ct[0];
	struct timespec now;
	struct ct_msg m;
	int sb;

	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 0, false, -1));
	sb = ct_set_clock(b, Y1999_DEC);
	ASSERT_LE(0, sb);
	ASSERT_EQ(0, ct_ioctl_async(b, sb, ANDROID_ALARM_WAIT));
	usleep(100000);
	clock_gettime(CLOCK_REALTIME, &now);
	ASSERT_EQ(0, clock_settime(CLOCK_REALTIME, &now));
	ASSERT_EQ(0, ct_recv(b, &m, 5000));
	EXPECT_EQ(TIME_CHANGE, m.ret);
}

/* Each context has its own writer. */
TEST_F(ns, writer_per_context)
{
	struct timespec ts = ns_ts(clock_ns(CLOCK_MONOTONIC) + 3600 * NSEC);
	int s;

	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 0, false, -1));
	ASSERT_EQ(0, ioctl(self->dev,
			   ANDROID_ALARM_SET(ANDROID_ALARM_SYSTEMTIME), &ts));
	s = ct_open(&self->ct[0], O_RDWR);
	ASSERT_LE(0, s);
	EXPECT_EQ(0, ct_ioctl(&self->ct[0], s,
			      ANDROID_ALARM_SET(ANDROID_ALARM_SYSTEMTIME), &ts));
	EXPECT_EQ(0, ct_ioctl(&self->ct[0], s,
			      ANDROID_ALARM_CLEAR(ANDROID_ALARM_SYSTEMTIME),
			      NULL));
	EXPECT_EQ(0, ioctl(self->dev,
			   ANDROID_ALARM_CLEAR(ANDROID_ALARM_SYSTEMTIME)));
}

/* A time that a 32-bit time_t cannot hold is EOVERFLOW in 8 bytes. */
TEST_F(ns, y2038_sizes)
{
	struct container *c = &self->ct[0];
	int64_t sec = Y2040;
	int s;

	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 0, false, -1));
	s = ct_open(c, O_RDWR);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, ct_ioctl_raw(c, s, VA_IOW(5, 0, 16), 16, &sec));
	sec = 0;
	EXPECT_EQ(-1, ct_ioctl_raw(c, s, VA_IOW(4, ANDROID_ALARM_RTC, 8), 8,
				   &sec));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(0, ct_ioctl_raw(c, s, VA_IOW(4, ANDROID_ALARM_RTC, 16), 16,
				  &sec));
	EXPECT_LE(Y2040, sec);
	EXPECT_GT(Y2040 + 5, sec);
	/* Times before 2038 still fit */
	sec = Y1999_DEC;
	ASSERT_EQ(0, ct_ioctl_raw(c, s, VA_IOW(5, 0, 8), 8, &sec));
	EXPECT_EQ(0, ct_ioctl_raw(c, s, VA_IOW(4, ANDROID_ALARM_RTC, 8), 8,
				  &sec));
	EXPECT_LE(Y1999_DEC, sec);
	EXPECT_GT(Y1999_DEC + 5, sec);
}

TEST_F(ns, wakeup_alarms_fire)
{
	struct container *c = &self->ct[0];
	char path[64];
	struct valarm_wake_grant g = { .allow = 1 };
	unsigned int types[] = { ANDROID_ALARM_RTC_WAKEUP,
				 ANDROID_ALARM_ELAPSED_REALTIME_WAKEUP };
	struct timespec ts;
	int s, i, pass;

	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 0, false, -1));
	s = ct_set_clock(c, Y1999_DEC);
	ASSERT_LE(0, s);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", c->pid);
	g.userns_fd = open(path, O_RDONLY);
	ASSERT_LE(0, g.userns_fd);

	/* Without, then with wake permission */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < 2; i++) {
			ts = ns_ts(ct_time(c, s, types[i]) + 300 * MSEC);
			ASSERT_EQ(0, ct_ioctl(c, s, ANDROID_ALARM_SET(types[i]),
					      &ts));
			EXPECT_EQ(TYPE_MASK(types[i]),
				  ct_ioctl(c, s, ANDROID_ALARM_WAIT, NULL));
		}
		EXPECT_EQ(pass, ioctl(self->dev, VALARM_WAKE_GRANT, &g));
	}
	close(g.userns_fd);
}

TEST_F(ns, wake_grant)
{
	struct valarm_wake_grant g = { .allow = 1 };
	char path[64];
	int ro, pid, status;

	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 0, false, -1));
	snprintf(path, sizeof(path), "/proc/%d/ns/user", self->ct[0].pid);
	g.userns_fd = open(path, O_RDONLY);
	ASSERT_LE(0, g.userns_fd);

	EXPECT_EQ(0, ioctl(self->dev, VALARM_WAKE_GRANT, &g));
	EXPECT_EQ(1, ioctl(self->dev, VALARM_WAKE_GRANT, &g));
	g.allow = 0;
	EXPECT_EQ(1, ioctl(self->dev, VALARM_WAKE_GRANT, &g));
	EXPECT_EQ(0, ioctl(self->dev, VALARM_WAKE_GRANT, &g));

	g.allow = 2;
	EXPECT_EQ(-1, ioctl(self->dev, VALARM_WAKE_GRANT, &g));
	EXPECT_EQ(EINVAL, errno);
	g.allow = 1;
	EXPECT_EQ(-1, ioctl(self->dev, VALARM_WAKE_GRANT, NULL));
	EXPECT_EQ(EFAULT, errno);

	ro = valarm_open(O_RDONLY);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-1, ioctl(ro, VALARM_WAKE_GRANT, &g));
	EXPECT_EQ(EPERM, errno);
	close(ro);

	close(g.userns_fd);
	EXPECT_EQ(-1, ioctl(self->dev, VALARM_WAKE_GRANT, &g));
	EXPECT_EQ(EBADF, errno);
	g.userns_fd = open("/dev/null", O_RDONLY);
	EXPECT_EQ(-1, ioctl(self->dev, VALARM_WAKE_GRANT, &g));
	EXPECT_EQ(EINVAL, errno);
	close(g.userns_fd);
	g.userns_fd = open("/proc/self/ns/uts", O_RDONLY);
	EXPECT_EQ(-1, ioctl(self->dev, VALARM_WAKE_GRANT, &g));
	EXPECT_EQ(EINVAL, errno);
	close(g.userns_fd);

	/* Without CAP_WAKE_ALARM in the initial user namespace */
	snprintf(path, sizeof(path), "/proc/%d/ns/user", self->ct[0].pid);
	g.userns_fd = open(path, O_RDONLY);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setresuid(65534, 65534, 65534))
			_exit(2);
		if (ioctl(self->dev, VALARM_WAKE_GRANT, &g) != -1)
			_exit(3);
		_exit(errno == EPERM ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(g.userns_fd);
}

/* ELAPSED_REALTIME and SYSTEMTIME in a time namespace */
TEST_F(ns, time_namespace)
{
	int pid, status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct timespec ts, boot;
		int fd, child;

		if (unshare(CLONE_NEWTIME))
			_exit(errno == EINVAL ? 10 : 1);
		if (write_file("/proc/self/timens_offsets",
			       "boottime 864000 0\nmonotonic 86400 0\n"))
			_exit(2);
		child = fork();
		if (child) {
			waitpid(child, &status, 0);
			_exit(WEXITSTATUS(status));
		}
		fd = valarm_open(O_RDWR);
		if (fd < 0)
			_exit(3);
		if (ioctl(fd, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_ELAPSED_REALTIME),
			  &ts))
			_exit(4);
		clock_gettime(CLOCK_BOOTTIME, &boot);
		if (llabs(ts_ns(&boot) - ts_ns(&ts)) > NSEC)
			_exit(5);
		if (ioctl(fd, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_SYSTEMTIME),
			  &ts))
			_exit(6);
		if (llabs(clock_ns(CLOCK_MONOTONIC) - ts_ns(&ts)) > NSEC)
			_exit(7);
		/* An alarm 300 ms ahead in the namespace's boot time */
		ts = ns_ts(clock_ns(CLOCK_BOOTTIME) + 300 * MSEC);
		boot = ns_ts(clock_ns(CLOCK_MONOTONIC));
		if (ioctl(fd, ANDROID_ALARM_SET_AND_WAIT(ANDROID_ALARM_ELAPSED_REALTIME),
			  &ts) != ANDROID_ALARM_ELAPSED_REALTIME_MASK)
			_exit(8);
		if (clock_ns(CLOCK_MONOTONIC) - ts_ns(&boot) > 3 * NSEC)
			_exit(9);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	if (WEXITSTATUS(status) == 10)
		SKIP(return, "time namespaces not available (CONFIG_TIME_NS)");
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* SET_RTC and TIME_CHANGE: once per change, to the owner of the alarms */

/* Whether the next WAIT on @fd reports exactly a SYSTEMTIME sentinel. */
static long sentinel_wait(int fd)
{
	struct timespec ts = ns_ts(clock_ns(CLOCK_MONOTONIC) + 300 * MSEC);

	if (ioctl(fd, ANDROID_ALARM_SET(ANDROID_ALARM_SYSTEMTIME), &ts))
		return -1;
	return ioctl(fd, ANDROID_ALARM_WAIT);
}

/* A host SET_RTC reports TIME_CHANGE to the host's owner once. */
TEST_F(dev, time_change_once)
{
	struct timespec ts;
	int fd2;

	ASSERT_EQ(0, ioctl(self->rw, ANDROID_ALARM_CLEAR(ANDROID_ALARM_SYSTEMTIME)));
	/* As setCurrentTimeMillis() did: another file, open for writing */
	fd2 = valarm_open(O_RDWR);
	ASSERT_LE(0, fd2);
	clock_gettime(CLOCK_REALTIME, &ts);
	ASSERT_EQ(0, ioctl(fd2, ANDROID_ALARM_SET_RTC, &ts));
	close(fd2);
	EXPECT_EQ(TIME_CHANGE, ioctl(self->rw, ANDROID_ALARM_WAIT));
	usleep(200000);
	EXPECT_EQ(ANDROID_ALARM_SYSTEMTIME_MASK, sentinel_wait(self->rw));
}

/*
 * Only a step of the host's clock is a TIME_CHANGE: a new TAI offset
 * (adjtimex() ADJ_TAI, as chronyd and ntpd set it) moves CLOCK_TAI alone,
 * which no alarm waits for.
 */
TEST_F(dev, tai_offset_is_no_time_change)
{
	struct timex tx = {};
	struct timespec ts;
	int tai;

	ASSERT_EQ(0, ioctl(self->rw, ANDROID_ALARM_CLEAR(ANDROID_ALARM_SYSTEMTIME)));
	ASSERT_LE(0, adjtimex(&tx));
	tai = tx.tai;
	tx.modes = ADJ_TAI;
	tx.constant = tai + 37;
	ASSERT_LE(0, adjtimex(&tx));
	usleep(200000);
	EXPECT_EQ(ANDROID_ALARM_SYSTEMTIME_MASK, sentinel_wait(self->rw));
	tx.modes = ADJ_TAI;
	tx.constant = tai;
	ASSERT_LE(0, adjtimex(&tx));
	usleep(200000);
	EXPECT_EQ(ANDROID_ALARM_SYSTEMTIME_MASK, sentinel_wait(self->rw));
	/* A step, even of microseconds, is one: it comes before the sentinel. */
	clock_gettime(CLOCK_REALTIME, &ts);
	ASSERT_EQ(0, clock_settime(CLOCK_REALTIME, &ts));
	usleep(200000);
	EXPECT_EQ(TIME_CHANGE, sentinel_wait(self->rw));
	ASSERT_EQ(0, ioctl(self->rw, ANDROID_ALARM_CLEAR(ANDROID_ALARM_SYSTEMTIME)));
}

/* A private context's SET_RTC, by a file open for writing, no capability. */
TEST_F(ns, set_rtc_private_by_file)
{
	int64_t host0 = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	struct timespec ts;
	int fd, pid, status;
	long long lag;

	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 0, false, -1));
	fd = ct_fd(&self->ct[0], O_RDWR);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct timespec t = { .tv_sec = future_date };

		/* uid 1001 of the initial user namespace: no capability */
		if (setresuid(1001, 1001, 1001))
			_exit(2);
		_exit(ioctl(fd, ANDROID_ALARM_SET_RTC, &t) ? 3 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, ioctl(fd, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC), &ts));
	EXPECT_LE(future_date * NSEC, ts_ns(&ts));
	EXPECT_GT((future_date + 5) * NSEC, ts_ns(&ts));
	/*
	 * The offset is GET_TIME's time less the host's at that moment; the
	 * host's clock read after it is later by the calls in between, which
	 * may cross a second: compare nanoseconds, not whole seconds.
	 */
	lag = fdinfo_value(fd, "valarm_offset_ns") -
	      (ts_ns(&ts) - clock_ns(CLOCK_REALTIME));
	EXPECT_LE(0, lag);
	EXPECT_GT(NSEC, lag);
	/* The host's clock did not move */
	EXPECT_GT(100 * MSEC, llabs(clock_ns(CLOCK_REALTIME) -
				    clock_ns(CLOCK_MONOTONIC) - host0));
	close(fd);
}

/* A private SET_RTC reports TIME_CHANGE once, to the owner only. */
TEST_F(ns, time_change_once_private)
{
	struct container *c = &self->ct[0];
	struct timespec ts = { .tv_sec = Y1999_DEC };
	int own, other;

	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 0, false, -1));
	/* No owner: nothing is queued */
	other = ct_fd(c, O_RDWR);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, ioctl(other, ANDROID_ALARM_SET_RTC, &ts));
	own = ct_fd(c, O_RDWR);
	ASSERT_LE(0, own);
	EXPECT_EQ(ANDROID_ALARM_SYSTEMTIME_MASK, sentinel_wait(own));

	/* With an owner: once */
	ts.tv_sec = Y2037_JUNE;
	ASSERT_EQ(0, ioctl(other, ANDROID_ALARM_SET_RTC, &ts));
	EXPECT_EQ(TIME_CHANGE, ioctl(own, ANDROID_ALARM_WAIT));
	EXPECT_EQ(ANDROID_ALARM_SYSTEMTIME_MASK, sentinel_wait(own));
	close(own);
	close(other);
}

/* Wake policy */

/* Flips @dev's grant for @userns_fd until killed. */
static void grant_flipper(int dev, int userns_fd)
{
	struct valarm_wake_grant g = { .userns_fd = userns_fd };

	for (;;) {
		g.allow = !g.allow;
		if (ioctl(dev, VALARM_WAKE_GRANT, &g) < 0)
			_exit(1);
	}
}

/*
 * Grant and revoke race with SETs of wakeup alarms; once revoked, no
 * wakeup alarm of the context is left armed to wake the system.
 */
TEST_F_TIMEOUT(ns, wake_grant_race, 120)
{
	unsigned int wakeup = TYPE_MASK(ANDROID_ALARM_RTC_WAKEUP) |
			      TYPE_MASK(ANDROID_ALARM_ELAPSED_REALTIME_WAKEUP);
	struct valarm_wake_grant g = { .allow = 0 };
	int64_t t0 = clock_ns(CLOCK_MONOTONIC);
	int fd, round, status;
	long sets = 0;
	char path[64];
	pid_t pid;

	ASSERT_EQ(0, ct_begin(self->ct, self->dev, 0, false, -1));
	fd = ct_fd(&self->ct[0], O_RDWR);
	ASSERT_LE(0, fd);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", self->ct[0].pid);
	g.userns_fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, g.userns_fd);

	for (round = 0; round < 5; round++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			grant_flipper(self->dev, g.userns_fd);
		while (clock_ns(CLOCK_MONOTONIC) - t0 < (round + 1) * 600 * MSEC) {
			struct timespec ts;

			ts = ns_ts(clock_ns(CLOCK_REALTIME) + 3600 * NSEC);
			ASSERT_EQ(0, ioctl(fd, ANDROID_ALARM_SET(ANDROID_ALARM_RTC_WAKEUP),
					   &ts));
			ts = ns_ts(clock_ns(CLOCK_BOOTTIME) + 3600 * NSEC);
			ASSERT_EQ(0, ioctl(fd,
					   ANDROID_ALARM_SET(ANDROID_ALARM_ELAPSED_REALTIME_WAKEUP),
					   &ts));
			sets += 2;
		}
		/* The flipper dies wherever it is, a grant or a revoke */
		kill(pid, SIGKILL);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFSIGNALED(status))
			TH_LOG("flipper: exit %d", WEXITSTATUS(status));
		/* Revoked last: nothing may wake */
		ASSERT_LE(0, ioctl(self->dev, VALARM_WAKE_GRANT, &g));
		EXPECT_EQ(wakeup, fdinfo_value(fd, "valarm_enabled") & wakeup);
		EXPECT_EQ(0, fdinfo_value(fd, "valarm_waking"));
		EXPECT_EQ(0, fdinfo_value(fd, "valarm_wake_granted"));
	}
	/* And a grant moves them back to alarmtimer */
	g.allow = 1;
	EXPECT_EQ(0, ioctl(self->dev, VALARM_WAKE_GRANT, &g));
	EXPECT_EQ(wakeup, fdinfo_value(fd, "valarm_waking"));
	g.allow = 0;
	EXPECT_EQ(1, ioctl(self->dev, VALARM_WAKE_GRANT, &g));
	EXPECT_EQ(0, fdinfo_value(fd, "valarm_waking"));
	TH_LOG("%ld SETs against a grant flipper, 5 rounds", sets);
	close(g.userns_fd);
	close(fd);
}

static int count_wakeup_sources(void)
{
	struct dirent *d;
	DIR *dir = opendir("/sys/class/wakeup");
	int n = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n;
}

#define MANY_CONTEXTS	1000

/*
 * Private contexts have no wakeup source until they are granted wake
 * permission: an unprivileged user cannot fill /sys/class/wakeup.
 */
TEST_F_TIMEOUT(ns, no_wakeup_source_per_context, 300)
{
	struct rlimit rl = { MANY_CONTEXTS + 64, MANY_CONTEXTS + 64 };
	struct valarm_wake_grant g = { .allow = 1 };
	static int ns[MANY_CONTEXTS];
	int before, i;

	before = count_wakeup_sources();
	if (before < 0)
		SKIP(return, "no /sys/class/wakeup (CONFIG_PM_SLEEP)");
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	for (i = 0; i < MANY_CONTEXTS; i++) {
		int p[2], status;
		char path[64], c;
		pid_t pid;

		ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			close(p[1]);
			if (unshare(CLONE_NEWUSER))
				_exit(1);
			if (read(p[0], &c, 1) < 0)
				_exit(2);
			_exit(0);
		}
		close(p[0]);
		/* The child unshares before it blocks: wait for its namespace */
		snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
		for (;;) {
			struct stat a, b;

			ns[i] = open(path, O_RDONLY | O_CLOEXEC);
			ASSERT_LE(0, ns[i]);
			if (!fstat(ns[i], &a) && !stat("/proc/self/ns/user", &b) &&
			    a.st_ino != b.st_ino)
				break;
			close(ns[i]);
			usleep(1000);
		}
		close(p[1]);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_EQ(0, status);
		ASSERT_EQ(0, sys_setdevns(self->dev, ns[i], CLONE_NEWUSER,
					  SETDEVNS_UNSHARE)) TH_LOG("%d: %m", i);
	}
	EXPECT_EQ(before, count_wakeup_sources());

	/* A grant registers one, a revoke removes it */
	g.userns_fd = ns[0];
	EXPECT_EQ(0, ioctl(self->dev, VALARM_WAKE_GRANT, &g));
	EXPECT_EQ(before + 1, count_wakeup_sources());
	g.allow = 0;
	EXPECT_EQ(1, ioctl(self->dev, VALARM_WAKE_GRANT, &g));
	EXPECT_EQ(before, count_wakeup_sources());

	for (i = 0; i < MANY_CONTEXTS; i++)
		close(ns[i]);
}

TEST_HARNESS_MAIN
