// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of setdevns() and NS_GET_DEVCTX through the perns test driver
 * (CONFIG_TEST_PERNS, lib/test_perns.c): /dev/test_perns_<type> reads
 * "<context id> <counter>\n" of the context a file is bound to, a write
 * increments the counter, its unshare op copies the counter and its
 * migrate op refuses with EBUSY while the counter is 666.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <linux/types.h>

#include "setdevns.h"
#include "../clone3/clone3_selftests.h"
#include "../kselftest_harness.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME	0x00000080
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD	0x00001000
#endif
#ifndef P_PIDFD
#define P_PIDFD		3
#endif

#define SETDEVNS_MODES	(SETDEVNS_SHARE | SETDEVNS_UNSHARE | SETDEVNS_MIGRATE)
#define MIGRATE_BUSY	666	/* the test driver's migrate op refuses */
#define RACE_SECONDS	3
#define NOBODY		65534

static int sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return syscall(__NR_pidfd_open, pid, flags);
}

/* Where a namespace type is. */
struct nstype_info {
	const char *name;	/* in /proc/PID/ns/ */
	int nstype;
	const char *dev;
};

static const struct nstype_info uts_info = {
	"uts", CLONE_NEWUTS, "/dev/test_perns_uts"
};

/* The context a file of the test driver is bound to. */
struct ctx {
	unsigned long long id;
	long long counter;
};

/* 0, or a negative errno */
static int ctx_read(int fd, struct ctx *ctx)
{
	char buf[64];
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %lld", &ctx->id, &ctx->counter) != 2)
		return -EPROTO;
	return 0;
}

static int ctx_bump(int fd)
{
	return write(fd, "+", 1) == 1 ? 0 : -errno;
}

/* NS_GET_DEVCTX on @ns_fd for the device @rdev; -1 and errno. */
static int devctx(int ns_fd, dev_t rdev, struct ns_devctx *info)
{
	memset(info, 0, sizeof(*info));
	info->dev_major = major(rdev);
	info->dev_minor = minor(rdev);
	return ioctl(ns_fd, NS_GET_DEVCTX, info);
}

static ino_t fd_ino(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return 0;
	return st.st_ino;
}

static dev_t fd_rdev(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return 0;
	return st.st_rdev;
}

/*
 * Whether @ns_fd is an initial namespace: the fixed inode numbers of
 * include/linux/proc_ns.h where there is one, else PID 1's namespace.
 */
static bool initial_ns(int ns_fd, const char *name)
{
	static const struct {
		const char *name;
		ino_t ino;
	} fixed[] = {
		{ "ipc", 0xEFFFFFFFU }, { "uts", 0xEFFFFFFEU },
		{ "user", 0xEFFFFFFDU }, { "pid", 0xEFFFFFFCU },
		{ "cgroup", 0xEFFFFFFBU }, { "time", 0xEFFFFFFAU },
	};
	struct stat st, init_st;
	char path[64];
	unsigned int i;

	if (fstat(ns_fd, &st))
		return false;
	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		if (!strcmp(fixed[i].name, name))
			return st.st_ino == fixed[i].ino;
	snprintf(path, sizeof(path), "/proc/1/ns/%s", name);
	if (stat(path, &init_st))
		return false;
	return st.st_ino == init_st.st_ino && st.st_dev == init_st.st_dev;
}

/* NULL if the driver and the system call are there, else why not. */
static const char *driver_ready(void)
{
	int ret;

	/* mnt: the one namespace type every kernel has */
	if (access("/dev/test_perns_mnt", F_OK)) {
		ret = system("modprobe test_perns >/dev/null 2>&1");
		if (access("/dev/test_perns_mnt", F_OK))
			return ret ? "cannot load test_perns (CONFIG_TEST_PERNS=m)" :
				"test_perns loaded but /dev/test_perns_mnt missing";
	}
	/* Zero flags are invalid: the flags are checked first. */
	if (sys_setdevns(-1, -1, 0, 0) == 0 || errno != EINVAL)
		return "setdevns() not supported by this kernel";
	return NULL;
}

/*
 * A holder: a process in a new namespace of one type, which opens the test
 * driver's device there on request and answers over a seqpacket socket.
 * It keeps one file, opened at its start or on request ('o'), to show that
 * a file keeps the context it was bound to.
 */
struct holder {
	pid_t pid;
	int sock;
	int ns_fd;
	int pidfd;
};

struct holder_reply {
	int err;
	struct ctx ctx;
};

enum {
	HOLD_REOPEN = 'o',	/* reopen the kept file */
	HOLD_KEPT = 'k',	/* read the kept file */
	HOLD_NEW = 'n',		/* read a new file */
	HOLD_BUMP = 'w',	/* write to a new file */
	HOLD_SEND = 'f',	/* send a new file */
};

