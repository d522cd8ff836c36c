// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of tools/perns: setdevns, lsdevns and perns-oci-hook, run as
 * programs (installed beside this test) on "kids": processes in new
 * namespaces. Every case asserts the exit status and the exact output or
 * message; an error's message carries the errno's strerror().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <linux/android_alarm.h>

#include "../kselftest_harness.h"
#include "../../../perns/perns.h"

#define VALARM		"/dev/valarm"
#define NOPID		"4194304"	/* above PID_MAX_LIMIT: never a process */
#define NOBODY		65534
#define Y2038		2145916800LL	/* 2038-01-01T00:00:00Z */

static char tooldir[4096];
static char *argv0;	/* main()'s argv[0], rewritten by lsdevns_escape */

struct out {
	int status;	/* exit status, or 128 + signal */
	char out[65536];
	char err[4096];
};

static void read_memfd(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	buf[n > 0 ? n : 0] = 0;
	close(fd);
}

/*
 * Runs the tool @argv[0] with @argv (argv[0] as given, so that messages
 * name it), as @uid if not 0, with @in on stdin and @fd as descriptor 3
 * if >= 0. Returns 0, or -1 if it could not be run.
 */
static int run(struct out *o, uid_t uid, const char *in, int fd,
	       const char *const argv[])
{
	int ofd = memfd_create("out", 0), efd = memfd_create("err", 0);
	int ifd = memfd_create("in", 0), status;
	char path[4200];
	pid_t pid;

	if (ofd < 0 || efd < 0 || ifd < 0)
		return -1;
	if (in && write(ifd, in, strlen(in)) != (ssize_t)strlen(in))
		return -1;
	lseek(ifd, 0, SEEK_SET);
	snprintf(path, sizeof(path), "%s/%s", tooldir, argv[0]);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(ifd, 0);
		dup2(ofd, 1);
		dup2(efd, 2);
		if (fd >= 0) {
			if (fd == 3)
				fcntl(3, F_SETFD, 0);
			else
				dup2(fd, 3);
		}
		if (uid && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
			    setresuid(uid, uid, uid)))
			_exit(126);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(ifd);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	o->status = WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status);
	read_memfd(ofd, o->out, sizeof(o->out));
	read_memfd(efd, o->err, sizeof(o->err));
	return 0;
}

#define RUN(o, uid, in, fd, ...) do {					\
		const char *const __argv[] = { __VA_ARGS__, NULL };	\
		ASSERT_EQ(0, run(o, uid, in, fd, __argv));		\
	} while (0)

/* Asserts exit status @st, stdout @sout (if not NULL) and stderr @serr. */
#define EXPECT_RUN(o, st, sout, serr) do {				\
		const struct out *__o = (o);				\
		EXPECT_EQ(st, __o->status) TH_LOG("stderr: %s", __o->err); \
		EXPECT_STREQ((const char *)(sout), __o->out);		\
		EXPECT_STREQ((const char *)(serr), __o->err);		\
	} while (0)

/* ---- kids: processes in new namespaces, until kid_stop() ---- */

struct kid {
	pid_t pid;	/* the process in the namespaces */
	pid_t top;	/* its parent, when pid or time namespaces need one */
	int wfd;	/* closing it ends the kid */
};

/*
 * Starts a process, as @uid if not 0, in new namespaces of @flags. For
 * pid and time namespaces, which only children enter, it is a child of
 * the process that unshared. Returns 0 or -1.
 */
