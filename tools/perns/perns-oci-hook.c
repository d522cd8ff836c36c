// SPDX-License-Identifier: GPL-2.0
/*
 * perns-oci-hook - an OCI runtime hook choosing a container's perns
 * device contexts
 *
 * Run at the createRuntime stage: reads the container's state (the OCI
 * runtime-spec "state" object) on stdin and, for the annotations
 *
 *	perns.devctx=DEVICE:MODE[:TYPE][,DEVICE:MODE[:TYPE]]...
 *	perns.valarm.date=YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
 *	perns.valarm.device=PATH	(default /dev/valarm)
 *
 * calls setdevns() on the namespaces of the container's process, then
 * sets the wall clock of its private valarm context. Annotations may
 * only ask for "unshare" unless the hook's own arguments allow more
 * (--allow-modes). Everything is checked, and every device opened, before
 * anything is changed; an error exits 1, which fails the container's
 * start. See perns-oci-hook(1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/sysmacros.h>

#include "perns.h"

#if defined(__has_include)
#if __has_include("linux/android_alarm.h")
#include <linux/android_alarm.h>
#endif
#endif
#ifndef ANDROID_ALARM_SET_RTC
#define ANDROID_ALARM_SET_RTC	_IOW('a', 5, struct timespec)
#endif

#define ANN_PREFIX	"perns."
#define ANN_DEVCTX	"perns.devctx"
#define ANN_DATE	"perns.valarm.date"
#define ANN_DEVICE	"perns.valarm.device"
#define DEFAULT_VALARM	"/dev/valarm"
#define MAX_STATE	(1024 * 1024)
#define MAX_ENTRIES	64
/* The latest time valarm's SET_RTC accepts: TIME_SETTOD_SEC_MAX - 1 */
#define MAX_DATE	8277292035LL
#define MAX_DATE_STR	"2232-04-18T23:47:15Z"
#define MSG_MAX		4096

static const char *prog = "perns-oci-hook";
static bool verbose;
/* The modes annotations may ask for: --allow-modes, unshare by default */
static unsigned int allowed_modes = SETDEVNS_UNSHARE;

struct devctx_entry {
	char *path;
	char orig[256];		/* the entry as written, for messages */
	unsigned int mode;
	const struct perns_nstype *type;	/* NULL: the device's */
	int dev_fd, ns_fd;	/* opened and checked before any change */
	dev_t rdev;
	char nspath[64];
};