static int send_reply(int sock, struct holder_reply *r, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = r, .iov_len = sizeof(*r) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;

	if (fd >= 0) {
		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	return sendmsg(sock, &msg, 0) == sizeof(*r) ? 0 : -1;
}

static void holder_main(int sock, const char *dev)
{
	int kept = open(dev, O_RDWR | O_CLOEXEC);

	for (;;) {
		struct holder_reply r = { 0 };
		int fd = -1, send = -1;
		char cmd;

		if (read(sock, &cmd, 1) != 1)
			_exit(0);
		if (cmd != HOLD_KEPT) {
			fd = open(dev, O_RDWR | O_CLOEXEC);
			if (fd < 0)
				r.err = -errno;
		}
		if (!r.err) {
			switch (cmd) {
			case HOLD_REOPEN:
				close(kept);
				kept = fd;
				fd = -1;
				r.err = ctx_read(kept, &r.ctx);
				break;
			case HOLD_KEPT:
				r.err = kept < 0 ? -EBADF : ctx_read(kept, &r.ctx);
				break;
			case HOLD_NEW:
				r.err = ctx_read(fd, &r.ctx);
				break;
			case HOLD_BUMP:
				r.err = ctx_bump(fd) ?: ctx_read(fd, &r.ctx);
				break;
			case HOLD_SEND:
				r.err = ctx_read(fd, &r.ctx);
				send = fd;
				break;
			default:
				r.err = -EINVAL;
			}
		}
		if (send_reply(sock, &r, send))
			_exit(1);
		if (fd >= 0)
			close(fd);
	}
}

static void holder_init(struct holder *h)
{
	h->pid = -1;
	h->sock = -1;
	h->ns_fd = -1;
	h->pidfd = -1;
}

/* 0 or a negative errno; opens the namespace fd and a pidfd of @h. */
static int holder_start(struct holder *h, const struct nstype_info *info)
{
	struct __clone_args args = {
		.flags = info->nstype | CLONE_PIDFD,
		.exit_signal = SIGCHLD,
	};
	char path[64];
	int sv[2], err;

	holder_init(h);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	args.pidfd = (uintptr_t)&h->pidfd;
	h->pid = sys_clone3(&args, sizeof(args));
	if (h->pid < 0) {
		err = -errno;
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	if (h->pid == 0) {
		int fd;

		/*
		 * Keep only our end of the socket: a holder that kept another
		 * holder's socket open would keep that one from seeing EOF.
		 */
		for (fd = 3; fd < 1024; fd++)
			if (fd != sv[1])
				close(fd);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		holder_main(sv[1], info->dev);
	}
	close(sv[1]);
	h->sock = sv[0];
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", h->pid, info->name);
	h->ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	return h->ns_fd < 0 ? -errno : 0;
}

static void holder_stop(struct holder *h)
{
	if (h->sock >= 0)
		close(h->sock);
	if (h->ns_fd >= 0)
		close(h->ns_fd);
	if (h->pidfd >= 0)
		close(h->pidfd);
	if (h->pid > 0)
		waitpid(h->pid, NULL, 0);
	holder_init(h);
}

/* Asks @h; 0 or a negative errno. *@fd gets the file of HOLD_SEND. */
static int holder_ask(struct holder *h, char cmd, struct ctx *ctx, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct holder_reply r;
	struct iovec iov = { .iov_base = &r, .iov_len = sizeof(r) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;

	if (write(h->sock, &cmd, 1) != 1)
		return -errno;
	if (recvmsg(h->sock, &msg, MSG_CMSG_CLOEXEC) != sizeof(r))
		return -EPROTO;
	if (r.err)
		return r.err;
	if (ctx)
		*ctx = r.ctx;
	if (fd) {
		cmsg = CMSG_FIRSTHDR(&msg);
		if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
			return -EPROTO;
		memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	}
	return 0;
}

/* Per namespace type: SHARE, UNSHARE and MIGRATE, seen both ways. */

FIXTURE(setdevns) {
	int dev_fd;		/* bound to the test's initial namespace */
	dev_t rdev;
	int self_ns;		/* the test's namespace of the type */
	struct holder a, b;
};

FIXTURE_VARIANT(setdevns) {
	struct nstype_info info;
};

FIXTURE_VARIANT_ADD(setdevns, user) {
	{ "user", CLONE_NEWUSER, "/dev/test_perns_user" },
};

FIXTURE_VARIANT_ADD(setdevns, uts) {
	{ "uts", CLONE_NEWUTS, "/dev/test_perns_uts" },
};

FIXTURE_VARIANT_ADD(setdevns, ipc) {
	{ "ipc", CLONE_NEWIPC, "/dev/test_perns_ipc" },
};

FIXTURE_VARIANT_ADD(setdevns, pid) {
	{ "pid", CLONE_NEWPID, "/dev/test_perns_pid" },
};

FIXTURE_VARIANT_ADD(setdevns, net) {
	{ "net", CLONE_NEWNET, "/dev/test_perns_net" },
};

FIXTURE_VARIANT_ADD(setdevns, mnt) {
	{ "mnt", CLONE_NEWNS, "/dev/test_perns_mnt" },
};

FIXTURE_VARIANT_ADD(setdevns, cgroup) {
	{ "cgroup", CLONE_NEWCGROUP, "/dev/test_perns_cgroup" },
};

FIXTURE_VARIANT_ADD(setdevns, time) {
	{ "time", CLONE_NEWTIME, "/dev/test_perns_time" },
};

FIXTURE_SETUP(setdevns)
{
	const char *why;
	char path[64];
	int err;

	holder_init(&self->a);
	holder_init(&self->b);
	self->self_ns = -1;
	self->dev_fd = -1;
	why = driver_ready();
	if (why)
		SKIP(return, "%s", why);

	snprintf(path, sizeof(path), "/proc/self/ns/%s", variant->info.name);
	self->self_ns = open(path, O_RDONLY | O_CLOEXEC);
	if (self->self_ns < 0)
		SKIP(return, "no %s namespaces: %m", variant->info.name);
	self->dev_fd = open(variant->info.dev, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev_fd) TH_LOG("%s: %m", variant->info.dev);
	self->rdev = fd_rdev(self->dev_fd);
	err = holder_start(&self->a, &variant->info);
	if (err == -EINVAL || err == -ENOENT)
		SKIP(return, "cannot create a %s namespace: %s",
		     variant->info.name, strerror(-err));
	ASSERT_EQ(0, err) TH_LOG("holder: %s", strerror(-err));
}

FIXTURE_TEARDOWN(setdevns)
{
	holder_stop(&self->a);
	holder_stop(&self->b);
	if (self->self_ns >= 0)
		close(self->self_ns);
	if (self->dev_fd >= 0)
		close(self->dev_fd);
}

#define EXPECT_ERRNO(call, err) do {					\
		errno = 0;						\
		EXPECT_EQ(-1, (call));					\
		EXPECT_EQ(err, errno) TH_LOG("%s: %s", #call, strerror(errno)); \
	} while (0)

/* Read @fd's context into @c, asserting success. */
#define READ_CTX(fd, c) ASSERT_EQ(0, ctx_read(fd, c))
#define ASK(h, cmd, c) ASSERT_EQ(0, holder_ask(h, cmd, c, NULL))
#define DEVCTX(ns, rdev, info) ASSERT_EQ(0, devctx(ns, rdev, info))

/* A new namespace shares the context of the one it was created from. */
TEST_F(setdevns, new_ns_shares_origin)
{
	struct ns_devctx self_info, info;
	struct ctx c, h;

	READ_CTX(self->dev_fd, &c);
	DEVCTX(self->self_ns, self->rdev, &self_info);
	EXPECT_EQ(c.id, self_info.ctx_id);
	DEVCTX(self->a.ns_fd, self->rdev, &info);
	EXPECT_EQ(c.id, info.ctx_id);
	EXPECT_FALSE(info.flags & NS_DEVCTX_PRIVATE);
	EXPECT_EQ(NS_DEVCTX_SIZE_VER1, info.size);
	/* The initial namespace owns the context every new one shares. */
	EXPECT_EQ(self_info.owner_ino, info.owner_ino);
	if (initial_ns(self->self_ns, variant->info.name))
		EXPECT_EQ(fd_ino(self->self_ns), info.owner_ino);

	/* One context: a write here is seen there. */
	ASSERT_EQ(0, ctx_bump(self->dev_fd));
	ASK(&self->a, HOLD_NEW, &h);
	EXPECT_EQ(c.id, h.id);
	EXPECT_EQ(c.counter + 1, h.counter);
	ASK(&self->a, HOLD_KEPT, &h);
	EXPECT_EQ(c.id, h.id);
}

TEST_F(setdevns, unshare)
{
	struct ns_devctx info, self_before, self_after;
	struct ctx c, h, p;

	ASSERT_EQ(0, ctx_bump(self->dev_fd));
	ASSERT_EQ(0, ctx_bump(self->dev_fd));
	READ_CTX(self->dev_fd, &c);
	DEVCTX(self->self_ns, self->rdev, &self_before);
	ASK(&self->a, HOLD_REOPEN, &h);
	ASSERT_EQ(c.id, h.id);

	ASSERT_EQ(0, sys_setdevns(self->dev_fd, self->a.ns_fd,
				  variant->info.nstype, SETDEVNS_UNSHARE))
		TH_LOG("setdevns: %m");

	DEVCTX(self->a.ns_fd, self->rdev, &info);
	EXPECT_NE(c.id, info.ctx_id);
	EXPECT_TRUE(info.flags & NS_DEVCTX_PRIVATE);
	EXPECT_EQ(fd_ino(self->a.ns_fd), info.owner_ino);
	ASK(&self->a, HOLD_NEW, &p);
	EXPECT_EQ(info.ctx_id, p.id);
	EXPECT_EQ(c.counter, p.counter);	/* copied */

	/* Two contexts now. */
	ASK(&self->a, HOLD_BUMP, &p);
	EXPECT_EQ(c.counter + 1, p.counter);
	READ_CTX(self->dev_fd, &h);
	EXPECT_EQ(c.id, h.id);
	EXPECT_EQ(c.counter, h.counter);

	/* The file opened before keeps its context; the source is intact. */
	ASK(&self->a, HOLD_KEPT, &h);
	EXPECT_EQ(c.id, h.id);
	DEVCTX(self->self_ns, self->rdev, &self_after);
	EXPECT_EQ(self_before.ctx_id, self_after.ctx_id);
	EXPECT_EQ(self_before.flags, self_after.flags);
}

TEST_F(setdevns, share)
{
	struct ns_devctx info;
	struct ctx c, h, p;

	READ_CTX(self->dev_fd, &c);
	/* Give the namespace a private context first, and a file of it. */
	ASSERT_EQ(0, sys_setdevns(self->dev_fd, self->a.ns_fd, 0,
				  SETDEVNS_UNSHARE)) TH_LOG("unshare: %m");
	ASK(&self->a, HOLD_REOPEN, &p);
	ASSERT_NE(c.id, p.id);

	ASSERT_EQ(0, sys_setdevns(self->dev_fd, self->a.ns_fd,
				  variant->info.nstype, SETDEVNS_SHARE))
		TH_LOG("share: %m");

	DEVCTX(self->a.ns_fd, self->rdev, &info);
	EXPECT_EQ(c.id, info.ctx_id);
	EXPECT_FALSE(info.flags & NS_DEVCTX_PRIVATE);
	ASSERT_EQ(0, ctx_bump(self->dev_fd));
	ASK(&self->a, HOLD_NEW, &h);
	EXPECT_EQ(c.id, h.id);
	EXPECT_EQ(c.counter + 1, h.counter);

	/* The file opened before keeps the private context. */
	ASK(&self->a, HOLD_KEPT, &h);
	EXPECT_EQ(p.id, h.id);

	/* Sharing the context it already uses changes nothing. */
	ASSERT_EQ(0, sys_setdevns(self->dev_fd, self->a.ns_fd, 0,
				  SETDEVNS_SHARE));
	DEVCTX(self->a.ns_fd, self->rdev, &info);
	EXPECT_EQ(c.id, info.ctx_id);
}

/*
 * The initial namespace's contexts are fixed: its context cannot be
 * migrated, and it cannot be the target of any mode.
 */
TEST_F(setdevns, initial_fixed)
{
	struct ns_devctx before, info, a_before;
	unsigned int mode;
	struct ctx c, h;

	if (!initial_ns(self->self_ns, variant->info.name))
		SKIP(return, "not in the initial %s namespace",
		     variant->info.name);
	READ_CTX(self->dev_fd, &c);
	DEVCTX(self->self_ns, self->rdev, &before);
	ASSERT_EQ(c.id, before.ctx_id);
	DEVCTX(self->a.ns_fd, self->rdev, &a_before);

	EXPECT_ERRNO(sys_setdevns(self->dev_fd, self->a.ns_fd,
				  variant->info.nstype, SETDEVNS_MIGRATE),
		     EINVAL);
	EXPECT_ERRNO(sys_setdevns(self->dev_fd, self->a.pidfd,
				  variant->info.nstype, SETDEVNS_MIGRATE),
		     EINVAL);
	for (mode = SETDEVNS_SHARE; mode <= SETDEVNS_MIGRATE; mode <<= 1)
		EXPECT_ERRNO(sys_setdevns(self->dev_fd, self->self_ns, 0, mode),
			     EINVAL);

	/* Not even with a context of another namespace. */
	ASSERT_EQ(0, sys_setdevns(self->dev_fd, self->a.ns_fd, 0,
				  SETDEVNS_UNSHARE)) TH_LOG("unshare: %m");
	{
		int fd;

		ASSERT_EQ(0, holder_ask(&self->a, HOLD_SEND, &h, &fd));
		for (mode = SETDEVNS_SHARE; mode <= SETDEVNS_MIGRATE;
		     mode <<= 1)
			EXPECT_ERRNO(sys_setdevns(fd, self->self_ns, 0, mode),
				     EINVAL);
		close(fd);
	}

	DEVCTX(self->self_ns, self->rdev, &info);
	EXPECT_EQ(before.ctx_id, info.ctx_id);
	EXPECT_EQ(before.flags, info.flags);
	EXPECT_EQ(fd_ino(self->self_ns), info.owner_ino);
	READ_CTX(self->dev_fd, &h);
	EXPECT_EQ(c.id, h.id);
}

/* /proc/PID/fdinfo shows the context a file is bound to. */
TEST_F(setdevns, fdinfo)
{
	unsigned long long id = 0;
	char path[64], line[128], type[32] = "";
	struct ctx c, p;
	int found = 0, fd;
	FILE *f;

	READ_CTX(self->dev_fd, &c);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", self->dev_fd);
	f = fopen(path, "re");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		found += sscanf(line, "perns_ctx: %llu", &id) == 1;
		found += sscanf(line, "perns_type: %31s", type) == 1;
	}
	fclose(f);
	EXPECT_EQ(2, found);
	EXPECT_EQ(c.id, id);
	EXPECT_STREQ(type, variant->info.name);

	/* A private context, in a file passed from its namespace. */
	ASSERT_EQ(0, sys_setdevns(self->dev_fd, self->a.ns_fd, 0,
				  SETDEVNS_UNSHARE));
	ASSERT_EQ(0, holder_ask(&self->a, HOLD_SEND, &p, &fd));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	ASSERT_NE(NULL, f);
	id = 0;
	while (fgets(line, sizeof(line), f))
		sscanf(line, "perns_ctx: %llu", &id);
	fclose(f);
	EXPECT_EQ(p.id, id);
	EXPECT_NE(c.id, id);
	close(fd);
}

static unsigned int read_param(const char *name)
{
	char path[128];
	unsigned int v;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/module/test_perns/parameters/%s",
		 name);
	f = fopen(path, "re");
	if (!f)
		return UINT32_MAX;
	n = fscanf(f, "%u", &v);
	fclose(f);
	return n == 1 ? v : UINT32_MAX;
}

/*
 * The driver's init method, run for a new namespace, finds it complete
 * and reaches the device's context through it.
 */
TEST_F(setdevns, init_sees_complete_ns)
{
	unsigned int checked = read_param("init_checked");

	ASSERT_NE(UINT32_MAX, checked);
	ASSERT_EQ(0, holder_start(&self->b, &variant->info));
	EXPECT_LT(checked, read_param("init_checked"));
	EXPECT_EQ(0, read_param("init_bad"));
}

/*
 * Migrating a context a child namespace owns: that namespace goes back to
 * the initial namespace's context.
 */
TEST_F(setdevns, migrate_from_child)
{
	struct ns_devctx info, self_info;
	struct ctx c, p, h;
	int fd;

	READ_CTX(self->dev_fd, &c);
	ASSERT_EQ(0, holder_start(&self->b, &variant->info));
	ASSERT_EQ(0, sys_setdevns(self->dev_fd, self->a.ns_fd, 0,
				  SETDEVNS_UNSHARE)) TH_LOG("unshare: %m");
	ASSERT_EQ(0, holder_ask(&self->a, HOLD_SEND, &p, &fd));
	ASSERT_NE(c.id, p.id);
	ASSERT_EQ(0, ctx_bump(fd));

	ASSERT_EQ(0, sys_setdevns(fd, self->b.ns_fd, variant->info.nstype,
				  SETDEVNS_MIGRATE)) TH_LOG("migrate: %m");

	DEVCTX(self->b.ns_fd, self->rdev, &info);
	EXPECT_EQ(p.id, info.ctx_id);
	EXPECT_TRUE(info.flags & NS_DEVCTX_PRIVATE);
	ASK(&self->b, HOLD_NEW, &h);
	EXPECT_EQ(p.id, h.id);
	EXPECT_EQ(p.counter + 1, h.counter);

	/* a goes back to the initial namespace's context. */
	DEVCTX(self->self_ns, self->rdev, &self_info);
	EXPECT_EQ(c.id, self_info.ctx_id);
	DEVCTX(self->a.ns_fd, self->rdev, &info);
	EXPECT_EQ(c.id, info.ctx_id);
	EXPECT_FALSE(info.flags & NS_DEVCTX_PRIVATE);
	ASK(&self->a, HOLD_NEW, &h);
	EXPECT_EQ(c.id, h.id);
	close(fd);
}

/* The driver's migrate op refuses: its error, and nothing changed. */
TEST_F(setdevns, migrate_refused_by_driver)
{
	struct ns_devctx a_before, b_before, info;
	struct ctx c, p, h;
	int fd, i;

	READ_CTX(self->dev_fd, &c);
	ASSERT_EQ(0, holder_start(&self->b, &variant->info));
	ASSERT_EQ(0, sys_setdevns(self->dev_fd, self->a.ns_fd, 0,
				  SETDEVNS_UNSHARE)) TH_LOG("unshare: %m");
	ASSERT_EQ(0, holder_ask(&self->a, HOLD_SEND, &p, &fd));
	ASSERT_GE(MIGRATE_BUSY, p.counter);
	for (i = p.counter; i < MIGRATE_BUSY; i++)
		ASSERT_EQ(0, ctx_bump(fd));
	READ_CTX(fd, &p);
	ASSERT_EQ(MIGRATE_BUSY, p.counter);
	DEVCTX(self->a.ns_fd, self->rdev, &a_before);
	DEVCTX(self->b.ns_fd, self->rdev, &b_before);

	EXPECT_EQ(-1, sys_setdevns(fd, self->b.ns_fd, 0, SETDEVNS_MIGRATE));
	EXPECT_EQ(EBUSY, errno);

	DEVCTX(self->a.ns_fd, self->rdev, &info);
	EXPECT_EQ(a_before.ctx_id, info.ctx_id);
	EXPECT_EQ(a_before.flags, info.flags);
	EXPECT_TRUE(info.flags & NS_DEVCTX_PRIVATE);
	DEVCTX(self->b.ns_fd, self->rdev, &info);
	EXPECT_EQ(b_before.ctx_id, info.ctx_id);
	EXPECT_EQ(b_before.flags, info.flags);
	ASK(&self->b, HOLD_NEW, &h);
	EXPECT_EQ(c.id, h.id);
	READ_CTX(fd, &h);
	EXPECT_EQ(p.id, h.id);
	EXPECT_EQ(MIGRATE_BUSY, h.counter);

	/* One more write and the driver lets it go. */
	ASSERT_EQ(0, ctx_bump(fd));
	EXPECT_EQ(0, sys_setdevns(fd, self->b.ns_fd, 0, SETDEVNS_MIGRATE));
	DEVCTX(self->b.ns_fd, self->rdev, &info);
	EXPECT_EQ(p.id, info.ctx_id);
	close(fd);
}

/* A pidfd names the process's namespace of type nstype. */
TEST_F(setdevns, pidfd_target)
{
	struct ns_devctx info;
	struct ctx c, h;

	READ_CTX(self->dev_fd, &c);
	ASSERT_LE(0, self->a.pidfd);
	EXPECT_EQ(-1, sys_setdevns(self->dev_fd, self->a.pidfd, 0,
				   SETDEVNS_UNSHARE));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, sys_setdevns(self->dev_fd, self->a.pidfd,
				  variant->info.nstype, SETDEVNS_UNSHARE))
		TH_LOG("setdevns: %m");
	DEVCTX(self->a.ns_fd, self->rdev, &info);
	EXPECT_NE(c.id, info.ctx_id);
	EXPECT_TRUE(info.flags & NS_DEVCTX_PRIVATE);
	ASK(&self->a, HOLD_NEW, &h);
	EXPECT_EQ(info.ctx_id, h.id);

	ASSERT_EQ(0, sys_setdevns(self->dev_fd, self->a.pidfd,
				  variant->info.nstype, SETDEVNS_SHARE));
	DEVCTX(self->a.ns_fd, self->rdev, &info);
	EXPECT_EQ(c.id, info.ctx_id);
	EXPECT_FALSE(info.flags & NS_DEVCTX_PRIVATE);
}

