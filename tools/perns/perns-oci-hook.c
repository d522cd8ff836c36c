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
 * sets the wall clock of its private valarm context. Everything is
 * checked before anything is changed; an error exits 1, which fails the
 * container's start. See perns-oci-hook(1).
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

static const char *prog = "perns-oci-hook";
static bool verbose;

struct devctx_entry {
	char *path;
	unsigned int mode;
	const struct perns_nstype *type;	/* NULL: the device's */
};

static noreturn void fail(bool with_errno, const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (with_errno)
		fprintf(stderr, ": %s", strerror(e));
	fputc('\n', stderr);
	exit(EXIT_FAILURE);
}

static void info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
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
		" -v, --verbose   say what is done, on stderr\n"
		" -h, --help      display this help\n"
		" -V, --version   display version\n"
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

static int parse_devctx(char *value, struct devctx_entry *entries)
{
	char *s = value, *comma, why[160], orig[256];
	int n = 0;

	if (!*value)
		fail(false, "annotation " ANN_DEVCTX ": empty value");
	for (;;) {
		comma = strchr(s, ',');
		if (comma)
			*comma = 0;
		snprintf(orig, sizeof(orig), "%s", s);
		if (n == MAX_ENTRIES)
			fail(false, "annotation " ANN_DEVCTX ": more than %d entries",
			     MAX_ENTRIES);
		if (!*s)
			fail(false, "annotation " ANN_DEVCTX ": entry %d is empty", n + 1);
		if (parse_entry(s, &entries[n], why, sizeof(why)))
			fail(false, "annotation " ANN_DEVCTX ": entry %d '%s': %s",
			     n + 1, orig, why);
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

/* RFC 3339 date-time into @ts; -1 if malformed. */
static int parse_date(const char *s, struct timespec *ts)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int year, mon, day, hour, min, sec, oh, om, ndig = 0;
	long nsec = 0, scale = 100000000;
	struct tm tm = { 0 };
	long long off = 0;
	time_t t;

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
	} else if ((*s == '+' || *s == '-') && s[3] == ':' && !s[6]) {
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
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1 || t - off < 0)
		return -1;
	ts->tv_sec = t - off;
	ts->tv_nsec = nsec;
	return 0;
}

/* The namespace type of the perns device @path, from /proc/perns/devices. */
static const struct perns_nstype *device_type(const char *path,
					      unsigned int *maj,
					      unsigned int *min)
{
	const struct perns_dev *d;
	struct perns_dev *devs;
	struct stat st;
	int n;

	if (stat(path, &st))
		fail(true, "cannot stat %s", path);
	n = perns_read_devices(&devs);
	if (n < 0)
		fail(true, "cannot read %s", PERNS_DEVICES);
	d = S_ISCHR(st.st_mode) ? perns_find_device(devs, n, st.st_rdev) : NULL;
	if (!d) {
		errno = ENODEV;
		fail(true, "%s is not a perns device", path);
	}
	*maj = major(st.st_rdev);
	*min = minor(st.st_rdev);
	return d->type;
}

static int open_ns(int pid, const struct perns_nstype *type, char *path,
		   size_t len)
{
	int fd;

	snprintf(path, len, "/proc/%d/ns/%s", pid, type->name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail(true, "cannot open %s", path);
	return fd;
}

static void apply_devctx(int pid, const struct devctx_entry *e)
{
	static const char * const verbs[] = {
		[SETDEVNS_SHARE] = "share", [SETDEVNS_UNSHARE] = "unshare",
		[SETDEVNS_MIGRATE] = "migrate",
	};
	const struct perns_nstype *type = e->type;
	unsigned int maj, min;
	struct ns_devctx ctx;
	int dev_fd, ns_fd;
	char nspath[64];

	if (!type)
		type = device_type(e->path, &maj, &min);
	dev_fd = open(e->path, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (dev_fd < 0)
		fail(true, "cannot open %s", e->path);
	ns_fd = open_ns(pid, type, nspath, sizeof(nspath));
	if (sys_setdevns(dev_fd, ns_fd, type->flag, e->mode))
		fail(true, "cannot %s the context of %s for %s",
		     verbs[e->mode], e->path, nspath);
	if (verbose) {
		struct stat st;

		if (!fstat(dev_fd, &st) &&
		    !perns_get_devctx(ns_fd, major(st.st_rdev),
				      minor(st.st_rdev), &ctx))
			info("%s: %s %s: context %llu, %s", nspath, e->path,
			     verbs[e->mode], (unsigned long long)ctx.ctx_id,
			     ctx.flags & NS_DEVCTX_PRIVATE ? "private" : "shared");
	}
	close(ns_fd);
	close(dev_fd);
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

static void apply_date(int pid, const char *device, const char *date,
		       const struct timespec *ts)
{
	const struct perns_nstype *type;
	unsigned int maj, min;
	struct ns_devctx ctx;
	char nspath[64];
	int ns_fd, fd, step;

	type = device_type(device, &maj, &min);
	ns_fd = open_ns(pid, type, nspath, sizeof(nspath));
	if (perns_get_devctx(ns_fd, maj, min, &ctx))
		fail(true, "cannot get the context of %s for %s", device, nspath);
	/* SET_RTC in a shared context could set the host's clock */
	if (!(ctx.flags & NS_DEVCTX_PRIVATE))
		fail(false,
		     "annotation perns.valarm.date: %s has no private context of %s: add %s:unshare to perns.devctx",
		     nspath, device, device);
	close(ns_fd);

	fd = perns_open_in_ns(pid, type, device, O_WRONLY, &step);
	if (fd < 0) {
		if (step == 0)
			fail(true, "cannot open %s", nspath);
		if (step == 1)
			fail(true, "cannot enter %s", nspath);
		fail(true, "cannot open %s in %s", device, nspath);
	}
	if (fd_context(fd) != ctx.ctx_id)
		fail(false, "the context of %s for %s changed while the hook ran",
		     device, nspath);
	if (ioctl(fd, ANDROID_ALARM_SET_RTC, ts))
		fail(true, "cannot set the clock of context %llu of %s to %s",
		     (unsigned long long)ctx.ctx_id, device, date);
	info("%s: %s: context %llu set to %s", nspath, device,
	     (unsigned long long)ctx.ctx_id, date);
	close(fd);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct devctx_entry entries[MAX_ENTRIES];
	const char *date = NULL, *device = DEFAULT_VALARM;
	struct json *state, *config = NULL, *ann, *pidv, *e;
	char *devctx = NULL, *text;
	int c, i, n = 0, pid;
	struct timespec ts;

	while ((c = getopt_long(argc, argv, "vhV", opts, NULL)) != -1) {
		switch (c) {
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
			device = e->str;
			if (device[0] != '/')
				fail(false,
				     "annotation " ANN_DEVICE ": '%s' is not an absolute path",
				     device);
		} else {
			fail(false, "unknown annotation %s (known: " ANN_DEVCTX ", "
			     ANN_DATE ", " ANN_DEVICE ")", e->key);
		}
	}
	if (devctx)
		n = parse_devctx(devctx, entries);
	if (date && parse_date(date, &ts))
		fail(false,
		     "annotation perns.valarm.date: '%s' is not an RFC 3339 date-time after 1970 (e.g. 2038-01-01T00:00:00Z)",
		     date);

	for (i = 0; i < n; i++)
		apply_devctx(pid, &entries[i]);
	if (date)
		apply_date(pid, device, date, &ts);
	if (!n && !date)
		info("container %d: no perns annotation", pid);
	json_free(config);
	json_free(state);
	return EXIT_SUCCESS;
}
