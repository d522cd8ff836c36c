// SPDX-License-Identifier: GPL-2.0
/*
 * setdevns - choose the context a namespace uses for a perns device
 *
 *   setdevns --share|--unshare|--migrate [--target PID | --ns FILE]
 *	      [--user|--uts|--ipc|--pid|--net|--mnt|--cgroup|--time]
 *	      [--source PID] DEVICE | --fd N
 *
 * A wrapper of setdevns(2) in the style of nsenter(1). See setdevns(1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "perns.h"

static const char *prog = "setdevns";

static noreturn void usage(FILE *out)
{
	fprintf(out,
		"Usage:\n"
		" %s --share|--unshare|--migrate [options] DEVICE\n"
		" %s --share|--unshare|--migrate [options] --fd N\n"
		"\n"
		"Choose the context a namespace uses for a perns device.\n"
		"\n"
		"Modes:\n"
		"     --share            the namespace uses the device file's context\n"
		"     --unshare          the namespace gets a private copy of it\n"
		"     --migrate          the context moves into the namespace\n"
		"\n"
		"Options:\n"
		" -t, --target PID       the namespace of process PID\n"
		" -N, --ns FILE          the namespace file FILE (/proc/PID/ns/TYPE, or a bind mount)\n"
		" -U, --user             a user namespace\n"
		" -u, --uts              a UTS namespace\n"
		" -i, --ipc              an IPC namespace\n"
		" -p, --pid              a PID namespace\n"
		" -n, --net              a network namespace\n"
		" -m, --mnt              a mount namespace\n"
		" -C, --cgroup           a cgroup namespace\n"
		" -T, --time             a time namespace\n"
		" -S, --source PID       open DEVICE from inside PID's namespace of the type\n"
		" -f, --fd N             use the open file descriptor N instead of DEVICE\n"
		"\n"
		" -h, --help             display this help\n"
		" -V, --version          display version\n"
		"\n"
		"The namespace type defaults to the device's (/proc/perns/devices).\n"
		"For more details see setdevns(1).\n", prog, prog);
	exit(out == stderr ? EXIT_FAILURE : EXIT_SUCCESS);
}

static noreturn void errx_help(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
	exit(EXIT_FAILURE);
}

/* "setdevns: <what>: <strerror(errno)>", exit 1, as util-linux's err(). */
static noreturn void die(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
	exit(EXIT_FAILURE);
}

static int parse_pid(const char *s, const char *what)
{
	int pid = perns_parse_int(s);

	if (pid <= 0)
		errx_help("invalid %s: '%s'", what, s);
	return pid;
}

enum { OPT_SHARE = 0x100, OPT_UNSHARE, OPT_MIGRATE };