/*
 * Race: the target namespace dies (its last task exits and its last
 * reference goes) while another thread runs setdevns() on it, through a
 * pidfd and through an nsfs file.
 */
struct race {
	int dev_fd;
	int nstype;
	atomic_int pidfd;
	atomic_int ns_fd;
	atomic_bool stop;
	unsigned long calls, ok, bad;
	int bad_errno;
};

static void *race_worker(void *arg)
{
	static const unsigned int modes[] = {
		SETDEVNS_SHARE, SETDEVNS_UNSHARE, SETDEVNS_MIGRATE,
	};
	struct race *r = arg;
	unsigned int i = 0;

	while (!atomic_load(&r->stop)) {
		unsigned int mode = modes[i++ % 3];
		int fds[2] = { atomic_load(&r->pidfd), atomic_load(&r->ns_fd) };
		int j, ret;

		for (j = 0; j < 2; j++) {
			if (fds[j] < 0)
				continue;
			ret = sys_setdevns(r->dev_fd, fds[j],
					   j ? 0 : r->nstype, mode);
			r->calls++;
			if (!ret) {
				r->ok++;
				continue;
			}
			/* Gone, or the fd number was reused meanwhile. */
			if (errno == ESRCH || errno == EBADF ||
			    errno == EINVAL)
				continue;
			r->bad++;
			r->bad_errno = errno;
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(setdevns, race_ns_dying, RACE_SECONDS + 60)
{
	struct race r = { .dev_fd = self->dev_fd,
			  .nstype = variant->info.nstype };
	struct timespec start, now;
	unsigned long rounds = 0;
	pthread_t thread;

	atomic_init(&r.pidfd, -1);
	atomic_init(&r.ns_fd, -1);
	atomic_init(&r.stop, false);
	holder_stop(&self->a);
	ASSERT_EQ(0, pthread_create(&thread, NULL, race_worker, &r));
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		struct __clone_args args = {
			.flags = variant->info.nstype | CLONE_PIDFD,
			.exit_signal = SIGCHLD,
		};
		int pidfd = -1, ns_fd, i;
		char path[64];
		pid_t pid;

		args.pidfd = (uintptr_t)&pidfd;
		pid = sys_clone3(&args, sizeof(args));
		if (pid == 0) {
			for (i = rounds % 64; i > 0; i--)
				syscall(__NR_getppid);
			_exit(0);
		}
		if (pid < 0)
			break;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid,
			 variant->info.name);
		ns_fd = open(path, O_RDONLY | O_CLOEXEC);
		atomic_store(&r.pidfd, pidfd);
		atomic_store(&r.ns_fd, ns_fd);
		waitpid(pid, NULL, 0);
		/* The namespace goes with the last of these. */
		atomic_store(&r.ns_fd, -1);
		if (ns_fd >= 0)
			close(ns_fd);
		atomic_store(&r.pidfd, -1);
		close(pidfd);
		rounds++;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < RACE_SECONDS);
	atomic_store(&r.stop, true);
	pthread_join(thread, NULL);

	TH_LOG("%lu namespaces, %lu calls, %lu succeeded", rounds, r.calls,
	       r.ok);
	EXPECT_LT(0, rounds);
	EXPECT_EQ(0, r.bad) TH_LOG("unexpected errno %d", r.bad_errno);
}

/* Errors, each with its errno; nothing changes on failure. */

FIXTURE(errors) {
	int uts_fd, ipc_fd, plain_fd;
	dev_t uts_rdev;
	int self_uts;
	struct holder h;
	struct ns_devctx before;
};

FIXTURE_SETUP(errors)
{
	const char *why;

	holder_init(&self->h);
	self->uts_fd = -1;
	self->ipc_fd = -1;
	self->plain_fd = -1;
	self->self_uts = -1;
	why = driver_ready();
	if (why)
		SKIP(return, "%s", why);
	/* The error cases use uts namespaces and the uts test devices */
	if (access("/proc/self/ns/uts", F_OK))
		SKIP(return, "no uts namespaces in this kernel (CONFIG_UTS_NS=n)");
	self->uts_fd = open("/dev/test_perns_uts", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->uts_fd);
	self->ipc_fd = open("/dev/test_perns_ipc", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->ipc_fd);
	self->plain_fd = open("/dev/test_perns_plain", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->plain_fd);
	self->uts_rdev = fd_rdev(self->uts_fd);
	self->self_uts = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->self_uts);
	ASSERT_EQ(0, holder_start(&self->h, &uts_info));
	ASSERT_EQ(0, devctx(self->h.ns_fd, self->uts_rdev, &self->before));
}