/* Writes "prog: MESSAGE" on stderr, its control characters escaped. */
static void vmessage(int e, bool with_errno, const char *fmt, va_list ap)
{
	char msg[MSG_MAX], esc[MSG_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s: %s", prog, perns_escape(msg, esc, sizeof(esc)));
	if (with_errno)
		fprintf(stderr, ": %s", strerror(e));
	fputc('\n', stderr);
}

static noreturn void fail(bool with_errno, const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vmessage(e, with_errno, fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}

static void info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vmessage(0, false, fmt, ap);
	va_end(ap);
}

static noreturn void usage(FILE *out)
{
	fprintf(out,
		"Usage:\n"
		" %s [options] < state.json\n"
		"\n"
		"OCI createRuntime hook: choose the container's perns device contexts\n"
		"from its annotations:\n"
		"  " ANN_DEVCTX "=DEVICE:MODE[:TYPE][,DEVICE:MODE[:TYPE]]...\n"
		"      MODE: share, unshare or migrate; TYPE: user, uts, ipc, pid, net,\n"
		"      mnt, cgroup or time (default: the device's type)\n"
		"  " ANN_DATE "=YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)\n"
		"  " ANN_DEVICE "=PATH (default " DEFAULT_VALARM ")\n"
		"\n"
		"Options:\n"
		" -a, --allow-modes LIST  the modes annotations may ask for, a comma-separated\n"
		"                         list of share, unshare and migrate (default: unshare)\n"
		" -v, --verbose           say what is done, on stderr\n"
		" -h, --help              display this help\n"
		" -V, --version           display version\n"
		"\n"
		"For more details see perns-oci-hook(1).\n", prog);
	exit(out == stderr ? EXIT_FAILURE : EXIT_SUCCESS);
}

static char *read_all(int fd, const char *what)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	if (!buf)
		fail(true, "cannot allocate memory");
	for (;;) {
		if (len + 1 == cap) {
			if (cap >= MAX_STATE) {
				errno = EFBIG;
				fail(true, "cannot read %s", what);
			}
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				fail(true, "cannot allocate memory");
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail(true, "cannot read %s", what);
		if (!n)
			break;
		len += n;
	}
	buf[len] = 0;
	if (strlen(buf) != len)
		fail(false, "cannot parse %s: a NUL byte in the input", what);
	return buf;
}

static struct json *parse_file(const char *text, const char *what)
{
	char err[128];
	struct json *v = json_parse(text, err, sizeof(err));

	if (!v)
		fail(false, "cannot parse %s: %s", what, err);
	if (v->type != JSON_OBJECT)
		fail(false, "cannot parse %s: not a JSON object", what);
	return v;
}

/* "DEVICE:MODE[:TYPE]" into @e; a message in @why on error. */
static int parse_entry(char *s, struct devctx_entry *e, char *why, size_t len)
{
	char *mode, *type;

	mode = strchr(s, ':');
	if (!mode) {
		snprintf(why, len, "expected DEVICE:MODE[:TYPE]");
		return -1;
	}
	*mode++ = 0;
	type = strchr(mode, ':');
	if (type)
		*type++ = 0;
	if (s[0] != '/') {
		snprintf(why, len, "the device '%s' is not an absolute path", s);
		return -1;
	}
	e->path = s;
	if (!strcmp(mode, "share")) {
		e->mode = SETDEVNS_SHARE;
	} else if (!strcmp(mode, "unshare")) {
		e->mode = SETDEVNS_UNSHARE;
	} else if (!strcmp(mode, "migrate")) {
		e->mode = SETDEVNS_MIGRATE;
	} else {
		snprintf(why, len, "unknown mode '%s' (share, unshare or migrate)", mode);
		return -1;
	}
	e->type = NULL;
	if (type) {
		e->type = perns_type_by_name(type);
		if (!e->type) {
			snprintf(why, len, "unknown namespace type '%s'", type);
			return -1;
		}
	}
	return 0;
}

static const char *mode_name(unsigned int mode)
{
	return mode == SETDEVNS_SHARE ? "share" :
	       mode == SETDEVNS_UNSHARE ? "unshare" : "migrate";
}

/* The allowed modes, "share,unshare,migrate" at most. */
static const char *allowed_str(void)
{
	static char buf[32];
	unsigned int m;

	buf[0] = 0;
	for (m = SETDEVNS_SHARE; m <= SETDEVNS_MIGRATE; m <<= 1)
		if (allowed_modes & m)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
				 buf[0] ? "," : "", mode_name(m));
	return buf[0] ? buf : "none";
}

/* --allow-modes LIST */
static void parse_allow(const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL;

	if (!copy)
		fail(true, "cannot allocate memory");
	allowed_modes = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "share"))
			allowed_modes |= SETDEVNS_SHARE;
		else if (!strcmp(tok, "unshare"))
			allowed_modes |= SETDEVNS_UNSHARE;
		else if (!strcmp(tok, "migrate"))
			allowed_modes |= SETDEVNS_MIGRATE;
		else
			fail(false, "--allow-modes: unknown mode '%s' (share, unshare or migrate)",
			     tok);
	}
	free(copy);
}

static int parse_devctx(char *value, struct devctx_entry *entries)
{
	char *s = value, *comma, why[160], *orig;
	int n = 0;

	if (!*value)
		fail(false, "annotation " ANN_DEVCTX ": empty value");
	for (;;) {
		comma = strchr(s, ',');
		if (comma)
			*comma = 0;
		if (n == MAX_ENTRIES)
			fail(false, "annotation " ANN_DEVCTX ": more than %d entries",
			     MAX_ENTRIES);
		if (!*s)
			fail(false, "annotation " ANN_DEVCTX ": entry %d is empty", n + 1);
		orig = entries[n].orig;
		snprintf(orig, sizeof(entries[n].orig), "%s", s);
		if (parse_entry(s, &entries[n], why, sizeof(why)))
			fail(false, "annotation " ANN_DEVCTX ": entry %d '%s': %s",
			     n + 1, orig, why);
		if (!(entries[n].mode & allowed_modes))
			fail(false,
			     "annotation perns.devctx: entry %d '%s': mode '%s' is not allowed (allowed: %s; see --allow-modes)",
			     n + 1, orig, mode_name(entries[n].mode), allowed_str());
		n++;
		if (!comma)
			return n;
		s = comma + 1;
	}
}

static int digits(const char *s, int n)
{
	int v = 0;

	while (n--) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + *s++ - '0';
	}
	return v;
}

