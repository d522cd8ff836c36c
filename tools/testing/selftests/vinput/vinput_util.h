/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the vinput tests: uinput devices (a keyboard and a multitouch
 * screen), their vinput and evdev nodes, and "containers": a process that
 * is pid 1 of a new pid namespace and opens files there on request.
 */
#ifndef __VINPUT_UTIL_H
#define __VINPUT_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/input.h>
#include <linux/uinput.h>
#include <linux/vinput.h>

#include "../setdevns/setdevns.h"

#define MT_SLOTS	4

struct udev {
	int ufd;		/* /dev/uinput */
	char sys[64];		/* inputN */
	char vinput[64];	/* /dev/input/vinputK */
	char evdev[64];		/* /dev/input/eventK */
};

static inline bool vinput_loaded(void)
{
	return !access("/sys/module/vinput", F_OK);
}

/* Loads vinput if it is a module; false if it cannot be had. */
static inline bool vinput_load(void)
{
	if (vinput_loaded())
		return true;
	if (system("modprobe vinput >/dev/null 2>&1"))
		return false;
	return vinput_loaded();
}

static inline int uemit(struct udev *u, int type, int code, int value)
{
	struct input_event ev = { .type = type, .code = code, .value = value };

	return write(u->ufd, &ev, sizeof(ev)) == sizeof(ev) ? 0 : -1;
}

static inline int usyn(struct udev *u)
{
	return uemit(u, EV_SYN, SYN_REPORT, 0);
}

/* The node of @u's input device whose name starts with @prefix. */
static inline int unode(struct udev *u, const char *prefix, char *out,
			size_t len)
{
	char path[128];
	struct dirent *d;
	DIR *dir;
	int ret = -1;

	snprintf(path, sizeof(path), "/sys/class/input/%s", u->sys);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		if (!strncmp(d->d_name, prefix, strlen(prefix))) {
			snprintf(out, len, "/dev/input/%.40s", d->d_name);
			ret = 0;
			break;
		}
	closedir(dir);
	return ret;
}

static inline int ucreate(struct udev *u, struct uinput_setup *setup)
{
	if (ioctl(u->ufd, UI_DEV_SETUP, setup) ||
	    ioctl(u->ufd, UI_DEV_CREATE))
		return -1;
	if (ioctl(u->ufd, UI_GET_SYSNAME(sizeof(u->sys)), u->sys) < 0)
		return -1;
	if (unode(u, "vinput", u->vinput, sizeof(u->vinput)))
		return -1;
	if (unode(u, "event", u->evdev, sizeof(u->evdev)))
		u->evdev[0] = 0;
	return 0;
}

/* Opens /dev/uinput for a new device named "vinput-test KIND PID". */
static inline int uopen(struct udev *u, struct uinput_setup *setup,
			const char *kind)
{
	memset(u, 0, sizeof(*u));
	u->ufd = open("/dev/uinput", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (u->ufd < 0)
		return -1;
	snprintf(setup->name, sizeof(setup->name), "vinput-test %s %d", kind,
		 getpid());
	return 0;
}

/* A keyboard with KEY_ESC to KEY_KPDOT, without autorepeat. */
static inline int ukeyboard(struct udev *u)
{
	struct uinput_setup setup = {
		.id = { .bustype = BUS_VIRTUAL, .vendor = 0x1234,
			.product = 0x5678, .version = 3 },
	};
	int k;

	if (uopen(u, &setup, "kbd"))
		return -1;
	ioctl(u->ufd, UI_SET_EVBIT, EV_KEY);
	ioctl(u->ufd, UI_SET_EVBIT, EV_LED);
	ioctl(u->ufd, UI_SET_LEDBIT, LED_CAPSL);
	for (k = KEY_ESC; k <= KEY_KPDOT; k++)
		ioctl(u->ufd, UI_SET_KEYBIT, k);
	return ucreate(u, &setup);
}

static inline int uabs(struct udev *u, int code, int min, int max)
{
	struct uinput_abs_setup a = {
		.code = code,
		.absinfo = { .minimum = min, .maximum = max },
	};

	if (ioctl(u->ufd, UI_SET_ABSBIT, code))
		return -1;
	return ioctl(u->ufd, UI_ABS_SETUP, &a);
}

/* A multitouch screen of MT_SLOTS slots. */
static inline int utouch(struct udev *u)
{
	struct uinput_setup setup = {
		.id = { .bustype = BUS_VIRTUAL, .vendor = 0x1234,
			.product = 0x9abc, .version = 1 },
	};

	if (uopen(u, &setup, "touch"))
		return -1;
	ioctl(u->ufd, UI_SET_EVBIT, EV_KEY);
	ioctl(u->ufd, UI_SET_EVBIT, EV_ABS);
	ioctl(u->ufd, UI_SET_KEYBIT, BTN_TOUCH);
	ioctl(u->ufd, UI_SET_PROPBIT, INPUT_PROP_DIRECT);
	if (uabs(u, ABS_X, 0, 1023) || uabs(u, ABS_Y, 0, 767) ||
	    uabs(u, ABS_MT_SLOT, 0, MT_SLOTS - 1) ||
	    uabs(u, ABS_MT_TRACKING_ID, 0, 65535) ||
	    uabs(u, ABS_MT_POSITION_X, 0, 1023) ||
	    uabs(u, ABS_MT_POSITION_Y, 0, 767))
		return -1;
	return ucreate(u, &setup);
}

static inline void udestroy(struct udev *u)
{
	if (u->ufd >= 0) {
		ioctl(u->ufd, UI_DEV_DESTROY);
		close(u->ufd);
	}
	u->ufd = -1;
}

/* Events queued on @fd (nonblocking), at most @max; -1 on error. */
static inline int drain(int fd, struct input_event *ev, int max)
{
	int n = 0;
	ssize_t r;

	while (n < max) {
		r = read(fd, ev + n, sizeof(*ev) * (max - n));
		if (r < 0)
			return errno == EAGAIN ? n : -1;
		n += r / sizeof(*ev);
	}
	return n;
}

/* Whether @fd becomes readable within @ms. */
static inline int readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static inline int is_fg(int fd)
{
	int v = -1;

	if (ioctl(fd, VINPUT_GET_FOREGROUND, &v))
		return -1;
	return v;
}

static inline bool key_held(int fd, int code)
{
	unsigned char bits[KEY_MAX / 8 + 1] = {};

	if (ioctl(fd, EVIOCGKEY(sizeof(bits)), bits) < 0)
		return false;
	return bits[code / 8] & (1 << (code % 8));
}

/* The perns context id of an open file, from its fdinfo; 0 if none. */
static inline unsigned long long fd_ctx(int fd)
{
	unsigned long long id = 0;
	char path[64], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "perns_ctx: %llu", &id) == 1)
			break;
	fclose(f);
	return id;
}