FIXTURE_TEARDOWN(errors)
{
	struct ns_devctx after;

	/* Nothing changed. */
	if (self->h.ns_fd >= 0 &&
	    !devctx(self->h.ns_fd, self->uts_rdev, &after)) {
		EXPECT_EQ(self->before.ctx_id, after.ctx_id);
		EXPECT_EQ(self->before.flags, after.flags);
	}
	holder_stop(&self->h);
	close(self->self_uts);
	close(self->plain_fd);
	close(self->ipc_fd);
	close(self->uts_fd);
}

TEST_F(errors, bad_flags)
{
	int ns = self->h.ns_fd, dev = self->uts_fd;

	EXPECT_ERRNO(sys_setdevns(dev, ns, 0, 0), EINVAL);
	EXPECT_ERRNO(sys_setdevns(dev, ns, 0,
				  SETDEVNS_SHARE | SETDEVNS_UNSHARE), EINVAL);
	EXPECT_ERRNO(sys_setdevns(dev, ns, 0,
				  SETDEVNS_UNSHARE | SETDEVNS_MIGRATE), EINVAL);
	EXPECT_ERRNO(sys_setdevns(dev, ns, 0, SETDEVNS_MODES), EINVAL);
	EXPECT_ERRNO(sys_setdevns(dev, ns, 0,
				  SETDEVNS_UNSHARE | 0x80000000), EINVAL);
	EXPECT_ERRNO(sys_setdevns(dev, ns, 0, 0x80000000), EINVAL);
	EXPECT_ERRNO(sys_setdevns(dev, ns, 0, SETDEVNS_MIGRATE << 1), EINVAL);
	/* The flags are checked first. */
	EXPECT_ERRNO(sys_setdevns(-1, -1, 0, 0), EINVAL);
}