static int kid_start(struct kid *k, int flags, uid_t uid)
{
	int go[2], rep[2];
	pid_t pid;

	k->pid = -1;
	k->top = -1;
	k->wfd = -1;
	if (pipe2(go, O_CLOEXEC) || pipe2(rep, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		char c;

		close(go[1]);
		close(rep[0]);
		if (uid && (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
			_exit(1);
		/* a uid change made us undumpable: let @uid open our ns files */
		prctl(PR_SET_DUMPABLE, 1);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (flags && unshare(flags))
			_exit(2);
		if (flags & (CLONE_NEWPID | 0x80)) {
			pid = fork();
			if (pid < 0)
				_exit(3);
			if (!pid) {
				if (read(go[0], &c, 1) < 0)
					_exit(4);
				_exit(0);
			}
		} else {
			pid = getpid();
		}
		/* our pid, as the parent sees it: the same PID namespace */
		if (write(rep[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(5);
		if (read(go[0], &c, 1) < 0)
			_exit(6);
		_exit(0);
	}
	close(go[0]);
	close(rep[1]);
	k->top = pid;
	k->wfd = go[1];
	if (read(rep[0], &k->pid, sizeof(k->pid)) != sizeof(k->pid)) {
		close(rep[0]);
		return -1;
	}
	close(rep[0]);
	return 0;
}

static void kid_stop(struct kid *k)
{
	if (k->wfd >= 0)
		close(k->wfd);
	if (k->top > 0)
		waitpid(k->top, NULL, 0);
	k->wfd = -1;
	k->top = -1;
}

static unsigned long long ns_ino(pid_t pid, const char *type)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, type);
	return stat(path, &st) ? 0 : st.st_ino;
}

/* NS_GET_DEVCTX of @pid's @type namespace for the device @dev; 0 or -1. */
static int devctx(pid_t pid, const char *type, const char *dev,
		  struct ns_devctx *info)
{
	char path[64];
	struct stat st;
	int fd, ret;

	if (stat(dev, &st))
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, type);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = perns_get_devctx(fd, major(st.st_rdev), minor(st.st_rdev), info);
	close(fd);
	return ret;
}

/*
 * GET_TIME(RTC) of /dev/valarm opened in @pid's user namespace, or in
 * ours if @pid is 0.
 */
static int valarm_time(pid_t pid, struct timespec *ts)
{
	int fd, step, ret;

	if (pid)
		fd = perns_open_in_ns(pid, perns_type_by_name("user"), VALARM,
				      O_RDONLY, 0, &step);
	else
		fd = open(VALARM, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = ioctl(fd, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC), ts);
	close(fd);
	return ret;
}

static const char *need_devices(void)
{
	static int loaded;

	if (!loaded++) {
		if (access(VALARM, F_OK))
			system("modprobe valarm >/dev/null 2>&1");
		if (access("/dev/test_perns_uts", F_OK))
			system("modprobe test_perns >/dev/null 2>&1");
	}
	if (access(PERNS_DEVICES, R_OK))
		return "no " PERNS_DEVICES " (CONFIG_PERNS)";
	if (access(VALARM, F_OK))
		return "no " VALARM " (CONFIG_VALARM)";
	if (access("/dev/test_perns_uts", F_OK))
		return "no /dev/test_perns_* (CONFIG_TEST_PERNS)";
	if (geteuid())
		return "needs root";
	return NULL;
}

FIXTURE(kid) {
	struct kid k;
	char pid[16];
	char nsuser[64];
	struct ns_devctx base;	/* the initial user namespace's valarm context */
};

FIXTURE_SETUP(kid)
{
	const char *why = need_devices();

	self->k.wfd = -1;
	self->k.top = -1;
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, kid_start(&self->k, CLONE_NEWUSER | CLONE_NEWUTS, 0));
	snprintf(self->pid, sizeof(self->pid), "%d", self->k.pid);
	snprintf(self->nsuser, sizeof(self->nsuser), "/proc/%d/ns/user",
		 self->k.pid);
	ASSERT_EQ(0, devctx(1, "user", VALARM, &self->base));
}

FIXTURE_TEARDOWN(kid)
{
	kid_stop(&self->k);
}

#define EXPECT_CTX(pid, type, dev, private, ctx) do {			\
		struct ns_devctx __i;					\
		ASSERT_EQ(0, devctx(pid, type, dev, &__i));		\
		EXPECT_EQ(private, !!(__i.flags & NS_DEVCTX_PRIVATE));	\
		unsigned long long __c = (ctx);				\
		if (__c)						\
			EXPECT_EQ(__c, __i.ctx_id);			\
	} while (0)

/* ================= setdevns ================= */

TEST(setdevns_help)
{
	struct out o;

	RUN(&o, 0, NULL, -1, "setdevns", "--help");
	EXPECT_EQ(0, o.status);
	EXPECT_EQ(0, strncmp(o.out,
			     "Usage:\n setdevns --share|--unshare|--migrate [options] DEVICE\n",
			     62));
	EXPECT_STREQ("", o.err);
	RUN(&o, 0, NULL, -1, "setdevns", "-h");
	EXPECT_EQ(0, o.status);
	EXPECT_EQ(0, strncmp(o.out, "Usage:\n", 7));
}

TEST(setdevns_version)
{
	struct out o;

	RUN(&o, 0, NULL, -1, "setdevns", "--version");
	EXPECT_RUN(&o, 0, "setdevns from perns-tools " PERNS_TOOLS_VERSION "\n", "");
	RUN(&o, 0, NULL, -1, "setdevns", "-V");
	EXPECT_RUN(&o, 0, "setdevns from perns-tools " PERNS_TOOLS_VERSION "\n", "");
}

#define TRY "Try 'setdevns --help' for more information.\n"

TEST(setdevns_usage_errors)
{
	struct out o;

	RUN(&o, 0, NULL, -1, "setdevns", "--target", "1", "/dev/valarm");
	EXPECT_RUN(&o, 1, "", "setdevns: no mode given: use --share, --unshare or --migrate\n" TRY);
	RUN(&o, 0, NULL, -1, "setdevns", "--share", "--unshare", "-t", "1", "/dev/valarm");
	EXPECT_RUN(&o, 1, "",
		   "setdevns: --share, --unshare and --migrate are mutually exclusive\n" TRY);
	RUN(&o, 0, NULL, -1, "setdevns", "--share", "/dev/valarm");
	EXPECT_RUN(&o, 1, "", "setdevns: no namespace given: use --target or --ns\n" TRY);
	RUN(&o, 0, NULL, -1, "setdevns", "--share", "-t", "1", "--ns", "/proc/1/ns/user",
	    "/dev/valarm");
	EXPECT_RUN(&o, 1, "", "setdevns: --target and --ns are mutually exclusive\n" TRY);
	RUN(&o, 0, NULL, -1, "setdevns", "--share", "-t", "1");
	EXPECT_RUN(&o, 1, "", "setdevns: give either DEVICE or --fd\n" TRY);
	RUN(&o, 0, NULL, -1, "setdevns", "--share", "-t", "1", "--fd", "0", "/dev/valarm");
	EXPECT_RUN(&o, 1, "", "setdevns: give either DEVICE or --fd\n" TRY);
	RUN(&o, 0, NULL, -1, "setdevns", "--share", "-t", "1", "--source", "1", "--fd", "0");
	EXPECT_RUN(&o, 1, "", "setdevns: --source needs DEVICE, not --fd\n" TRY);
	RUN(&o, 0, NULL, -1, "setdevns", "--share", "-t", "abc", "/dev/valarm");
	EXPECT_RUN(&o, 1, "", "setdevns: invalid target PID: 'abc'\n" TRY);
	RUN(&o, 0, NULL, -1, "setdevns", "--share", "-t", "1", "--source", "0", "/dev/valarm");
	EXPECT_RUN(&o, 1, "", "setdevns: invalid source PID: '0'\n" TRY);
	RUN(&o, 0, NULL, -1, "setdevns", "--share", "-t", "1", "--fd", "x");
	EXPECT_RUN(&o, 1, "", "setdevns: invalid file descriptor: 'x'\n" TRY);
	RUN(&o, 0, NULL, -1, "setdevns", "--share", "-U", "-u", "-t", "1", "/dev/valarm");
	EXPECT_RUN(&o, 1, "", "setdevns: only one namespace type may be given\n" TRY);
	RUN(&o, 0, NULL, -1, "setdevns", "--share", "-t", "1", "/dev/valarm", "extra");
	EXPECT_RUN(&o, 1, "", "setdevns: unexpected argument: 'extra'\n" TRY);
	RUN(&o, 0, NULL, -1, "setdevns", "--bogus");
	EXPECT_RUN(&o, 1, "", "setdevns: unrecognized option '--bogus'\n" TRY);
}

TEST_F(kid, setdevns_unshare_target)
{
	struct ns_devctx i;
	struct out o;

	EXPECT_CTX(self->k.pid, "user", VALARM, 0, self->base.ctx_id);
	RUN(&o, 0, NULL, -1, "setdevns", "--unshare", "--target", self->pid, VALARM);
	EXPECT_RUN(&o, 0, "", "");
	ASSERT_EQ(0, devctx(self->k.pid, "user", VALARM, &i));
	EXPECT_EQ(NS_DEVCTX_PRIVATE, i.flags);
	EXPECT_NE(self->base.ctx_id, i.ctx_id);
	EXPECT_EQ(ns_ino(self->k.pid, "user"), i.owner_ino);
}

TEST_F(kid, setdevns_share_ns_file)
{
	struct out o;

	RUN(&o, 0, NULL, -1, "setdevns", "--unshare", "-t", self->pid, "--user", VALARM);
	EXPECT_RUN(&o, 0, "", "");
	EXPECT_CTX(self->k.pid, "user", VALARM, 1, 0);
	RUN(&o, 0, NULL, -1, "setdevns", "--share", "--ns", self->nsuser, VALARM);
	EXPECT_RUN(&o, 0, "", "");
	EXPECT_CTX(self->k.pid, "user", VALARM, 0, self->base.ctx_id);
	/* --ns with a type: -N and -U */
	RUN(&o, 0, NULL, -1, "setdevns", "--unshare", "-N", self->nsuser, "-U", VALARM);
	EXPECT_RUN(&o, 0, "", "");
	EXPECT_CTX(self->k.pid, "user", VALARM, 1, 0);
}

TEST_F(kid, setdevns_fd)
{
	int fd = open(VALARM, O_RDWR | O_CLOEXEC);
	struct out o;

	ASSERT_LE(0, fd);
	RUN(&o, 0, NULL, fd, "setdevns", "--unshare", "-t", self->pid, "--fd", "3");
	EXPECT_RUN(&o, 0, "", "");
	EXPECT_CTX(self->k.pid, "user", VALARM, 1, 0);
	RUN(&o, 0, NULL, fd, "setdevns", "--share", "-t", self->pid, "-f", "3");
	EXPECT_RUN(&o, 0, "", "");
	EXPECT_CTX(self->k.pid, "user", VALARM, 0, self->base.ctx_id);
	close(fd);
}

/* --migrate --source: a kid's private context moves to another kid. */
TEST_F(kid, setdevns_migrate_source)
{
	struct ns_devctx a;
	struct kid b;
	char bpid[16];
	struct out o;

	ASSERT_EQ(0, kid_start(&b, CLONE_NEWUSER, 0));
	snprintf(bpid, sizeof(bpid), "%d", b.pid);
	RUN(&o, 0, NULL, -1, "setdevns", "--unshare", "-t", self->pid, VALARM);
	EXPECT_RUN(&o, 0, "", "");
	ASSERT_EQ(0, devctx(self->k.pid, "user", VALARM, &a));
	RUN(&o, 0, NULL, -1, "setdevns", "--migrate", "--source", self->pid,
	    "--target", bpid, VALARM);
	EXPECT_RUN(&o, 0, "", "");
	EXPECT_CTX(b.pid, "user", VALARM, 1, a.ctx_id);
	EXPECT_CTX(self->k.pid, "user", VALARM, 0, self->base.ctx_id);
	/* -S: the source namespace does not exist */
	RUN(&o, 0, NULL, -1, "setdevns", "--migrate", "-S", NOPID, "-t", bpid, VALARM);
	EXPECT_RUN(&o, 1, "",
		   "setdevns: cannot open /proc/" NOPID "/ns/user: No such file or directory\n");
	kid_stop(&b);
}

/* One case per namespace type option, on test_perns' device of the type. */
TEST(setdevns_type_options)
{
	static const struct { const char *opt, *name; } t[] = {
		{ "--user", "user" }, { "--uts", "uts" }, { "--ipc", "ipc" },
		{ "--pid", "pid" }, { "--net", "net" }, { "--mnt", "mnt" },
		{ "--cgroup", "cgroup" }, { "--time", "time" },
	};
	const char *why = need_devices();
	char pid[16], dev[64];
	struct kid k;
	struct out o;
	unsigned int i;
	int flags = CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWIPC |
		    CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS |
		    CLONE_NEWCGROUP | 0x80 /* CLONE_NEWTIME */;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, kid_start(&k, flags, 0)) TH_LOG("new namespaces: %m");
	snprintf(pid, sizeof(pid), "%d", k.pid);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		snprintf(dev, sizeof(dev), "/dev/test_perns_%s", t[i].name);
		EXPECT_CTX(k.pid, t[i].name, dev, 0, 0);
		RUN(&o, 0, NULL, -1, "setdevns", "--unshare", t[i].opt, "-t", pid, dev);
		EXPECT_RUN(&o, 0, "", "");
		EXPECT_CTX(k.pid, t[i].name, dev, 1, 0);
		/* the type defaults to the device's */
		RUN(&o, 0, NULL, -1, "setdevns", "--share", "-t", pid, dev);
		EXPECT_RUN(&o, 0, "", "");
		EXPECT_CTX(k.pid, t[i].name, dev, 0, 0);
	}
	kid_stop(&k);
}