/* Days from 1970-01-01 to @y-@m-@d of the proleptic Gregorian calendar. */
static long long days_from_civil(long long y, long long m, long long d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * RFC 3339 date-time into @ts: 0, -1 if malformed, -2 if before 1970 or
 * after MAX_DATE.
 */
static int parse_date(const char *s, struct timespec *ts)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int year, mon, day, hour, min, sec, oh, om, ndig = 0;
	long nsec = 0, scale = 100000000;
	long long off = 0, t;

	if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
		return -1;
	year = digits(s, 4);
	mon = digits(s + 5, 2);
	day = digits(s + 8, 2);
	hour = digits(s + 11, 2);
	min = digits(s + 14, 2);
	sec = digits(s + 17, 2);
	if (year < 1970 || mon < 1 || mon > 12 || day < 1 ||
	    day > mdays[mon - 1] || hour < 0 || hour > 23 || min < 0 ||
	    min > 59 || sec < 0 || sec > 59)
		return -1;
	if (mon == 2 && day == 29 &&
	    (year % 4 || (year % 100 == 0 && year % 400)))
		return -1;
	s += 19;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, ndig++) {
			nsec += (*s - '0') * scale;
			scale /= 10;
		}
		if (!ndig)
			return -1;
	}
	if ((*s == 'Z' || *s == 'z') && !s[1]) {
		off = 0;
	} else if ((*s == '+' || *s == '-') && strlen(s) == 6 && s[3] == ':') {
		oh = digits(s + 1, 2);
		om = digits(s + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return -1;
		off = (oh * 60LL + om) * 60;
		if (*s == '-')
			off = -off;
	} else {
		return -1;
	}
	t = days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec - off;
	if (t < 0 || t > MAX_DATE)
		return -2;
	ts->tv_sec = t;
	ts->tv_nsec = nsec;
	return 0;
}

/* The device @d of /proc/perns/devices that @rdev belongs to, or NULL. */
static const struct perns_dev *find_device(dev_t rdev)
{
	static struct perns_dev *devs;
	static int n = -1;

	if (n < 0) {
		n = perns_read_devices(&devs);
		if (n < 0)
			fail(true, "cannot read %s", PERNS_DEVICES);
	}
	return perns_find_device(devs, n, rdev);
}

/*
 * Opens the perns device node @path for reading and writing, as the hook:
 * without following a symbolic link, without blocking, and only once it
 * is known to be a character device registered with perns. Returns the
 * file; its device number in *@rdev, its entry in *@dev.
 */
static int open_device(const char *path, dev_t *rdev, const struct perns_dev **dev)
{
	char proc[64];
	struct stat st;
	int pfd, fd;

	pfd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0)
		fail(true, "cannot open %s", path);
	if (fstat(pfd, &st))
		fail(true, "cannot stat %s", path);
	if (S_ISLNK(st.st_mode))
		fail(false, "%s is a symbolic link: give the device node's own path", path);
	*dev = S_ISCHR(st.st_mode) ? find_device(st.st_rdev) : NULL;
	if (!*dev) {
		errno = ENODEV;
		fail(true, "%s is not a perns device", path);
	}
	*rdev = st.st_rdev;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	fd = open(proc, O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		fail(true, "cannot open %s", path);
	close(pfd);
	if (fstat(fd, &st))
		fail(true, "cannot stat %s", path);
	if (!S_ISCHR(st.st_mode) || st.st_rdev != *rdev) {
		errno = ENODEV;
		fail(true, "%s changed while the hook opened it", path);
	}
	return fd;
}