TEST_F(errors, bad_fds)
{
	int closed = dup(self->uts_fd);

	ASSERT_LE(0, closed);
	close(closed);
	EXPECT_ERRNO(sys_setdevns(-1, self->h.ns_fd, 0, SETDEVNS_SHARE), EBADF);
	EXPECT_ERRNO(sys_setdevns(closed, self->h.ns_fd, 0, SETDEVNS_SHARE),
		     EBADF);
	EXPECT_ERRNO(sys_setdevns(self->uts_fd, -1, 0, SETDEVNS_SHARE), EBADF);
	EXPECT_ERRNO(sys_setdevns(self->uts_fd, closed, 0, SETDEVNS_UNSHARE),
		     EBADF);
	EXPECT_ERRNO(sys_setdevns(self->uts_fd, INT32_MAX, 0,
				  SETDEVNS_SHARE), EBADF);
}

/* dev_fd must be a file of a perns device. */
TEST_F(errors, dev_fd_not_perns)
{
	int ns = self->h.ns_fd, reg, null, p[2];

	reg = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, reg);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, null);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));

	EXPECT_ERRNO(sys_setdevns(reg, ns, 0, SETDEVNS_SHARE), ENODEV);
	EXPECT_ERRNO(sys_setdevns(p[0], ns, 0, SETDEVNS_SHARE), ENODEV);
	EXPECT_ERRNO(sys_setdevns(p[1], ns, 0, SETDEVNS_UNSHARE), ENODEV);
	EXPECT_ERRNO(sys_setdevns(null, ns, 0, SETDEVNS_SHARE), ENODEV);
	EXPECT_ERRNO(sys_setdevns(ns, ns, 0, SETDEVNS_SHARE), ENODEV);
	EXPECT_ERRNO(sys_setdevns(self->self_uts, ns, CLONE_NEWUTS,
				  SETDEVNS_MIGRATE), ENODEV);
	EXPECT_ERRNO(sys_setdevns(self->h.pidfd, ns, 0, SETDEVNS_SHARE),
		     ENODEV);
	close(p[0]);
	close(p[1]);
	close(null);
	close(reg);
}

/* ns_fd must be an nsfs file or a pidfd. */
TEST_F(errors, ns_fd_not_ns)
{
	int dev = self->uts_fd, reg, null, p[2];

	reg = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, reg);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, null);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));

	EXPECT_ERRNO(sys_setdevns(dev, reg, 0, SETDEVNS_SHARE), EINVAL);
	EXPECT_ERRNO(sys_setdevns(dev, reg, CLONE_NEWUTS, SETDEVNS_SHARE),
		     EINVAL);
	EXPECT_ERRNO(sys_setdevns(dev, null, 0, SETDEVNS_SHARE), EINVAL);
	EXPECT_ERRNO(sys_setdevns(dev, p[0], 0, SETDEVNS_UNSHARE), EINVAL);
	EXPECT_ERRNO(sys_setdevns(dev, dev, 0, SETDEVNS_SHARE), EINVAL);
	close(p[0]);
	close(p[1]);
	close(null);
	close(reg);
}