TEST_F(kid, setdevns_errors)
{
	char msg[512];
	struct out o;
	int fd;

	/* a bad device path */
	RUN(&o, 0, NULL, -1, "setdevns", "--unshare", "-t", self->pid, "/nonexistent");
	EXPECT_RUN(&o, 1, "", "setdevns: cannot stat /nonexistent: No such file or directory\n");
	/* a device that is not a perns device: ENODEV */
	RUN(&o, 0, NULL, -1, "setdevns", "--unshare", "-t", self->pid, "/dev/null");
	EXPECT_RUN(&o, 1, "",
		   "setdevns: cannot determine the namespace type of /dev/null: No such device\n");
	RUN(&o, 0, NULL, -1, "setdevns", "--unshare", "--user", "-t", self->pid, "/dev/null");
	snprintf(msg, sizeof(msg),
		 "setdevns: cannot unshare the context of /dev/null for %s: No such device\n",
		 self->nsuser);
	EXPECT_RUN(&o, 1, "", msg);
	/* a missing namespace */
	RUN(&o, 0, NULL, -1, "setdevns", "--unshare", "-t", NOPID, VALARM);
	EXPECT_RUN(&o, 1, "",
		   "setdevns: cannot open /proc/" NOPID "/ns/user: No such file or directory\n");
	RUN(&o, 0, NULL, -1, "setdevns", "--unshare", "--ns", "/nonexistent", VALARM);
	EXPECT_RUN(&o, 1, "", "setdevns: cannot open /nonexistent: No such file or directory\n");
	/* the device's type is not the namespace's: EINVAL */
	RUN(&o, 0, NULL, -1, "setdevns", "--unshare", "--ns", self->nsuser, "/dev/test_perns_uts");
	snprintf(msg, sizeof(msg),
		 "setdevns: cannot unshare the context of /dev/test_perns_uts for %s: Invalid argument\n",
		 self->nsuser);
	EXPECT_RUN(&o, 1, "", msg);
	/* an initial namespace: EINVAL */
	RUN(&o, 0, NULL, -1, "setdevns", "--unshare", "-t", "1", VALARM);
	EXPECT_RUN(&o, 1, "",
		   "setdevns: cannot unshare the context of /dev/valarm for /proc/1/ns/user: Invalid argument\n");
	/* migrating the initial namespace's context: EINVAL */
	RUN(&o, 0, NULL, -1, "setdevns", "--migrate", "-t", self->pid, VALARM);
	snprintf(msg, sizeof(msg),
		 "setdevns: cannot migrate the context of /dev/valarm for %s: Invalid argument\n",
		 self->nsuser);
	EXPECT_RUN(&o, 1, "", msg);
	/* a file not open for writing: EBADF */
	fd = open(VALARM, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	RUN(&o, 0, NULL, fd, "setdevns", "--unshare", "-t", self->pid, "--fd", "3");
	snprintf(msg, sizeof(msg),
		 "setdevns: cannot unshare the context of file descriptor 3 for %s: Bad file descriptor\n",
		 self->nsuser);
	EXPECT_RUN(&o, 1, "", msg);
	close(fd);
	RUN(&o, 0, NULL, -1, "setdevns", "--unshare", "-t", self->pid, "--fd", "99");
	EXPECT_RUN(&o, 1, "", "setdevns: cannot stat file descriptor 99: Bad file descriptor\n");
	/* nothing changed */
	EXPECT_CTX(self->k.pid, "user", VALARM, 0, self->base.ctx_id);
}

/* Without permission: EACCES to open the device, EPERM from setdevns(). */
TEST_F(kid, setdevns_no_permission)
{
	char msg[512], pid[16], nsuser[64];
	struct kid nk;
	struct out o;
	int fd;

	ASSERT_EQ(0, kid_start(&nk, CLONE_NEWUSER, NOBODY));
	snprintf(pid, sizeof(pid), "%d", nk.pid);
	snprintf(nsuser, sizeof(nsuser), "/proc/%d/ns/user", nk.pid);
	RUN(&o, NOBODY, NULL, -1, "setdevns", "--unshare", "-t", pid, VALARM);
	EXPECT_RUN(&o, 1, "", "setdevns: cannot open /dev/valarm: Permission denied\n");
	fd = open(VALARM, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	RUN(&o, NOBODY, NULL, fd, "setdevns", "--unshare", "-t", pid, "--fd", "3");
	snprintf(msg, sizeof(msg),
		 "setdevns: cannot unshare the context of file descriptor 3 for %s: Operation not permitted\n",
		 nsuser);
	EXPECT_RUN(&o, 1, "", msg);
	/* another user's namespace cannot even be opened */
	RUN(&o, NOBODY, NULL, fd, "setdevns", "--unshare", "-t", self->pid, "--fd", "3");
	snprintf(msg, sizeof(msg), "setdevns: cannot open %s: Permission denied\n", self->nsuser);
	EXPECT_RUN(&o, 1, "", msg);
	close(fd);
	EXPECT_CTX(nk.pid, "user", VALARM, 0, self->base.ctx_id);
	kid_stop(&nk);
}

/* ================= lsdevns ================= */

TEST(lsdevns_help_version)
{
	struct out o;

	RUN(&o, 0, NULL, -1, "lsdevns", "--help");
	EXPECT_EQ(0, o.status);
	EXPECT_EQ(0, strncmp(o.out, "Usage:\n lsdevns [options]\n", 26));
	EXPECT_NE(NULL, strstr(o.out, "\nAvailable output columns:\n"));
	EXPECT_STREQ("", o.err);
	RUN(&o, 0, NULL, -1, "lsdevns", "-V");
	EXPECT_RUN(&o, 0, "lsdevns from perns-tools " PERNS_TOOLS_VERSION "\n", "");
}

TEST(lsdevns_usage_errors)
{
	const char *why = need_devices();
	struct out o;

	if (why)
		SKIP(return, "%s", why);
	RUN(&o, 0, NULL, -1, "lsdevns", "--bogus");
	EXPECT_RUN(&o, 1, "",
		   "lsdevns: unrecognized option '--bogus'\nTry 'lsdevns --help' for more information.\n");
	RUN(&o, 0, NULL, -1, "lsdevns", "-o", "NS,BOGUS");
	EXPECT_RUN(&o, 1, "", "lsdevns: unknown column: BOGUS\n");
	RUN(&o, 0, NULL, -1, "lsdevns", "-t", "bogus");
	EXPECT_RUN(&o, 1, "", "lsdevns: unknown namespace type: bogus\n");
	RUN(&o, 0, NULL, -1, "lsdevns", "-p", "x");
	EXPECT_RUN(&o, 1, "", "lsdevns: invalid PID: 'x'\n");
	RUN(&o, 0, NULL, -1, "lsdevns", "extra");
	EXPECT_RUN(&o, 1, "", "lsdevns: unexpected argument: 'extra'\n");
	/* bad device, non-perns device, missing namespace */
	RUN(&o, 0, NULL, -1, "lsdevns", "-d", "/nonexistent");
	EXPECT_RUN(&o, 1, "", "lsdevns: cannot stat /nonexistent: No such file or directory\n");
	RUN(&o, 0, NULL, -1, "lsdevns", "-d", "/dev/null");
	EXPECT_RUN(&o, 1, "", "lsdevns: /dev/null is not a perns device\n");
	RUN(&o, 0, NULL, -1, "lsdevns", "-d", "1:3");
	EXPECT_RUN(&o, 1, "", "lsdevns: 1:3 is not a perns device\n");
	RUN(&o, 0, NULL, -1, "lsdevns", "-d", "/proc");
	EXPECT_RUN(&o, 1, "", "lsdevns: /proc is not a character device\n");
	RUN(&o, 0, NULL, -1, "lsdevns", "-p", NOPID);
	EXPECT_RUN(&o, 1, "",
		   "lsdevns: cannot read /proc/" NOPID "/ns: No such file or directory\n");
	/* no permission: another user's process */
	RUN(&o, NOBODY, NULL, -1, "lsdevns", "-p", "1");
	EXPECT_RUN(&o, 1, "", "lsdevns: cannot read /proc/1/ns: Permission denied\n");
}

/* Splits @line at spaces into @tok; returns the number of tokens. */
static int split(char *line, char **tok, int max)
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(line, "\n ", &save); t && n < max;
	     t = strtok_r(NULL, "\n ", &save))
		tok[n++] = t;
	return n;
}