/*
 * A container: pid 1 of a new pid namespace, which sends its namespace
 * and then opens what it is asked to, sending back the file or -errno.
 */
struct ct {
	pid_t pid;
	int sock;
	int nsfd;
};

/* The container's end of its socket. */
#define CT_SOCK		100

struct ct_req {
	int flags;
	char path[64];
};

static inline void ct_serve(int sock)
{
	struct ct_req req;
	int fd, err;

	fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || send_fd(sock, fd, 0))
		_exit(1);
	close(fd);
	while (recv(sock, &req, sizeof(req), 0) == sizeof(req)) {
		req.path[sizeof(req.path) - 1] = 0;
		fd = open(req.path, req.flags | O_CLOEXEC);
		err = fd < 0 ? -errno : 0;
		if (send(sock, &err, sizeof(err), 0) != sizeof(err))
			_exit(1);
		if (fd >= 0) {
			if (send_fd(sock, fd, 0))
				_exit(1);
			close(fd);
		}
	}
	_exit(0);
}

static inline void ct_init(struct ct *c)
{
	c->pid = -1;
	c->sock = -1;
	c->nsfd = -1;
}

static inline int ct_start(struct ct *c)
{
	int sv[2], st;
	pid_t gc;

	ct_init(c);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (!c->pid) {
		/*
		 * Only the container's end: a copy of another container's
		 * socket would keep that one from seeing its end closed.
		 */
		if (dup2(sv[1], CT_SOCK) != CT_SOCK ||
		    syscall(__NR_close_range, 3, CT_SOCK - 1, 0) ||
		    syscall(__NR_close_range, CT_SOCK + 1, ~0U, 0))
			_exit(1);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(CLONE_NEWPID))
			_exit(1);
		gc = fork();
		if (gc < 0)
			_exit(1);
		if (!gc) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			ct_serve(CT_SOCK);
		}
		waitpid(gc, &st, 0);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
	}
	close(sv[1]);
	c->sock = sv[0];
	c->nsfd = recv_fd(c->sock);
	return c->nsfd < 0 ? -1 : 0;
}

/* A file opened by the container: its fd here, or -errno. */
static inline int ct_open(struct ct *c, const char *path, int flags)
{
	struct ct_req req = { .flags = flags };
	int err;

	snprintf(req.path, sizeof(req.path), "%s", path);
	if (send(c->sock, &req, sizeof(req), 0) != sizeof(req))
		return -EIO;
	if (recv(c->sock, &err, sizeof(err), 0) != sizeof(err))
		return -EIO;
	if (err)
		return err;
	return recv_fd(c->sock);
}

static inline void ct_stop(struct ct *c)
{
	int st;

	if (c->sock >= 0)
		close(c->sock);
	if (c->nsfd >= 0)
		close(c->nsfd);
	if (c->pid > 0)
		waitpid(c->pid, &st, 0);
	ct_init(c);
}

#endif /* __VINPUT_UTIL_H */