TEST_F(errors, nstype_mismatch)
{
	int ns = self->h.ns_fd, pidfd = self->h.pidfd;

	/* nstype against the namespace */
	EXPECT_ERRNO(sys_setdevns(self->uts_fd, ns, CLONE_NEWIPC,
				  SETDEVNS_SHARE), EINVAL);
	EXPECT_ERRNO(sys_setdevns(self->uts_fd, ns, CLONE_NEWUSER,
				  SETDEVNS_UNSHARE), EINVAL);
	EXPECT_ERRNO(sys_setdevns(self->uts_fd, ns, -1, SETDEVNS_SHARE),
		     EINVAL);
	/* the device's type against the namespace */
	EXPECT_ERRNO(sys_setdevns(self->ipc_fd, ns, 0, SETDEVNS_SHARE),
		     EINVAL);
	EXPECT_ERRNO(sys_setdevns(self->ipc_fd, ns, CLONE_NEWUTS,
				  SETDEVNS_UNSHARE), EINVAL);
	EXPECT_ERRNO(sys_setdevns(self->ipc_fd, self->self_uts, 0,
				  SETDEVNS_MIGRATE), EINVAL);
	/* a pidfd needs exactly one namespace type, the device's */
	EXPECT_ERRNO(sys_setdevns(self->uts_fd, pidfd, 0, SETDEVNS_SHARE),
		     EINVAL);
	EXPECT_ERRNO(sys_setdevns(self->uts_fd, pidfd,
				  CLONE_NEWUTS | CLONE_NEWIPC, SETDEVNS_SHARE),
		     EINVAL);
	EXPECT_ERRNO(sys_setdevns(self->uts_fd, pidfd, CLONE_NEWIPC,
				  SETDEVNS_SHARE), EINVAL);
	EXPECT_ERRNO(sys_setdevns(self->uts_fd, pidfd, CLONE_VM,
				  SETDEVNS_SHARE), EINVAL);
}

/* A device without unshare and migrate ops. */
TEST_F(errors, op_not_supported)
{
	struct ns_devctx before, info;
	dev_t rdev = fd_rdev(self->plain_fd);

	ASSERT_EQ(0, devctx(self->h.ns_fd, rdev, &before));
	EXPECT_ERRNO(sys_setdevns(self->plain_fd, self->h.ns_fd, 0,
				  SETDEVNS_UNSHARE), EOPNOTSUPP);
	EXPECT_ERRNO(sys_setdevns(self->plain_fd, self->h.ns_fd, CLONE_NEWUTS,
				  SETDEVNS_MIGRATE), EOPNOTSUPP);
	EXPECT_ERRNO(sys_setdevns(self->plain_fd, self->h.pidfd, CLONE_NEWUTS,
				  SETDEVNS_UNSHARE), EOPNOTSUPP);
	ASSERT_EQ(0, devctx(self->h.ns_fd, rdev, &info));
	EXPECT_EQ(before.ctx_id, info.ctx_id);
	EXPECT_EQ(before.flags, info.flags);
	/* SHARE needs no op. */
	EXPECT_EQ(0, sys_setdevns(self->plain_fd, self->h.ns_fd, 0,
				  SETDEVNS_SHARE));
}

/* Without CAP_SYS_ADMIN: uid nobody, no capabilities. */
TEST_F(errors, unprivileged)
{
	unsigned int mode;

	ASSERT_EQ(0, setgroups(0, NULL));
	ASSERT_EQ(0, setresgid(NOBODY, NOBODY, NOBODY));
	ASSERT_EQ(0, setresuid(NOBODY, NOBODY, NOBODY));

	for (mode = SETDEVNS_SHARE; mode <= SETDEVNS_MIGRATE; mode <<= 1) {
		EXPECT_ERRNO(sys_setdevns(self->uts_fd, self->h.ns_fd, 0, mode),
			     EPERM);
		EXPECT_ERRNO(sys_setdevns(self->uts_fd, self->self_uts,
					  CLONE_NEWUTS, mode), EPERM);
		/* may not even look at a root process's namespaces */
		EXPECT_ERRNO(sys_setdevns(self->uts_fd, self->h.pidfd,
					  CLONE_NEWUTS, mode), EPERM);
	}
}

/*
 * A container's root, with every capability in its own user namespace,
 * cannot choose the contexts of that user namespace, nor take a context
 * from the host: both need CAP_SYS_ADMIN in the host's user namespace.
 * It can choose the contexts of the namespaces its user namespace owns,
 * but not migrate one of their contexts away, which would send the
 * namespace losing it back to the host's context.
 */
TEST_F(errors, container_root)
{
	struct ns_devctx info, host_before, host_after, mine;
	int user_fd, userns, utsns, utsns2, uts_fd, private_fd;
	unsigned int mode;

	ASSERT_EQ(0, devctx(self->self_uts, self->uts_rdev, &host_before));
	ASSERT_EQ(0, unshare(CLONE_NEWUSER));
	ASSERT_EQ(0, write_file("/proc/self/setgroups", "deny"));
	ASSERT_EQ(0, write_file("/proc/self/uid_map", "0 0 1"));
	ASSERT_EQ(0, write_file("/proc/self/gid_map", "0 0 1"));

	user_fd = open("/dev/test_perns_user", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, user_fd) TH_LOG("open: %m");
	userns = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, userns);
	ASSERT_EQ(0, devctx(userns, fd_rdev(user_fd), &info));
	for (mode = SETDEVNS_SHARE; mode <= SETDEVNS_MIGRATE; mode <<= 1)
		EXPECT_ERRNO(sys_setdevns(user_fd, userns, CLONE_NEWUSER,
					  mode), EPERM);
	EXPECT_ERRNO(sys_setdevns(user_fd, userns, 0, SETDEVNS_UNSHARE),
		     EPERM);

	/* Its own uts namespace: yes, from a context it is allowed to use. */
	ASSERT_EQ(0, unshare(CLONE_NEWUTS));
	utsns = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, utsns);
	uts_fd = open("/dev/test_perns_uts", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, uts_fd);
	EXPECT_EQ(0, sys_setdevns(uts_fd, utsns, CLONE_NEWUTS,
				  SETDEVNS_UNSHARE)) TH_LOG("unshare: %m");
	/* ...but it cannot take the host's context away from the host. */
	EXPECT_ERRNO(sys_setdevns(self->uts_fd, utsns, CLONE_NEWUTS,
				  SETDEVNS_MIGRATE), EPERM);
	/* ...nor its own private context from its namespace to another. */
	private_fd = open("/dev/test_perns_uts", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, private_fd);
	ASSERT_EQ(0, devctx(utsns, fd_rdev(private_fd), &mine));
	ASSERT_EQ(NS_DEVCTX_PRIVATE, mine.flags & NS_DEVCTX_PRIVATE);
	ASSERT_EQ(0, unshare(CLONE_NEWUTS));
	utsns2 = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, utsns2);
	EXPECT_ERRNO(sys_setdevns(private_fd, utsns2, CLONE_NEWUTS,
				  SETDEVNS_MIGRATE), EPERM);
	ASSERT_EQ(0, devctx(utsns, fd_rdev(private_fd), &info));
	EXPECT_EQ(mine.ctx_id, info.ctx_id);
	EXPECT_EQ(NS_DEVCTX_PRIVATE, info.flags & NS_DEVCTX_PRIVATE);
	close(utsns2);
	close(private_fd);
	/* ...nor change the host's namespaces. */
	EXPECT_ERRNO(sys_setdevns(uts_fd, self->self_uts, 0,
				  SETDEVNS_SHARE), EPERM);
	ASSERT_EQ(0, devctx(self->self_uts, self->uts_rdev, &host_after));
	EXPECT_EQ(host_before.ctx_id, host_after.ctx_id);
	EXPECT_EQ(host_before.flags, host_after.flags);

	close(uts_fd);
	close(utsns);
	close(userns);
	close(user_fd);
}