TEST_F(kid, lsdevns_table)
{
	char *tok[32], *line, *save = NULL, expect[256];
	struct ns_devctx i;
	struct stat st;
	struct out o;
	int n, rows = 0;

	RUN(&o, 0, NULL, -1, "setdevns", "--unshare", "-t", self->pid, VALARM);
	EXPECT_RUN(&o, 0, "", "");
	ASSERT_EQ(0, devctx(self->k.pid, "user", VALARM, &i));
	ASSERT_EQ(0, stat(VALARM, &st));

	/* the default columns, with headings */
	RUN(&o, 0, NULL, -1, "lsdevns");
	EXPECT_EQ(0, o.status);
	EXPECT_STREQ("", o.err);
	line = strtok_r(o.out, "\n", &save);
	ASSERT_NE(NULL, line);
	n = split(line, tok, 32);
	ASSERT_EQ(10, n);
	EXPECT_STREQ("NS", tok[0]);
	EXPECT_STREQ("TYPE", tok[1]);
	EXPECT_STREQ("DEVICE", tok[2]);
	EXPECT_STREQ("NAME", tok[3]);
	EXPECT_STREQ("CTX", tok[4]);
	EXPECT_STREQ("MODE", tok[5]);
	EXPECT_STREQ("OWNER", tok[6]);
	EXPECT_STREQ("NPROCS", tok[7]);
	EXPECT_STREQ("PID", tok[8]);
	EXPECT_STREQ("COMMAND", tok[9]);
	while ((line = strtok_r(NULL, "\n", &save))) {
		char dev[32];

		n = split(line, tok, 32);
		ASSERT_LE(10, n);
		if (strtoull(tok[0], NULL, 10) != ns_ino(self->k.pid, "user"))
			continue;
		snprintf(dev, sizeof(dev), "%u:%u", major(st.st_rdev), minor(st.st_rdev));
		if (strcmp(tok[2], dev))
			continue;
		rows++;
		EXPECT_STREQ("user", tok[1]);
		EXPECT_STREQ("valarm", tok[3]);
		EXPECT_EQ(i.ctx_id, strtoull(tok[4], NULL, 10));
		EXPECT_STREQ("private", tok[5]);
		EXPECT_EQ(i.owner_ino, strtoull(tok[6], NULL, 10));
		EXPECT_EQ(1, atoi(tok[7]));
		EXPECT_EQ(self->k.pid, atoi(tok[8]));
	}
	EXPECT_EQ(1, rows);

	/* -n -o -p -t -d: exactly the kid's row, these columns */
	RUN(&o, 0, NULL, -1, "lsdevns", "-n", "-o", "NS,mode,CTX", "-p", self->pid,
	    "-t", "user", "-d", VALARM);
	snprintf(expect, sizeof(expect), "%llu private %llu\n",
		 ns_ino(self->k.pid, "user"), (unsigned long long)i.ctx_id);
	EXPECT_RUN(&o, 0, expect, "");
	/* --output +LIST appends; -d MAJOR:MINOR */
	snprintf(expect, sizeof(expect), "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	RUN(&o, 0, NULL, -1, "lsdevns", "--noheadings", "--output", "+CTX", "--task", self->pid,
	    "--type", "user", "--device", expect);
	EXPECT_EQ(0, o.status);
	ASSERT_EQ(11, split(o.out, tok, 32));
	EXPECT_EQ(i.ctx_id, strtoull(tok[10], NULL, 10));
	EXPECT_EQ(i.ctx_id, strtoull(tok[4], NULL, 10));
	/* -t: only that type; -t user -d a uts device: nothing */
	RUN(&o, 0, NULL, -1, "lsdevns", "-n", "-o", "TYPE", "-t", "uts");
	EXPECT_EQ(0, o.status);
	ASSERT_NE(0, strlen(o.out));
	for (line = strtok_r(o.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		EXPECT_STREQ("uts", line);
	RUN(&o, 0, NULL, -1, "lsdevns", "-t", "user", "-d", "/dev/test_perns_uts");
	EXPECT_RUN(&o, 0, "NS TYPE DEVICE NAME CTX MODE OWNER NPROCS PID COMMAND\n", "");
}

/* Validates @json against the schema with validate_json.py; -1: no python3. */
static int validate(const char *json, char *msg, size_t len)
{
	char path[64], cmd[8400];
	FILE *f, *p;
	size_t n;
	int st;

	if (access("/usr/bin/python3", X_OK))
		return -1;
	snprintf(path, sizeof(path), "/tmp/lsdevns-%d.json", getpid());
	f = fopen(path, "w");
	if (!f || fputs(json, f) < 0 || fclose(f))
		return -2;
	snprintf(cmd, sizeof(cmd),
		 "/usr/bin/python3 %s/validate_json.py %s/lsdevns.schema.json %s 2>&1",
		 tooldir, tooldir, path);
	p = popen(cmd, "r");
	if (!p)
		return -2;
	n = fread(msg, 1, len - 1, p);
	msg[n] = 0;
	st = pclose(p);
	unlink(path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* python3 from the host's /usr starts slowly under TCG */
TEST_F_TIMEOUT(kid, lsdevns_json, 300)
{
	unsigned long long kns = ns_ino(self->k.pid, "user");
	struct json *root, *arr, *r;
	struct ns_devctx i;
	int rows = 0, ret;
	char err[256];
	struct stat st;
	struct out o;

	RUN(&o, 0, NULL, -1, "setdevns", "--unshare", "-t", self->pid, VALARM);
	EXPECT_RUN(&o, 0, "", "");
	ASSERT_EQ(0, devctx(self->k.pid, "user", VALARM, &i));
	ASSERT_EQ(0, stat(VALARM, &st));
	RUN(&o, 0, NULL, -1, "lsdevns", "-J");
	EXPECT_EQ(0, o.status);
	EXPECT_STREQ("", o.err);

	ret = validate(o.out, err, sizeof(err));
	if (ret == -1)
		SKIP(return, "no /usr/bin/python3 to validate against the schema");
	EXPECT_EQ(0, ret) TH_LOG("schema: %s", err);
	EXPECT_STREQ("valid\n", err);

	root = json_parse(o.out, err, sizeof(err));
	ASSERT_NE(NULL, root) TH_LOG("%s", err);
	arr = json_get(root, "devcontexts");
	ASSERT_NE(NULL, arr);
	ASSERT_EQ(JSON_ARRAY, arr->type);
	for (r = arr->child; r; r = r->next) {
		char dev[32];

		snprintf(dev, sizeof(dev), "%u:%u", major(st.st_rdev), minor(st.st_rdev));
		if (json_get(r, "ns")->num != (double)kns ||
		    strcmp(json_get(r, "device")->str, dev))
			continue;
		rows++;
		EXPECT_STREQ("user", json_get(r, "type")->str);
		EXPECT_STREQ("valarm", json_get(r, "name")->str);
		EXPECT_EQ((double)i.ctx_id, json_get(r, "ctx")->num);
		EXPECT_STREQ("private", json_get(r, "mode")->str);
		EXPECT_EQ((double)kns, json_get(r, "owner")->num);
		EXPECT_EQ(1, json_get(r, "nprocs")->num);
		EXPECT_EQ(self->k.pid, json_get(r, "pid")->num);
		EXPECT_EQ(JSON_STRING, json_get(r, "command")->type);
	}
	EXPECT_EQ(1, rows);
	json_free(root);

	/* -J -o: only those keys; an empty list is valid too */
	RUN(&o, 0, NULL, -1, "lsdevns", "-J", "-o", "ns,ctx", "-p", self->pid, "-d", VALARM);
	snprintf(err, sizeof(err),
		 "{\n   \"devcontexts\": [\n      {\"ns\": %llu, \"ctx\": %llu}\n   ]\n}\n",
		 kns, (unsigned long long)i.ctx_id);
	EXPECT_RUN(&o, 0, err, "");
	EXPECT_EQ(0, validate(o.out, err, sizeof(err))) TH_LOG("schema: %s", err);
	/* a column given twice is shown once: the keys stay unique */
	RUN(&o, 0, NULL, -1, "lsdevns", "-J", "-o", "ns,ctx,NS", "-p", self->pid, "-d", VALARM);
	snprintf(err, sizeof(err),
		 "{\n   \"devcontexts\": [\n      {\"ns\": %llu, \"ctx\": %llu}\n   ]\n}\n",
		 kns, (unsigned long long)i.ctx_id);
	EXPECT_RUN(&o, 0, err, "");
	RUN(&o, 0, NULL, -1, "lsdevns", "-J", "-o", "+ns,pid", "-p", self->pid, "-d", VALARM);
	EXPECT_EQ(0, o.status);
	EXPECT_EQ(0, validate(o.out, err, sizeof(err))) TH_LOG("schema: %s", err);
	RUN(&o, 0, NULL, -1, "lsdevns", "--json", "-t", "user", "-d", "/dev/test_perns_uts");
	EXPECT_RUN(&o, 0, "{\n   \"devcontexts\": []\n}\n", "");
	EXPECT_EQ(0, validate(o.out, err, sizeof(err))) TH_LOG("schema: %s", err);
}

/*
 * perns_open_in_ns(): the file must be the device asked for, a symbolic
 * link is not followed, and a FIFO does not block.
 */
TEST_F(kid, open_in_ns)
{
	const struct perns_nstype *user = perns_type_by_name("user");
	char fifo[64];
	struct stat st;
	int fd, step;

	ASSERT_EQ(0, stat(VALARM, &st));
	fd = perns_open_in_ns(self->k.pid, user, VALARM, O_RDONLY, st.st_rdev, &step);
	ASSERT_LE(0, fd) TH_LOG("step %d: %m", step);
	close(fd);
	errno = 0;
	EXPECT_EQ(-1, perns_open_in_ns(self->k.pid, user, "/dev/null", O_RDONLY,
				       st.st_rdev, &step));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(2, step);
	EXPECT_EQ(-1, perns_open_in_ns(self->k.pid, user, "/proc/self/exe", O_RDONLY,
				       0, &step));
	EXPECT_EQ(ELOOP, errno);
	EXPECT_EQ(2, step);
	snprintf(fifo, sizeof(fifo), "/tmp/perns-fifo-%d", getpid());
	unlink(fifo);
	ASSERT_EQ(0, mkfifo(fifo, 0666));
	EXPECT_EQ(-1, perns_open_in_ns(self->k.pid, user, fifo, O_RDONLY, st.st_rdev, &step));
	EXPECT_EQ(ENODEV, errno);
	unlink(fifo);
	EXPECT_EQ(-1, perns_open_in_ns(atoi(NOPID), user, VALARM, O_RDONLY, 0, &step));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, step);
}

/* Invalid UTF-8 (Unicode Table 3-7) becomes U+FFFD: the output stays JSON. */
TEST(json_utf8)
{
	static const struct { const char *in, *out; } c[] = {
		{ "\xc3\xa9 \xf0\x9f\x98\x80", "\"\xc3\xa9 \xf0\x9f\x98\x80\"" },
		{ "\xe0\x80\x80", "\"\\ufffd\\ufffd\\ufffd\"" },		/* overlong */
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },				/* overlong */
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },		/* surrogate */
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },	/* > U+10FFFF */
		{ "\xf0\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },	/* overlong */
		{ "\xed\x9f\xbf\xee\x80\x80", "\"\xed\x9f\xbf\xee\x80\x80\"" },	/* U+D7FF U+E000 */
		{ "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"" },		/* U+10FFFF */
		{ "a\x1b\x7f\"\\", "\"a\\u001b\\u007f\\\"\\\\\"" },
		{ "\xe2\x82", "\"\\ufffd\\ufffd\"" },				/* truncated */
	};
	char err[128], *buf;
	unsigned int i;
	struct json *v;
	size_t len;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		f = open_memstream(&buf, &len);
		ASSERT_NE(NULL, f);
		json_print_string(f, c[i].in);
		fclose(f);
		EXPECT_STREQ(c[i].out, buf) TH_LOG("case %u", i);
		v = json_parse(buf, err, sizeof(err));
		EXPECT_NE(NULL, v) TH_LOG("case %u: %s", i, err);
		json_free(v);
		free(buf);
	}
}

/* What the table and the messages print: controls and invalid bytes as \xHH */
TEST(escape)
{
	static const struct { const char *in, *out; } c[] = {
		{ "sleep 30", "sleep 30" },
		{ "a\x1b[2Jb", "a\\x1b[2Jb" },
		{ "a\\b\nc\td\x7f", "a\\x5cb\\x0ac\\x09d\\x7f" },
		{ "\xc2\x9b[m\xc3\xa9", "\\xc2\\x9b[m\xc3\xa9" },	/* C1 CSI, then é */
		{ "\xff\xe0\x80\x80", "\\xff\\xe0\\x80\\x80" },
	};
	char buf[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		EXPECT_STREQ(c[i].out, perns_escape(c[i].in, buf, sizeof(buf)));
	/* truncation keeps whole characters and escapes */
	EXPECT_STREQ("ab", perns_escape("ab\x1b", buf, 5));
	EXPECT_STREQ("a", perns_escape("a\xc3\xa9", buf, 3));
}

/* A command line with a terminal escape sequence is printed escaped. */
TEST(lsdevns_escape)
{
	const char *why = need_devices();
	int go[2], rep[2];
	char pid[16], want[64];
	struct out o;
	pid_t kid;
	char c;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_LE(8, strlen(argv0));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(rep));
	kid = fork();
	ASSERT_LE(0, kid);
	if (!kid) {
		close(go[1]);
		if (unshare(CLONE_NEWUSER))
			_exit(1);
		/* /proc/PID/cmdline reads the argument strings in place */
		memset(argv0, 'x', strlen(argv0));
		memcpy(argv0, "\x1b]0;\x07\x1b[2J", 9);
		if (write(rep[1], "r", 1) != 1 || read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(go[0]);
	close(rep[1]);
	ASSERT_EQ(1, read(rep[0], &c, 1));
	snprintf(pid, sizeof(pid), "%d", kid);
	RUN(&o, 0, NULL, -1, "lsdevns", "-n", "-o", "command", "-p", pid, "-d", VALARM);
	close(go[1]);
	waitpid(kid, NULL, 0);
	EXPECT_EQ(0, o.status);
	EXPECT_STREQ("", o.err);
	snprintf(want, sizeof(want), "%s", "\\x1b]0;\\x07\\x1b[2Jxx");
	EXPECT_EQ(0, strncmp(want, o.out, strlen(want))) TH_LOG("%s", o.out);
	EXPECT_EQ(NULL, strchr(o.out, 0x1b));
	/* messages too */
	RUN(&o, 0, NULL, -1, "lsdevns", "-o", "NS,\x1b[2J");
	EXPECT_RUN(&o, 1, "", "lsdevns: unknown column: \\x1b[2J\n");
}

/* An unprivileged user sees its own processes' namespaces only. */
TEST(lsdevns_unprivileged)
{
	const char *why = need_devices();
	struct json *root, *r;
	int rows = 0, mine = 0;
	char err[256];
	struct kid k;
	struct out o;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, kid_start(&k, CLONE_NEWUSER, NOBODY));
	RUN(&o, NOBODY, NULL, -1, "lsdevns", "-J", "-t", "user");
	EXPECT_EQ(0, o.status);
	EXPECT_STREQ("", o.err);
	root = json_parse(o.out, err, sizeof(err));
	ASSERT_NE(NULL, root) TH_LOG("%s", err);
	for (r = json_get(root, "devcontexts")->child; r; r = r->next) {
		char path[64];
		struct stat st;

		rows++;
		snprintf(path, sizeof(path), "/proc/%d", (int)json_get(r, "pid")->num);
		/* the process may have exited since */
		if (!stat(path, &st))
			EXPECT_EQ(NOBODY, st.st_uid) TH_LOG("%s", path);
		if (json_get(r, "pid")->num == k.pid)
			mine++;
	}
	EXPECT_LT(0, rows);
	EXPECT_LT(0, mine);
	json_free(root);
	kid_stop(&k);
}

/* ================= perns-oci-hook ================= */

static char *state(char *buf, size_t len, const char *pid, const char *ann)
{
	snprintf(buf, len,
		 "{\"ociVersion\": \"1.0.2\", \"id\": \"t\", \"status\": \"creating\", \"pid\": %s, \"bundle\": \"/nonexistent\", \"annotations\": {%s}}",
		 pid, ann);
	return buf;
}

TEST(hook_help_version)
{
	struct out o;

	RUN(&o, 0, NULL, -1, "perns-oci-hook", "--help");
	EXPECT_EQ(0, o.status);
	EXPECT_EQ(0, strncmp(o.out, "Usage:\n perns-oci-hook [options] < state.json\n", 46));
	EXPECT_STREQ("", o.err);
	RUN(&o, 0, NULL, -1, "perns-oci-hook", "--version");
	EXPECT_RUN(&o, 0, "perns-oci-hook from perns-tools " PERNS_TOOLS_VERSION "\n", "");
	RUN(&o, 0, NULL, -1, "perns-oci-hook", "-x");
	EXPECT_RUN(&o, 1, "",
		   "perns-oci-hook: invalid option -- 'x'\nTry 'perns-oci-hook --help' for more information.\n");
	RUN(&o, 0, NULL, -1, "perns-oci-hook", "extra");
	EXPECT_RUN(&o, 1, "", "perns-oci-hook: unexpected argument: 'extra'\n");
}

TEST_F(kid, hook_no_annotation)
{
	char st[1024];
	struct out o;

	RUN(&o, 0, state(st, sizeof(st), self->pid, "\"org.example\": \"x\""), -1,
	    "perns-oci-hook", "-v");
	snprintf(st, sizeof(st), "perns-oci-hook: container %s: no perns annotation\n", self->pid);
	EXPECT_RUN(&o, 0, "", st);
	EXPECT_CTX(self->k.pid, "user", VALARM, 0, self->base.ctx_id);
}

TEST_F(kid, hook_devctx)
{
	char st[1024];
	struct out o;

	state(st, sizeof(st), self->pid,
	      "\"perns.devctx\": \"/dev/valarm:unshare:user,/dev/test_perns_uts:unshare\"");
	RUN(&o, 0, st, -1, "perns-oci-hook");
	EXPECT_RUN(&o, 0, "", "");
	EXPECT_CTX(self->k.pid, "user", VALARM, 1, 0);
	EXPECT_CTX(self->k.pid, "uts", "/dev/test_perns_uts", 1, 0);
	/* share only if the hook's own arguments allow it */
	state(st, sizeof(st), self->pid,
	      "\"perns.devctx\": \"/dev/valarm:share\"");
	RUN(&o, 0, st, -1, "perns-oci-hook");
	EXPECT_RUN(&o, 1, "",
		   "perns-oci-hook: annotation perns.devctx: entry 1 '/dev/valarm:share': mode 'share' is not allowed (allowed: unshare; see --allow-modes)\n");
	EXPECT_CTX(self->k.pid, "user", VALARM, 1, 0);
	RUN(&o, 0, st, -1, "perns-oci-hook", "--allow-modes", "unshare,migrate");
	EXPECT_RUN(&o, 1, "",
		   "perns-oci-hook: annotation perns.devctx: entry 1 '/dev/valarm:share': mode 'share' is not allowed (allowed: unshare,migrate; see --allow-modes)\n");
	EXPECT_CTX(self->k.pid, "user", VALARM, 1, 0);
	RUN(&o, 0, st, -1, "perns-oci-hook", "--allow-modes", "share,unshare");
	EXPECT_RUN(&o, 0, "", "");
	EXPECT_CTX(self->k.pid, "user", VALARM, 0, self->base.ctx_id);
	RUN(&o, 0, st, -1, "perns-oci-hook", "-a", "bogus");
	EXPECT_RUN(&o, 1, "",
		   "perns-oci-hook: --allow-modes: unknown mode 'bogus' (share, unshare or migrate)\n");
}

/* The private clock: 2038 in the kid, the host's clock does not move. */
TEST_F(kid, hook_valarm_date)
{
	struct timespec before, after, ts;
	char st[1024], msg[512];
	struct ns_devctx i;
	struct out o;

	clock_gettime(CLOCK_REALTIME, &before);
	state(st, sizeof(st), self->pid,
	      "\"perns.devctx\": \"/dev/valarm:unshare:user\", \"perns.valarm.date\": \"2038-01-01T00:00:00Z\"");
	RUN(&o, 0, st, -1, "perns-oci-hook", "--verbose");
	EXPECT_EQ(0, o.status) TH_LOG("%s", o.err);
	EXPECT_STREQ("", o.out);
	ASSERT_EQ(0, devctx(self->k.pid, "user", VALARM, &i));
	snprintf(msg, sizeof(msg),
		 "perns-oci-hook: %s: /dev/valarm unshare: context %llu, private\n"
		 "perns-oci-hook: %s: /dev/valarm: context %llu set to 2038-01-01T00:00:00Z\n",
		 self->nsuser, (unsigned long long)i.ctx_id, self->nsuser,
		 (unsigned long long)i.ctx_id);
	EXPECT_STREQ(msg, o.err);
	ASSERT_EQ(0, valarm_time(self->k.pid, &ts));
	EXPECT_LE(Y2038, ts.tv_sec);
	EXPECT_GT(Y2038 + 60, ts.tv_sec);
	clock_gettime(CLOCK_REALTIME, &after);
	EXPECT_LE(before.tv_sec, after.tv_sec);
	EXPECT_GT(before.tv_sec + 60, after.tv_sec);
	ASSERT_EQ(0, valarm_time(0, &ts));
	EXPECT_GT(before.tv_sec + 60, ts.tv_sec);

	/*
	 * An offset, and a fraction: 2040-06-15T11:20:00.5Z. The clock read
	 * back is that plus at most the time between the hook's start and
	 * the read, both measured on CLOCK_MONOTONIC.
	 */
	state(st, sizeof(st), self->pid,
	      "\"perns.valarm.date\": \"2040-06-15T13:20:00.5+02:00\"");
	clock_gettime(CLOCK_MONOTONIC, &before);
	RUN(&o, 0, st, -1, "perns-oci-hook");
	ASSERT_EQ(0, valarm_time(self->k.pid, &ts));
	clock_gettime(CLOCK_MONOTONIC, &after);
	EXPECT_RUN(&o, 0, "", "");
	{
		long long set = 2223372000LL * 1000000000 + 500000000;
		long long got = ts.tv_sec * 1000000000LL + ts.tv_nsec;
		long long took = (after.tv_sec - before.tv_sec) * 1000000000LL +
				 after.tv_nsec - before.tv_nsec;

		EXPECT_LE(set, got);
		EXPECT_GE(set + took, got) TH_LOG("took %lld ns", took);
		if (took < 400000000) {
			/* then tv_sec is exact and tv_nsec near 5e8 */
			EXPECT_EQ(2223372000LL, ts.tv_sec);
			EXPECT_LE(500000000, ts.tv_nsec);
			EXPECT_GT(900000000, ts.tv_nsec);
		}
	}
}

/* No private context: refused, and the host's clock is not set. */
TEST_F(kid, hook_date_needs_private)
{
	struct timespec before, after;
	char st[1024], msg[512];
	struct out o;

	clock_gettime(CLOCK_REALTIME, &before);
	state(st, sizeof(st), self->pid,
	      "\"perns.valarm.date\": \"2038-01-01T00:00:00Z\"");
	RUN(&o, 0, st, -1, "perns-oci-hook");
	snprintf(msg, sizeof(msg),
		 "perns-oci-hook: annotation perns.valarm.date: %s has no private context of /dev/valarm: add /dev/valarm:unshare to perns.devctx\n",
		 self->nsuser);
	EXPECT_RUN(&o, 1, "", msg);
	clock_gettime(CLOCK_REALTIME, &after);
	EXPECT_GT(before.tv_sec + 60, after.tv_sec);
	EXPECT_CTX(self->k.pid, "user", VALARM, 0, self->base.ctx_id);
	/* refused before the other entries are applied */
	state(st, sizeof(st), self->pid,
	      "\"perns.devctx\": \"/dev/test_perns_uts:unshare\", \"perns.valarm.date\": \"2038-01-01T00:00:00Z\"");
	RUN(&o, 0, st, -1, "perns-oci-hook");
	EXPECT_RUN(&o, 1, "", msg);
	EXPECT_CTX(self->k.pid, "uts", "/dev/test_perns_uts", 0, 0);
}

/*
 * A container without a user namespace of its own: its process's
 * namespace is the hook's, the host's. The hook refuses before any change,
 * whatever NS_DEVCTX_PRIVATE says of the initial namespace.
 */
TEST(hook_host_namespace)
{
	const char *why = need_devices();
	struct timespec before, after, ts;
	char st[1024], msg[512], pid[16];
	struct ns_devctx base, i;
	struct out o;

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, devctx(getpid(), "user", VALARM, &base));
	snprintf(pid, sizeof(pid), "%d", getpid());
	clock_gettime(CLOCK_REALTIME, &before);
	state(st, sizeof(st), pid, "\"perns.valarm.date\": \"2038-01-01T00:00:00Z\"");
	RUN(&o, 0, st, -1, "perns-oci-hook");
	snprintf(msg, sizeof(msg),
		 "perns-oci-hook: /proc/%s/ns/user is the hook's own user namespace: refusing to change the host's contexts\n",
		 pid);
	EXPECT_RUN(&o, 1, "", msg);
	state(st, sizeof(st), pid,
	      "\"perns.devctx\": \"/dev/valarm:unshare\", \"perns.valarm.date\": \"2038-01-01T00:00:00Z\"");
	RUN(&o, 0, st, -1, "perns-oci-hook");
	EXPECT_RUN(&o, 1, "", msg);
	clock_gettime(CLOCK_REALTIME, &after);
	EXPECT_GT(before.tv_sec + 60, after.tv_sec);
	EXPECT_LE(before.tv_sec, after.tv_sec);
	ASSERT_EQ(0, valarm_time(0, &ts));
	EXPECT_GT(before.tv_sec + 60, ts.tv_sec);
	ASSERT_EQ(0, devctx(getpid(), "user", VALARM, &i));
	EXPECT_EQ(base.ctx_id, i.ctx_id);
	EXPECT_EQ(base.flags, i.flags);
}

/*
 * The device of an entry: no symbolic link, no FIFO (which would block),
 * no other device even with a TYPE (refused before it is opened for
 * writing, not by setdevns()).
 */
TEST_F(kid, hook_device_checks)
{
	char link[64], fifo[64], st[1024], msg[512];
	struct out o;

	snprintf(link, sizeof(link), "/tmp/perns-link-%d", getpid());
	snprintf(fifo, sizeof(fifo), "/tmp/perns-fifo-%d", getpid());
	unlink(link);
	unlink(fifo);
	ASSERT_EQ(0, symlink(VALARM, link));
	ASSERT_EQ(0, mkfifo(fifo, 0600));

	snprintf(msg, sizeof(msg), "\"perns.devctx\": \"%s:unshare:user\"", link);
	RUN(&o, 0, state(st, sizeof(st), self->pid, msg), -1, "perns-oci-hook");
	snprintf(msg, sizeof(msg),
		 "perns-oci-hook: %s is a symbolic link: give the device node's own path\n", link);
	EXPECT_RUN(&o, 1, "", msg);
	snprintf(msg, sizeof(msg), "\"perns.devctx\": \"%s:unshare\"", link);
	RUN(&o, 0, state(st, sizeof(st), self->pid, msg), -1, "perns-oci-hook");
	snprintf(msg, sizeof(msg),
		 "perns-oci-hook: %s is a symbolic link: give the device node's own path\n", link);
	EXPECT_RUN(&o, 1, "", msg);

	/* a reader would block in open(O_RDWR) of a FIFO without a writer */
	snprintf(msg, sizeof(msg), "\"perns.devctx\": \"%s:unshare:user\"", fifo);
	RUN(&o, 0, state(st, sizeof(st), self->pid, msg), -1, "perns-oci-hook");
	snprintf(msg, sizeof(msg), "perns-oci-hook: %s is not a perns device: No such device\n",
		 fifo);
	EXPECT_RUN(&o, 1, "", msg);

	RUN(&o, 0, state(st, sizeof(st), self->pid, "\"perns.devctx\": \"/dev/null:unshare:user\""),
	    -1, "perns-oci-hook");
	EXPECT_RUN(&o, 1, "", "perns-oci-hook: /dev/null is not a perns device: No such device\n");
	RUN(&o, 0, state(st, sizeof(st), self->pid, "\"perns.devctx\": \"/dev:unshare:user\""),
	    -1, "perns-oci-hook");
	EXPECT_RUN(&o, 1, "", "perns-oci-hook: /dev is not a perns device: No such device\n");
	EXPECT_CTX(self->k.pid, "user", VALARM, 0, self->base.ctx_id);
	unlink(link);
	unlink(fifo);
}

/* Runtimes that leave annotations out of the state: the bundle's config. */
TEST_F(kid, hook_bundle_config)
{
	char dir[] = "/tmp/perns-bundle-XXXXXX", path[64], st[512];
	struct out o;
	FILE *f;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config.json", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "{\"ociVersion\": \"1.0.0\", \"annotations\": %s}\n",
		"{\"perns.devctx\": \"/dev/valarm:unshare\"}");
	fclose(f);
	snprintf(st, sizeof(st), "{\"pid\": %s, \"bundle\": \"%s\"}", self->pid, dir);
	RUN(&o, 0, st, -1, "perns-oci-hook");
	EXPECT_RUN(&o, 0, "", "");
	EXPECT_CTX(self->k.pid, "user", VALARM, 1, 0);
	unlink(path);
	rmdir(dir);
}

/* Malformed input: exit 1 with the message, and nothing changed. */
TEST_F(kid, hook_malformed)
{
	static const struct { const char *ann, *msg; } c[] = {
		{
			"\"perns.devctx\": \"/dev/valarm:steal\"",
			"annotation perns.devctx: entry 1 '/dev/valarm:steal': unknown mode 'steal' (share, unshare or migrate)",
		},
		{
			"\"perns.devctx\": \"/dev/valarm:unshare,/dev/valarm:bogus\"",
			"annotation perns.devctx: entry 2 '/dev/valarm:bogus': unknown mode 'bogus' (share, unshare or migrate)",
		},
		{
			"\"perns.devctx\": \"/dev/valarm\"",
			"annotation perns.devctx: entry 1 '/dev/valarm': expected DEVICE:MODE[:TYPE]",
		},
		{
			"\"perns.devctx\": \"dev/valarm:unshare\"",
			"annotation perns.devctx: entry 1 'dev/valarm:unshare': the device 'dev/valarm' is not an absolute path",
		},
		{
			"\"perns.devctx\": \"/dev/valarm:unshare:users\"",
			"annotation perns.devctx: entry 1 '/dev/valarm:unshare:users': unknown namespace type 'users'",
		},
		{
			"\"perns.devctx\": \"/dev/valarm:unshare,\"",
			"annotation perns.devctx: entry 2 is empty",
		},
		{ "\"perns.devctx\": \"\"", "annotation perns.devctx: empty value" },
		{ "\"perns.devctx\": 1", "annotation perns.devctx: not a string" },
		{
			"\"perns.devctx\": \"/dev/valarm:unshare\", \"perns.valarm.date\": \"2038-02-30T00:00:00Z\"",
			"annotation perns.valarm.date: '2038-02-30T00:00:00Z' is not an RFC 3339 date-time after 1970 (e.g. 2038-01-01T00:00:00Z)",
		},
		{
			"\"perns.devctx\": \"/dev/valarm:unshare\", \"perns.valarm.date\": \"2038-01-01 00:00:00\"",
			"annotation perns.valarm.date: '2038-01-01 00:00:00' is not an RFC 3339 date-time after 1970 (e.g. 2038-01-01T00:00:00Z)",
		},
		{
			"\"perns.devctx\": \"/dev/valarm:unshare\", \"perns.valarm.date\": \"1969-12-31T23:59:59Z\"",
			"annotation perns.valarm.date: '1969-12-31T23:59:59Z' is not an RFC 3339 date-time after 1970 (e.g. 2038-01-01T00:00:00Z)",
		},
		{
			"\"perns.devctx\": \"/dev/valarm:unshare\", \"perns.valarm.date\": \"2038-01-01T00:00:00+\"",
			"annotation perns.valarm.date: '2038-01-01T00:00:00+' is not an RFC 3339 date-time after 1970 (e.g. 2038-01-01T00:00:00Z)",
		},
		{
			"\"perns.devctx\": \"/dev/valarm:unshare\", \"perns.valarm.date\": \"2038-01-01T00:00:00+01:0\"",
			"annotation perns.valarm.date: '2038-01-01T00:00:00+01:0' is not an RFC 3339 date-time after 1970 (e.g. 2038-01-01T00:00:00Z)",
		},
		{
			"\"perns.devctx\": \"/dev/valarm:unshare\", \"perns.valarm.date\": \"2300-01-01T00:00:00Z\"",
			"annotation perns.valarm.date: '2300-01-01T00:00:00Z' is out of range: from 1970-01-01T00:00:00Z to 2232-04-18T23:47:15Z",
		},
		{
			"\"perns.devctx\": \"/dev/valarm:unshare\", \"perns.valarm.date\": \"1970-01-01T00:30:00+01:00\"",
			"annotation perns.valarm.date: '1970-01-01T00:30:00+01:00' is out of range: from 1970-01-01T00:00:00Z to 2232-04-18T23:47:15Z",
		},
		/* a valid first entry is not applied when a later one fails */
		{
			"\"perns.devctx\": \"/dev/valarm:unshare,/dev/null:unshare\"",
			"/dev/null is not a perns device: No such device",
		},
		{
			"\"perns.devctx\": \"/dev/valarm:unshare,/nonexistent:unshare:user\"",
			"cannot open /nonexistent: No such file or directory",
		},
		{
			"\"perns.devctx\": \"/dev/valarm:unshare,/dev/test_perns_uts:unshare:user\"",
			"annotation perns.devctx: entry 2 '/dev/test_perns_uts:unshare:user': /dev/test_perns_uts keeps contexts for uts namespaces, not user",
		},
		{
			"\"perns.devctx\": \"/dev/valarm:unshare,/dev/valarm:migrate\"",
			"annotation perns.devctx: entry 2 '/dev/valarm:migrate': mode 'migrate' is not allowed (allowed: unshare; see --allow-modes)",
		},
		{
			"\"perns.devctx\": \"/dev/valarm:unshare\", \"perns.valarm.date\": \"2038-01-01T00:00:00Z\", \"perns.valarm.device\": \"/dev/null\"",
			"/dev/null is not a perns device: No such device",
		},
		{
			"\"perns.devctx\": \"/dev/valarm:unshare\\u001b[2J\"",
			"annotation perns.devctx: entry 1 '/dev/valarm:unshare\\x1b[2J': unknown mode 'unshare\\x1b[2J' (share, unshare or migrate)",
		},
		{
			"\"perns.valarm.device\": \"valarm\"",
			"annotation perns.valarm.device: 'valarm' is not an absolute path",
		},
		{
			"\"perns.devctx\": \"/dev/valarm:unshare\", \"perns.devctxx\": \"x\"",
			"unknown annotation perns.devctxx (known: perns.devctx, perns.valarm.date, perns.valarm.device)",
		},
	};
	char st[1024], msg[512];
	unsigned int i;
	struct out o;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		RUN(&o, 0, state(st, sizeof(st), self->pid, c[i].ann), -1, "perns-oci-hook");
		snprintf(msg, sizeof(msg), "perns-oci-hook: %s\n", c[i].msg);
		EXPECT_RUN(&o, 1, "", msg);
		EXPECT_CTX(self->k.pid, "user", VALARM, 0, self->base.ctx_id);
	}
}

