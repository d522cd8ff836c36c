// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading vinput: refused while a file is open; with a container's
 * private seat alive and a file left open on a device that is gone, the
 * module goes once the file is closed, and comes back with fresh seats.
 */
#define _GNU_SOURCE
#include "vinput_util.h"
#include "../kselftest_harness.h"

/* The module's reference count, -1 if it is not loaded. */
static int vinput_refcnt(void)
{
	FILE *f = fopen("/sys/module/vinput/refcnt", "r");
	int n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

FIXTURE(module) {
	struct udev kbd;
	struct ct ct;
};

FIXTURE_SETUP(module)
{
	self->kbd.ufd = -1;
	ct_init(&self->ct);
	if (!vinput_load())
		SKIP(return, "vinput is not available");
	if (!module_loaded("vinput"))
		SKIP(return, "vinput is built in");
	if (access("/dev/uinput", F_OK))
		SKIP(return, "no /dev/uinput");
}

FIXTURE_TEARDOWN(module)
{
	ct_stop(&self->ct);
	udestroy(&self->kbd);
	if (system("modprobe vinput >/dev/null 2>&1"))
		TH_LOG("could not reload vinput");
}

TEST_F_TIMEOUT(module, unload_with_files_open, 120)
{
	struct input_event ev;
	struct udev gone;
	int host, fa, i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, ukeyboard(&self->kbd));
		ASSERT_EQ(0, ukeyboard(&gone));
		host = open(self->kbd.vinput, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, host);
		ASSERT_EQ(0, ct_start(&self->ct));
		ASSERT_EQ(0, sys_setdevns(host, self->ct.nsfd, CLONE_NEWPID,
					  SETDEVNS_UNSHARE));
		fa = ct_open(&self->ct, self->kbd.vinput, O_RDWR | O_NONBLOCK);
		ASSERT_LE(0, fa);
		ASSERT_EQ(0, ioctl(fa, VINPUT_SET_FOREGROUND));
		close(host);

		/* An open file keeps the module: it holds a reference */
		EXPECT_LT(0, vinput_refcnt());
		EXPECT_NE(0, system("modprobe -r vinput 2>/dev/null"));
		EXPECT_TRUE(vinput_loaded());
		EXPECT_LT(0, vinput_refcnt());
		close(fa);

		/* A file of a device that is gone, then the module */
		host = open(gone.vinput, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, host);
		udestroy(&gone);
		EXPECT_EQ(-1, read(host, &ev, sizeof(ev)));
		EXPECT_EQ(ENODEV, errno);
		EXPECT_LT(0, vinput_refcnt());
		EXPECT_NE(0, system("modprobe -r vinput 2>/dev/null"));
		EXPECT_TRUE(vinput_loaded());
		EXPECT_LT(0, vinput_refcnt());
		close(host);

		/* The private seat is alive in the container's namespace */
		EXPECT_EQ(0, vinput_refcnt());
		ASSERT_EQ(0, system("modprobe -r vinput"));
		EXPECT_NE(0, access("/sys/module/vinput", F_OK));
		ASSERT_EQ(0, system("modprobe vinput"));

		/* The node is back; the container uses the host's seat */
		ASSERT_EQ(0, unode(&self->kbd, "vinput", self->kbd.vinput,
				   sizeof(self->kbd.vinput)));
		host = open(self->kbd.vinput, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, host);
		fa = ct_open(&self->ct, self->kbd.vinput, O_RDWR | O_NONBLOCK);
		ASSERT_LE(0, fa);
		EXPECT_EQ(fd_ctx(host), fd_ctx(fa));
		EXPECT_EQ(1, is_fg(fa));
		close(fa);
		close(host);
		ct_stop(&self->ct);
		udestroy(&self->kbd);
	}
}

TEST_HARNESS_MAIN