/* A pidfd of a process that has exited. */
TEST_F(errors, pidfd_exited)
{
	siginfo_t si;
	int pidfd;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(0);
	pidfd = sys_pidfd_open(pid, 0);
	ASSERT_LE(0, pidfd) TH_LOG("pidfd_open: %m");

	/* Exited, not reaped yet. */
	ASSERT_EQ(0, waitid(P_PIDFD, pidfd, &si, WEXITED | WNOWAIT));
	EXPECT_ERRNO(sys_setdevns(self->uts_fd, pidfd, CLONE_NEWUTS,
				  SETDEVNS_SHARE), ESRCH);
	EXPECT_ERRNO(sys_setdevns(self->uts_fd, pidfd, CLONE_NEWUTS,
				  SETDEVNS_UNSHARE), ESRCH);
	/* Reaped. */
	ASSERT_EQ(0, waitid(P_PIDFD, pidfd, &si, WEXITED));
	EXPECT_ERRNO(sys_setdevns(self->uts_fd, pidfd, CLONE_NEWUTS,
				  SETDEVNS_MIGRATE), ESRCH);
	close(pidfd);
}

/* The file is the authority over its context: it must be writable. */
TEST_F(errors, dev_fd_not_writable)
{
	int ro, path, wo;
	unsigned int mode;

	ro = open("/dev/test_perns_uts", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	path = open("/dev/test_perns_uts", O_PATH | O_CLOEXEC);
	ASSERT_LE(0, path);
	for (mode = SETDEVNS_SHARE; mode <= SETDEVNS_MIGRATE; mode <<= 1) {
		EXPECT_ERRNO(sys_setdevns(ro, self->h.ns_fd, 0, mode), EBADF);
		EXPECT_ERRNO(sys_setdevns(ro, self->h.pidfd, CLONE_NEWUTS,
					  mode), EBADF);
		EXPECT_ERRNO(sys_setdevns(path, self->h.ns_fd, 0, mode),
			     EBADF);
	}
	/* Write-only is enough. */
	wo = open("/dev/test_perns_uts", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, wo);
	EXPECT_EQ(0, sys_setdevns(wo, self->h.ns_fd, 0, SETDEVNS_SHARE));
	close(wo);
	close(path);
	close(ro);
}

/* NS_GET_DEVCTX with a struct of another size in the command. */
#define NS_GET_DEVCTX_SIZE(n)	_IOC(_IOC_READ | _IOC_WRITE, NSIO, \
				     _IOC_NR(NS_GET_DEVCTX), (n))

struct ns_devctx_big {
	struct ns_devctx known;
	__u64 future[2];
};

/* Extensible: older and newer struct sizes, as copy_struct_from_user(). */
TEST_F(errors, devctx_sizes)
{
	struct ns_devctx info, v0;
	struct ns_devctx_big big;
	int ns = self->self_uts;

	ASSERT_EQ(0, devctx(ns, self->uts_rdev, &info));
	EXPECT_EQ(NS_DEVCTX_SIZE_VER1, info.size);
	EXPECT_EQ(NS_DEVCTX_SIZE_VER1, sizeof(info));
	EXPECT_EQ(NS_DEVCTX_SIZE_VER1, _IOC_SIZE(NS_GET_DEVCTX));

	/* The first version: what it knows, nothing past it. */
	memset(&big, 0xa5, sizeof(big));
	memset(&big.known, 0, NS_DEVCTX_SIZE_VER0);
	big.known.dev_major = major(self->uts_rdev);
	big.known.dev_minor = minor(self->uts_rdev);
	ASSERT_EQ(0, ioctl(ns, NS_GET_DEVCTX_SIZE(NS_DEVCTX_SIZE_VER0), &big))
		TH_LOG("VER0: %m");
	memcpy(&v0, &big.known, sizeof(v0));
	EXPECT_EQ(NS_DEVCTX_SIZE_VER0, v0.size);
	EXPECT_EQ(info.ctx_id, v0.ctx_id);
	EXPECT_EQ(info.flags, v0.flags);
	EXPECT_EQ(0xa5a5a5a5a5a5a5a5ULL, big.known.owner_ino);

	/* A newer, larger struct with a zero tail. */
	memset(&big, 0, sizeof(big));
	big.known.dev_major = major(self->uts_rdev);
	big.known.dev_minor = minor(self->uts_rdev);
	ASSERT_EQ(0, ioctl(ns, NS_GET_DEVCTX_SIZE(sizeof(big)), &big))
		TH_LOG("larger: %m");
	EXPECT_EQ(NS_DEVCTX_SIZE_VER1, big.known.size);
	EXPECT_EQ(info.ctx_id, big.known.ctx_id);
	EXPECT_EQ(info.owner_ino, big.known.owner_ino);
	EXPECT_EQ(0, big.future[0]);
	EXPECT_EQ(0, big.future[1]);

	/* ...and with a tail this kernel does not know. */
	big.future[1] = 1;
	EXPECT_ERRNO(ioctl(ns, NS_GET_DEVCTX_SIZE(sizeof(big)), &big), E2BIG);

	/* Smaller than the first version. */
	EXPECT_ERRNO(ioctl(ns, NS_GET_DEVCTX_SIZE(NS_DEVCTX_SIZE_VER0 - 8),
			   &info), EINVAL);
	EXPECT_ERRNO(ioctl(ns, NS_GET_DEVCTX_SIZE(0), &info), EINVAL);
	/* Not a read-write command. */
	EXPECT_ERRNO(ioctl(ns, _IOC(_IOC_READ, NSIO, _IOC_NR(NS_GET_DEVCTX),
				    sizeof(info)), &info), ENOTTY);
	EXPECT_ERRNO(ioctl(ns, _IOC(_IOC_WRITE, NSIO, _IOC_NR(NS_GET_DEVCTX),
				    sizeof(info)), &info), ENOTTY);
}

/* NS_GET_DEVCTX errors. */
TEST_F(errors, devctx_errors)
{
	struct ns_devctx info;
	int ns = self->self_uts;
	struct stat st;

	EXPECT_ERRNO(ioctl(ns, NS_GET_DEVCTX, NULL), EFAULT);
	EXPECT_ERRNO(ioctl(ns, NS_GET_DEVCTX, (void *)8), EFAULT);

	/* The out fields are not read: a struct may be used again. */
	ASSERT_EQ(0, devctx(ns, self->uts_rdev, &info));
	info.flags = ~0U;
	info.size = 0;
	EXPECT_EQ(0, ioctl(ns, NS_GET_DEVCTX, &info));

	/* Not a perns device. */
	ASSERT_EQ(0, stat("/dev/null", &st));
	EXPECT_ERRNO(devctx(ns, st.st_rdev, &info), ENODEV);
	EXPECT_ERRNO(devctx(ns, makedev(0, 0), &info), ENODEV);
	ASSERT_EQ(0, devctx(ns, self->uts_rdev, &info));
	info.dev_major = UINT32_MAX;
	EXPECT_ERRNO(ioctl(ns, NS_GET_DEVCTX, &info), ENODEV);
	ASSERT_EQ(0, devctx(ns, self->uts_rdev, &info));
	info.dev_minor = UINT32_MAX;
	EXPECT_ERRNO(ioctl(ns, NS_GET_DEVCTX, &info), ENODEV);
	/* A device of another namespace type. */
	EXPECT_ERRNO(devctx(ns, fd_rdev(self->ipc_fd), &info), EINVAL);
}

/*
 * setdevns() is 472, the first number free in mainline; the ones between
 * the last 6.12 call and it belong to later mainline calls and are not
 * wired here.
 */