static const char *mode_verb(unsigned int mode)
{
	return mode == SETDEVNS_SHARE ? "share" :
	       mode == SETDEVNS_UNSHARE ? "unshare" : "migrate";
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "share", no_argument, NULL, OPT_SHARE },
		{ "unshare", no_argument, NULL, OPT_UNSHARE },
		{ "migrate", no_argument, NULL, OPT_MIGRATE },
		{ "target", required_argument, NULL, 't' },
		{ "ns", required_argument, NULL, 'N' },
		{ "user", no_argument, NULL, 'U' },
		{ "uts", no_argument, NULL, 'u' },
		{ "ipc", no_argument, NULL, 'i' },
		{ "pid", no_argument, NULL, 'p' },
		{ "net", no_argument, NULL, 'n' },
		{ "mnt", no_argument, NULL, 'm' },
		{ "cgroup", no_argument, NULL, 'C' },
		{ "time", no_argument, NULL, 'T' },
		{ "source", required_argument, NULL, 'S' },
		{ "fd", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char type_opts[] = "UuipnmCT";
	const struct perns_nstype *type = NULL;
	const struct perns_dev *pdev = NULL;
	const char *device = NULL, *nsfile = NULL;
	int target = 0, source = 0, dev_fd = -1, ns_fd, c, step, n;
	char nspath[64], devname[64];
	struct perns_dev *devs = NULL;
	unsigned int mode = 0;
	const char *p;
	struct stat st;

	while ((c = getopt_long(argc, argv, "t:N:UuipnmCTS:f:hV", opts,
				NULL)) != -1) {
		switch (c) {
		case OPT_SHARE:
		case OPT_UNSHARE:
		case OPT_MIGRATE:
			if (mode)
				errx_help("%s are mutually exclusive",
					  "--share, --unshare and --migrate");
			mode = c == OPT_SHARE ? SETDEVNS_SHARE :
			       c == OPT_UNSHARE ? SETDEVNS_UNSHARE :
			       SETDEVNS_MIGRATE;
			break;
		case 't':
			target = parse_pid(optarg, "target PID");
			break;
		case 'N':
			nsfile = optarg;
			break;
		case 'S':
			source = parse_pid(optarg, "source PID");
			break;
		case 'f':
			dev_fd = perns_parse_int(optarg);
			if (dev_fd < 0)
				errx_help("invalid file descriptor: '%s'", optarg);
			break;
		case 'h':
			usage(stdout);
		case 'V':
			printf("%s from perns-tools %s\n", prog, PERNS_TOOLS_VERSION);
			return EXIT_SUCCESS;
		default:
			p = c > 0 && c < 0x100 ? strchr(type_opts, c) : NULL;
			if (!p) {
				fprintf(stderr, "Try '%s --help' for more information.\n", prog);
				return EXIT_FAILURE;
			}
			if (type && type != &perns_nstypes[p - type_opts])
				errx_help("only one namespace type may be given");
			type = &perns_nstypes[p - type_opts];
		}
	}
	if (optind < argc)
		device = argv[optind++];
	if (optind < argc)
		errx_help("unexpected argument: '%s'", argv[optind]);
	if (!mode)
		errx_help("no mode given: use --share, --unshare or --migrate");
	if (target && nsfile)
		errx_help("--target and --ns are mutually exclusive");
	if (!target && !nsfile)
		errx_help("no namespace given: use --target or --ns");
	if (device ? dev_fd >= 0 : dev_fd < 0)
		errx_help("give either DEVICE or --fd");
	if (source && dev_fd >= 0)
		errx_help("--source needs DEVICE, not --fd");

	/* The namespace type: given, or the device's. */
	if (dev_fd >= 0) {
		snprintf(devname, sizeof(devname), "file descriptor %d", dev_fd);
		if (fstat(dev_fd, &st))
			die("cannot stat %s", devname);
	} else {
		snprintf(devname, sizeof(devname), "%.63s", device);
		if (stat(device, &st))
			die("cannot stat %s", device);
	}
	if (!type && (target || source)) {
		n = perns_read_devices(&devs);
		if (n < 0)
			die("cannot read %s", PERNS_DEVICES);
		if (S_ISCHR(st.st_mode))
			pdev = perns_find_device(devs, n, st.st_rdev);
		if (!pdev) {
			errno = ENODEV;
			die("cannot determine the namespace type of %s", devname);
		}
		type = pdev->type;
	}

	if (device && source) {
		dev_fd = perns_open_in_ns(source, type, device, O_RDWR,
					  S_ISCHR(st.st_mode) ? st.st_rdev : 0,
					  &step);
		if (dev_fd < 0) {
			if (step == 0)
				die("cannot open /proc/%d/ns/%s", source, type->name);
			if (step == 1)
				die("cannot enter the %s namespace of process %d",
				    type->name, source);
			die("cannot open %s in the %s namespace of process %d",
			    device, type->name, source);
		}
	} else if (device) {
		dev_fd = open(device, O_RDWR | O_CLOEXEC | O_NOCTTY);
		if (dev_fd < 0)
			die("cannot open %s", device);
	}

	if (target) {
		snprintf(nspath, sizeof(nspath), "/proc/%d/ns/%s", target,
			 type->name);
		nsfile = nspath;
	}
	ns_fd = open(nsfile, O_RDONLY | O_CLOEXEC);
	if (ns_fd < 0)
		die("cannot open %s", nsfile);

	if (sys_setdevns(dev_fd, ns_fd, type ? type->flag : 0, mode))
		die("cannot %s the context of %s for %s", mode_verb(mode),
		    devname, nsfile);
	free(devs);
	return EXIT_SUCCESS;
}