/* The inode of the namespace file @path, or 0. */
static ino_t ns_inode(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

/*
 * Opens the @type namespace of the container's process @pid, refusing
 * the hook's own namespace and the initial one: the host's contexts are
 * not the container's to change. Its inode in *@ino.
 */
static int open_ns(int pid, const struct perns_nstype *type, char *path,
		   size_t len, ino_t *ino)
{
	char other[64];
	struct stat st;
	int fd;

	snprintf(path, len, "/proc/%d/ns/%s", pid, type->name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail(true, "cannot open %s", path);
	if (fstat(fd, &st))
		fail(true, "cannot stat %s", path);
	snprintf(other, sizeof(other), "/proc/self/ns/%s", type->name);
	if (st.st_ino == ns_inode(other))
		fail(false,
		     "%s is the hook's own %s namespace: refusing to change the host's contexts",
		     path, type->name);
	snprintf(other, sizeof(other), "/proc/1/ns/%s", type->name);
	if (st.st_ino == ns_inode(other))
		fail(false,
		     "%s is the %s namespace of process 1: refusing to change the host's contexts",
		     path, type->name);
	*ino = st.st_ino;
	return fd;
}

/* Opens and checks the device and namespace of @e; changes nothing. */
static void prepare_devctx(int pid, int idx, struct devctx_entry *e)
{
	const struct perns_dev *dev;
	ino_t ino;

	e->dev_fd = open_device(e->path, &e->rdev, &dev);
	if (e->type && e->type != dev->type)
		fail(false,
		     "annotation perns.devctx: entry %d '%s': %s keeps contexts for %s namespaces, not %s",
		     idx + 1, e->orig, e->path, dev->type->name, e->type->name);
	e->type = dev->type;
	e->ns_fd = open_ns(pid, e->type, e->nspath, sizeof(e->nspath), &ino);
}

static void apply_devctx(const struct devctx_entry *e)
{
	struct ns_devctx ctx;

	if (sys_setdevns(e->dev_fd, e->ns_fd, e->type->flag, e->mode))
		fail(true, "cannot %s the context of %s for %s",
		     mode_name(e->mode), e->path, e->nspath);
	if (verbose && !perns_get_devctx(e->ns_fd, major(e->rdev),
					 minor(e->rdev), &ctx))
		info("%s: %s %s: context %llu, %s", e->nspath, e->path,
		     mode_name(e->mode), (unsigned long long)ctx.ctx_id,
		     ctx.flags & NS_DEVCTX_PRIVATE ? "private" : "shared");
	close(e->ns_fd);
	close(e->dev_fd);
}

/* The perns_ctx: line of the fdinfo of our @fd, or 0. */
static unsigned long long fd_context(int fd)
{
	unsigned long long id = 0;
	char path[64], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "perns_ctx: %llu", &id) == 1)
			break;
	fclose(f);
	return id;
}

/* The valarm device and the container's namespace for perns.valarm.date */
struct date_target {
	const char *device;
	dev_t rdev;
	const struct perns_nstype *type;
	int ns_fd;
	ino_t ino;
	char nspath[64];
};

/*
 * Whether the namespace owns a private context of the device: not the
 * initial namespace's (open_ns() refused those), and the owner is this
 * namespace itself. 0, or -1 with errno if NS_GET_DEVCTX failed.
 */
static int owns_context(const struct date_target *d, struct ns_devctx *ctx,
			bool *owns)
{
	if (perns_get_devctx(d->ns_fd, major(d->rdev), minor(d->rdev), ctx))
		return -1;
	*owns = ctx->size >= NS_DEVCTX_SIZE_VER1 &&
		(ctx->flags & NS_DEVCTX_PRIVATE) && ctx->owner_ino == d->ino;
	return 0;
}

static noreturn void fail_not_private(const struct date_target *d)
{
	fail(false,
	     "annotation perns.valarm.date: %s has no private context of %s: add %s:unshare to perns.devctx",
	     d->nspath, d->device, d->device);
}

/* Checks the device of perns.valarm.date and opens the namespace. */
static void prepare_date(int pid, struct date_target *d,
			 const struct devctx_entry *entries, int n)
{
	const struct perns_dev *dev;
	struct ns_devctx ctx;
	bool owns, will_own = false;
	int fd, i;

	fd = open_device(d->device, &d->rdev, &dev);
	close(fd);
	d->type = dev->type;
	d->ns_fd = open_ns(pid, d->type, d->nspath, sizeof(d->nspath), &d->ino);
	if (owns_context(d, &ctx, &owns))
		fail(true, "cannot get the context of %s for %s", d->device, d->nspath);
	/* an unshare or migrate in perns.devctx gives the namespace its own */
	for (i = 0; i < n; i++)
		if (find_device(entries[i].rdev) == dev && entries[i].type == d->type &&
		    entries[i].mode != SETDEVNS_SHARE)
			will_own = true;
	if (!owns && !will_own)
		fail_not_private(d);
}