TEST(hook_bad_state)
{
	static const struct { const char *in, *msg; } c[] = {
		{
			"",
			"cannot parse the container state on stdin: at byte 0: unexpected end of input",
		},
		{
			"{\"pid\": 1,}",
			"cannot parse the container state on stdin: at byte 10: expected a member name",
		},
		{ "[1]", "cannot parse the container state on stdin: not a JSON object" },
		{
			"{\"pid\": \"1\"}",
			"the container state has no valid \"pid\" (createRuntime hooks get one)",
		},
		{
			"{\"pid\": 0}",
			"the container state has no valid \"pid\" (createRuntime hooks get one)",
		},
		{ "{\"pid\": 1, \"annotations\": []}", "\"annotations\" is not a JSON object" },
		{
			"{\"pid\": 1, \"bundle\": \"/nonexistent\"}",
			"cannot open /nonexistent/config.json: No such file or directory",
		},
	};
	char msg[512];
	unsigned int i;
	struct out o;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		RUN(&o, 0, c[i].in, -1, "perns-oci-hook");
		snprintf(msg, sizeof(msg), "perns-oci-hook: %s\n", c[i].msg);
		EXPECT_RUN(&o, 1, "", msg);
	}
}

TEST_F(kid, hook_errors)
{
	char st[1024];
	struct out o;

	/* a missing namespace */
	state(st, sizeof(st), NOPID,
	      "\"perns.devctx\": \"/dev/valarm:unshare\"");
	RUN(&o, 0, st, -1, "perns-oci-hook");
	EXPECT_RUN(&o, 1, "",
		   "perns-oci-hook: cannot open /proc/" NOPID
		   "/ns/user: No such file or directory\n");
	/* a bad device path, a non-perns device */
	state(st, sizeof(st), self->pid,
	      "\"perns.devctx\": \"/nonexistent:unshare\"");
	RUN(&o, 0, st, -1, "perns-oci-hook");
	EXPECT_RUN(&o, 1, "",
		   "perns-oci-hook: cannot open /nonexistent: No such file or directory\n");
	state(st, sizeof(st), self->pid,
	      "\"perns.devctx\": \"/dev/null:unshare\"");
	RUN(&o, 0, st, -1, "perns-oci-hook");
	EXPECT_RUN(&o, 1, "", "perns-oci-hook: /dev/null is not a perns device: No such device\n");
	state(st, sizeof(st), self->pid,
	      "\"perns.devctx\": \"/dev/null:unshare:user\"");
	RUN(&o, 0, st, -1, "perns-oci-hook");
	EXPECT_RUN(&o, 1, "", "perns-oci-hook: /dev/null is not a perns device: No such device\n");
	/* no permission */
	state(st, sizeof(st), self->pid,
	      "\"perns.devctx\": \"/dev/valarm:unshare\"");
	RUN(&o, NOBODY, st, -1, "perns-oci-hook");
	EXPECT_RUN(&o, 1, "", "perns-oci-hook: cannot open /dev/valarm: Permission denied\n");
	/* the initial namespace */
	state(st, sizeof(st), "1",
	      "\"perns.devctx\": \"/dev/valarm:unshare\"");
	RUN(&o, 0, st, -1, "perns-oci-hook");
	EXPECT_RUN(&o, 1, "",
		   "perns-oci-hook: /proc/1/ns/user is the hook's own user namespace: refusing to change the host's contexts\n");
	EXPECT_CTX(self->k.pid, "user", VALARM, 0, self->base.ctx_id);
}

int main(int argc, char **argv)
{
	ssize_t n = readlink("/proc/self/exe", tooldir, sizeof(tooldir) - 1);
	char *slash;

	if (n <= 0)
		return 1;
	argv0 = argv[0];
	tooldir[n] = 0;
	slash = strrchr(tooldir, '/');
	if (slash)
		*slash = 0;
	return test_harness_run(argc, argv);
}
