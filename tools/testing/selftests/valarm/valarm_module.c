// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading and reloading the valarm module while a user namespace holds
 * a private context and no file of the device is open.
 */
#define _GNU_SOURCE
#include "valarm_util.h"
#include "../kselftest_harness.h"

#define NSEC		1000000000LL
#define Y1999_DEC	946684740LL

FIXTURE(module) {
	struct container ct;
};

FIXTURE_SETUP(module)
{
	int fd;

	memset(&self->ct, 0, sizeof(self->ct));
	if (!module_loaded("valarm") && !access(VALARM_DEV, F_OK))
		SKIP(return, "valarm is built in");
	fd = valarm_open(O_RDONLY);
	if (fd < 0)
		SKIP(return, "no valarm module to load");
	close(fd);
	if (!module_loaded("valarm"))
		SKIP(return, "valarm is built in");
}

FIXTURE_TEARDOWN(module)
{
	ct_stop(&self->ct);
	if (system("modprobe valarm >/dev/null 2>&1"))
		TH_LOG("could not reload valarm");
}

TEST_F_TIMEOUT(module, unload_with_private_context, 90)
{
	struct container *c = &self->ct;
	struct timespec ts = { .tv_sec = Y1999_DEC };
	struct ct_msg m = { .op = REQ_CLOSE };
	int dev, s, i, r;

	dev = valarm_open(O_RDWR);
	ASSERT_LE(0, dev);
	r = ct_start(c, dev, NULL);
	if (r && !have_setdevns())
		SKIP(return, "setdevns() not implemented");
	ASSERT_EQ(0, r);

	/* An open file keeps the module: rmmod fails */
	EXPECT_NE(0, system("modprobe -r valarm 2>/dev/null"));
	close(dev);

	for (i = 0; i < 3; i++) {
		/* The private context gets an alarm and a clock, then no file */
		s = ct_open(c, O_RDWR);
		ASSERT_LE(0, s);
		ASSERT_EQ(0, ct_ioctl(c, s, ANDROID_ALARM_SET_RTC, &ts));
		ts.tv_sec = Y1999_DEC + 3600;
		ASSERT_EQ(0, ct_ioctl(c, s, ANDROID_ALARM_SET(ANDROID_ALARM_RTC),
				      &ts));
		ts.tv_sec = Y1999_DEC;
		ASSERT_EQ(0, ct_ioctl(c, s, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC),
				      &ts));
		EXPECT_GT(Y1999_DEC + 5, ts.tv_sec);
		m.slot = s;
		ASSERT_EQ(0, ct_call(c, &m));

		ASSERT_EQ(0, system("modprobe -r valarm"));
		EXPECT_FALSE(module_loaded("valarm"));
		ASSERT_EQ(0, system("modprobe valarm"));

		/* After the reload the namespace shares the new host context */
		s = ct_open(c, O_RDONLY);
		ASSERT_LE(0, s);
		ASSERT_EQ(0, ct_ioctl(c, s, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC),
				      &ts));
		EXPECT_GT(NSEC, llabs(ts_ns(&ts) - clock_ns(CLOCK_REALTIME)));
		m.slot = s;
		ASSERT_EQ(0, ct_call(c, &m));

		/* Private again for the next round */
		dev = valarm_open(O_RDWR);
		ASSERT_LE(0, dev);
		ct_stop(c);
		ASSERT_EQ(0, ct_start(c, dev, NULL));
		close(dev);
		ts.tv_sec = Y1999_DEC;
	}
}

/* A "user<TAB>M:m<TAB>1<TAB>shared<TAB>@name" line in /proc/perns/devices. */
static bool perns_lists(const char *name)
{
	char line[256], type[32], mode[32], dev[64];
	unsigned int maj, min, count;
	bool found = false;
	FILE *f = fopen("/proc/perns/devices", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %u:%u %u %31s %63s", type, &maj, &min,
			   &count, mode, dev) == 6 && !strcmp(dev, name) &&
		    !strcmp(type, "user"))
			found = true;
	fclose(f);
	return found;
}

/*
 * devname=alarm registers the device as "alarm": /dev/alarm, the path
 * and the name Android's code and ueventd.rc use.
 */
TEST_F_TIMEOUT(module, devname_alarm, 90)
{
	struct timespec ts;
	int fd, pid, status;

	ASSERT_EQ(0, system("modprobe -r valarm"));
	EXPECT_NE(0, system("modprobe valarm devname=rtc0 2>/dev/null"));
	EXPECT_FALSE(module_loaded("valarm"));

	ASSERT_EQ(0, system("modprobe valarm devname=alarm"));
	EXPECT_NE(0, access(VALARM_DEV, F_OK));
	fd = open("/dev/alarm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("/dev/alarm: %m");
	EXPECT_EQ(0, ioctl(fd, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC), &ts));
	EXPECT_GT(NSEC, llabs(ts_ns(&ts) - clock_ns(CLOCK_REALTIME)));
	EXPECT_TRUE(perns_lists("alarm"));
	EXPECT_FALSE(perns_lists("valarm"));

	/*
	 * As Android's /dev/alarm, SET_RTC goes by the file, as with
	 * alarm-dev: uid radio (1001), no capability, sets the host's time.
	 */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setresuid(1001, 1001, 1001) ||
		    ioctl(fd, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC), &ts))
			_exit(2);
		_exit(ioctl(fd, ANDROID_ALARM_SET_RTC, &ts) ? 3 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(fd);

	ASSERT_EQ(0, system("modprobe -r valarm"));
	ASSERT_EQ(0, system("modprobe valarm"));
	EXPECT_EQ(0, access(VALARM_DEV, F_OK));
	EXPECT_NE(0, access("/dev/alarm", F_OK));
	EXPECT_TRUE(perns_lists("valarm"));
}

TEST_HARNESS_MAIN