static void apply_date(int pid, struct date_target *d, const char *date,
		       const struct timespec *ts)
{
	struct ns_devctx ctx;
	int fd, step;
	bool owns;

	/* SET_RTC in a shared context could set the host's clock */
	if (owns_context(d, &ctx, &owns))
		fail(true, "cannot get the context of %s for %s", d->device, d->nspath);
	if (!owns)
		fail_not_private(d);
	close(d->ns_fd);

	fd = perns_open_in_ns(pid, d->type, d->device, O_WRONLY, d->rdev, &step);
	if (fd < 0) {
		if (step == 0)
			fail(true, "cannot open %s", d->nspath);
		if (step == 1)
			fail(true, "cannot enter %s", d->nspath);
		fail(true, "cannot open %s in %s", d->device, d->nspath);
	}
	if (fd_context(fd) != ctx.ctx_id)
		fail(false, "the context of %s for %s changed while the hook ran",
		     d->device, d->nspath);
	if (ioctl(fd, ANDROID_ALARM_SET_RTC, ts))
		fail(true, "cannot set the clock of context %llu of %s to %s",
		     (unsigned long long)ctx.ctx_id, d->device, date);
	info("%s: %s: context %llu set to %s", d->nspath, d->device,
	     (unsigned long long)ctx.ctx_id, date);
	close(fd);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "allow-modes", required_argument, NULL, 'a' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct devctx_entry entries[MAX_ENTRIES];
	struct date_target dt = { .device = DEFAULT_VALARM };
	struct json *state, *config = NULL, *ann, *pidv, *e;
	char *devctx = NULL, *text;
	const char *date = NULL;
	int c, i, n = 0, pid, ret;
	struct timespec ts;

	while ((c = getopt_long(argc, argv, "a:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			parse_allow(optarg);
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
		case 'V':
			printf("%s from perns-tools %s\n", prog, PERNS_TOOLS_VERSION);
			return EXIT_SUCCESS;
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", prog);
			return EXIT_FAILURE;
		}
	}
	if (optind < argc)
		fail(false, "unexpected argument: '%s'", argv[optind]);
	text = read_all(STDIN_FILENO, "the container state on stdin");
	state = parse_file(text, "the container state on stdin");
	free(text);

	pidv = json_get(state, "pid");
	if (!pidv || pidv->type != JSON_NUMBER || pidv->num < 1 ||
	    pidv->num > 0x7fffffff || pidv->num != (int)pidv->num)
		fail(false,
		     "the container state has no valid \"pid\" (createRuntime hooks get one)");
	pid = pidv->num;

	/* runtimes older than runtime-spec 1.0.2 leave annotations out */
	ann = json_get(state, "annotations");
	if (!ann) {
		struct json *bundle = json_get(state, "bundle");
		char path[4096];
		int fd;

		if (bundle && bundle->type == JSON_STRING) {
			snprintf(path, sizeof(path), "%s/config.json", bundle->str);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				fail(true, "cannot open %s", path);
			text = read_all(fd, path);
			close(fd);
			config = parse_file(text, path);
			free(text);
			ann = json_get(config, "annotations");
		}
	}
	if (ann && ann->type != JSON_OBJECT)
		fail(false, "\"annotations\" is not a JSON object");

	/* Everything is checked before anything changes. */
	for (e = ann ? ann->child : NULL; e; e = e->next) {
		if (strncmp(e->key, ANN_PREFIX, strlen(ANN_PREFIX)))
			continue;
		if (e->type != JSON_STRING)
			fail(false, "annotation %s: not a string", e->key);
		if (!strcmp(e->key, ANN_DEVCTX)) {
			devctx = e->str;
		} else if (!strcmp(e->key, ANN_DATE)) {
			date = e->str;
		} else if (!strcmp(e->key, ANN_DEVICE)) {
			dt.device = e->str;
			if (dt.device[0] != '/')
				fail(false,
				     "annotation " ANN_DEVICE ": '%s' is not an absolute path",
				     dt.device);
		} else {
			fail(false, "unknown annotation %s (known: " ANN_DEVCTX ", "
			     ANN_DATE ", " ANN_DEVICE ")", e->key);
		}
	}
	if (devctx)
		n = parse_devctx(devctx, entries);
	ret = date ? parse_date(date, &ts) : 0;
	if (ret == -1)
		fail(false,
		     "annotation perns.valarm.date: '%s' is not an RFC 3339 date-time after 1970 (e.g. 2038-01-01T00:00:00Z)",
		     date);
	if (ret == -2)
		fail(false,
		     "annotation " ANN_DATE ": '%s' is out of range: from 1970-01-01T00:00:00Z to "
		     MAX_DATE_STR, date);

	/* Every device and namespace is opened and checked before any change. */
	for (i = 0; i < n; i++)
		prepare_devctx(pid, i, &entries[i]);
	if (date)
		prepare_date(pid, &dt, entries, n);

	for (i = 0; i < n; i++)
		apply_devctx(&entries[i]);
	if (date)
		apply_date(pid, &dt, date, &ts);
	if (!n && !date)
		info("container %d: no perns annotation", pid);
	json_free(config);
	json_free(state);
	return EXIT_SUCCESS;
}