TEST(syscall_number)
{
	long nr;

#if defined(__x86_64__) || defined(__aarch64__) || defined(__riscv) || \
	defined(__i386__) || defined(__loongarch__)
	EXPECT_EQ(SETDEVNS_NR_GENERIC, __NR_setdevns);
#else
	TH_LOG("__NR_setdevns is %d on this architecture", __NR_setdevns);
#endif
	for (nr = 463; nr <= 471; nr++) {
		errno = 0;
		EXPECT_EQ(-1, syscall(nr, -1, -1, 0, 0, 0, 0));
		EXPECT_EQ(ENOSYS, errno) TH_LOG("syscall %ld: %m", nr);
	}
	/* Zero flags: the flags are checked first. */
	errno = 0;
	EXPECT_EQ(-1, syscall(__NR_setdevns, -1, -1, 0, 0));
	EXPECT_EQ(EINVAL, errno);
}

/* /proc/perns/devices lists each device, as documented in procfs-perns. */
TEST(proc_devices)
{
	static const char * const types[] = {
		"user", "uts", "ipc", "pid", "net", "mnt", "cgroup", "time",
	};
	char line[256], type[32], mode[32], name[64];
	unsigned int maj, min, count, i, found = 0, want = 0;
	const char *why = driver_ready();
	FILE *f;

	if (why)
		SKIP(return, "%s", why);
	f = fopen("/proc/perns/devices", "re");
	ASSERT_NE(NULL, f) TH_LOG("/proc/perns/devices: %m");
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_STREQ(line, "type\tdevice\tcount\tmode\tname\n");
	while (fgets(line, sizeof(line), f)) {
		struct stat st;
		char path[96];
		int n;

		n = sscanf(line, "%31[a-z]\t%u:%u\t%u\t%31[a-z]\t%63s", type,
			   &maj, &min, &count, mode, name);
		ASSERT_EQ(6, n) TH_LOG("bad line: %s", line);
		EXPECT_TRUE(!strcmp(mode, "shared") || !strcmp(mode, "private"));
		if (strncmp(name, "test_perns_", 11))
			continue;
		EXPECT_STREQ(mode, "shared");
		EXPECT_EQ(1, count);
		snprintf(path, sizeof(path), "/dev/%s", name);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s: %m", path);
		EXPECT_EQ(maj, major(st.st_rdev));
		EXPECT_EQ(min, minor(st.st_rdev));
		if (strcmp(name, "test_perns_plain"))
			EXPECT_STREQ(name + 11, type);
		found++;
	}
	fclose(f);
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/ns/%s", types[i]);
		want += !access(path, F_OK);
	}
	/* One per namespace type the kernel has, and test_perns_plain (uts) */
	EXPECT_EQ(want + !access("/proc/self/ns/uts", F_OK), found);
}

/*
 * A namespace type the kernel is built without has no perns device, and
 * setdevns() on it is EINVAL, as setns() is.
 */
TEST(types_configured_out)
{
	static const struct nstype_info all[] = {
		{ "user", CLONE_NEWUSER, "/dev/test_perns_user" },
		{ "uts", CLONE_NEWUTS, "/dev/test_perns_uts" },
		{ "ipc", CLONE_NEWIPC, "/dev/test_perns_ipc" },
		{ "pid", CLONE_NEWPID, "/dev/test_perns_pid" },
		{ "net", CLONE_NEWNET, "/dev/test_perns_net" },
		{ "cgroup", CLONE_NEWCGROUP, "/dev/test_perns_cgroup" },
		{ "time", CLONE_NEWTIME, "/dev/test_perns_time" },
	};
	const char *why = driver_ready();
	int mnt, pidfd, off = 0;
	unsigned int i, mode;

	if (why)
		SKIP(return, "%s", why);
	mnt = open("/dev/test_perns_mnt", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, mnt);
	pidfd = sys_pidfd_open(getpid(), 0);
	ASSERT_LE(0, pidfd);
	for (i = 0; i < ARRAY_SIZE(all); i++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/ns/%s", all[i].name);
		if (!access(path, F_OK))
			continue;
		off++;
		TH_LOG("%s namespaces are configured out", all[i].name);
		EXPECT_NE(0, access(all[i].dev, F_OK));
		EXPECT_EQ(ENOENT, errno);
		for (mode = SETDEVNS_SHARE; mode <= SETDEVNS_MIGRATE; mode <<= 1)
			EXPECT_ERRNO(sys_setdevns(mnt, pidfd, all[i].nstype,
						  mode), EINVAL);
	}
	close(pidfd);
	close(mnt);
	if (!off)
		SKIP(return, "every namespace type is built in");
}

/* Empties every slab cache's free lists (and KASAN's quarantine). */
static void shrink_slabs(void)
{
	char path[512];
	struct dirent *d;
	DIR *dir;

	dir = opendir("/sys/kernel/slab");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 d->d_name);
		write_file(path, "1");
	}
	closedir(dir);
}

/* SUnreclaim in bytes, after letting RCU and the perns exit work run. */
static long long slab_unreclaimable(void)
{
	long long best = -1;
	int i;

	for (i = 0; i < 3; i++) {
		long long kb;

		usleep(300 * 1000);
		shrink_slabs();
		kb = meminfo_kb("SUnreclaim");
		if (kb < 0)
			return -1;
		if (best < 0 || kb * 1024 < best)
			best = kb * 1024;
	}
	return best;
}

#define UNSHARE_LOOPS	20000

/*
 * An unprivileged unshare() loop: each new uts namespace is created from
 * the last, which dies. perns must keep nothing of the dead ones, however
 * long the chain: less than 16 bytes of slab per iteration.
 */
TEST_F_TIMEOUT(errors, unshare_loop_memory, 300)
{
	long long before, after, per_iter;
	int sync[2], go[2];
	pid_t pid;
	char c;

	if (access("/sys/kernel/slab", F_OK))
		SKIP(return, "no /sys/kernel/slab (SLUB sysfs)");
	if (access("/proc/self/ns/user", F_OK))
		SKIP(return, "no user namespaces");
	ASSERT_EQ(0, pipe2(sync, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	before = slab_unreclaimable();
	ASSERT_LT(0, before);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int i;

		/* Only the parent's end may keep the pipes open. */
		close(sync[0]);
		close(go[1]);
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY) ||
		    unshare(CLONE_NEWUSER))
			_exit(1);
		for (i = 0; i < UNSHARE_LOOPS; i++)
			if (unshare(CLONE_NEWUTS))
				_exit(2);
		c = 'k';
		if (write(sync[1], &c, 1) != 1)
			_exit(3);
		/* Alive, with the last namespace, until measured. */
		if (read(go[0], &c, 1) < 0)
			_exit(4);
		_exit(0);
	}
	close(sync[1]);
	close(go[0]);
	ASSERT_EQ(1, read(sync[0], &c, 1)) TH_LOG("the loop failed");
	after = slab_unreclaimable();
	close(go[1]);
	{
		int status;

		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(0, status);
	}
	close(sync[0]);
	ASSERT_LT(0, after);
	per_iter = (after - before) / UNSHARE_LOOPS;
	TH_LOG("%d unshares by uid %d: slab %+lld bytes, %lld per unshare",
	       UNSHARE_LOOPS, NOBODY, after - before, per_iter);
	EXPECT_GT(16, per_iter);
}

TEST_HARNESS_MAIN
