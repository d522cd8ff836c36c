// SPDX-License-Identifier: GPL-2.0
/*
 * lsdevns - list the contexts namespaces use for perns devices
 *
 * One row per (namespace, perns device of the namespace's type), in the
 * style of lsns(8): the namespaces come from /proc/PID/ns/TYPE, the
 * devices from /proc/perns/devices and each context from NS_GET_DEVCTX
 * on the namespace file. See lsdevns(8).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "perns.h"

static const char *prog = "lsdevns";

enum col_id { COL_NS, COL_TYPE, COL_DEVICE, COL_NAME, COL_CTX, COL_MODE,
	      COL_OWNER, COL_NPROCS, COL_PID, COL_COMMAND, NR_COLS };

static const struct column {
	const char *name;	/* header; lower case, the JSON key */
	bool number;		/* right-aligned, a JSON number */
	const char *help;
} columns[NR_COLS] = {
	[COL_NS] = { "NS", true, "namespace identifier (inode number)" },
	[COL_TYPE] = { "TYPE", false, "namespace type" },
	[COL_DEVICE] = { "DEVICE", false, "device number (major:minor)" },
	[COL_NAME] = { "NAME", false, "device name" },
	[COL_CTX] = { "CTX", true, "context identifier" },
	[COL_MODE] = { "MODE", false, "private (the namespace owns the context) or shared" },
	[COL_OWNER] = { "OWNER", true, "namespace owning the context, '-' if none" },
	[COL_NPROCS] = { "NPROCS", true, "number of processes in the namespace" },
	[COL_PID] = { "PID", true, "lowest PID in the namespace" },
	[COL_COMMAND] = { "COMMAND", false, "command line of PID" },
};

/* A namespace seen in /proc/PID/ns. */
struct nsent {
	unsigned long long ino;
	int type;		/* index in perns_nstypes */
	int pid;
};

struct row {
	unsigned long long ns, ctx, owner;
	const struct perns_dev *dev;
	bool private;
	int nprocs, pid;
	char *command;
};

static struct nsent *nsents;
static int nr_nsents, cap_nsents;

static noreturn void usage(FILE *out)
{
	int i;

	fprintf(out,
		"Usage:\n"
		" %s [options]\n"
		"\n"
		"List the contexts namespaces use for perns devices.\n"
		"\n"
		"Options:\n"
		" -J, --json             use JSON output format\n"
		" -n, --noheadings       don't print headings\n"
		" -o, --output LIST      define which output columns to use (+LIST appends)\n"
		" -p, --task PID         print the namespaces of process PID only\n"
		" -t, --type TYPE        namespace type (user, uts, ipc, pid, net, mnt, cgroup, time)\n"
		" -d, --device DEVICE    a device: a device node's path or MAJOR:MINOR\n"
		"\n"
		" -h, --help             display this help\n"
		" -V, --version          display version\n"
		"\n"
		"Available output columns:\n", prog);
	for (i = 0; i < NR_COLS; i++)
		fprintf(out, " %8s  %s\n", columns[i].name, columns[i].help);
	fprintf(out, "\nFor more details see lsdevns(8).\n");
	exit(out == stderr ? EXIT_FAILURE : EXIT_SUCCESS);
}

/* "lsdevns: MESSAGE", its control characters escaped as \xHH */
static noreturn void fail(bool with_errno, const char *fmt, ...)
{
	char msg[1024], esc[1024];
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s", prog, perns_escape(msg, esc, sizeof(esc)));
	if (with_errno)
		fprintf(stderr, ": %s", strerror(e));
	fputc('\n', stderr);
	exit(EXIT_FAILURE);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		errno = ENOMEM;
		fail(true, "cannot allocate memory");
	}
	return p;
}

static void add_nsent(unsigned long long ino, int type, int pid)
{
	if (nr_nsents == cap_nsents) {
		cap_nsents = cap_nsents ? 2 * cap_nsents : 256;
		nsents = xrealloc(nsents, cap_nsents * sizeof(*nsents));
	}
	nsents[nr_nsents].ino = ino;
	nsents[nr_nsents].type = type;
	nsents[nr_nsents].pid = pid;
	nr_nsents++;
}

static int cmp_nsent(const void *a, const void *b)
{
	const struct nsent *x = a, *y = b;

	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->type != y->type)
		return x->type - y->type;
	return x->pid - y->pid;
}

/* The namespaces of @pid of the types in @types; 0, or -1 with errno. */
static int scan_pid(int pid, const bool *types)
{
	char path[64];
	struct stat st;
	int t, found = 0, err = 0;

	for (t = 0; t < PERNS_NR_TYPES; t++) {
		if (!types[t])
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid,
			 perns_nstypes[t].name);
		if (stat(path, &st)) {
			/* a kernel without the type has no link: not an error */
			if (errno != ENOENT || !err)
				err = errno;
			continue;
		}
		add_nsent(st.st_ino, t, pid);
		found++;
	}
	if (!found && err) {
		errno = err;
		return -1;
	}
	return 0;
}

static char *read_command(int pid)
{
	char path[64], buf[4096];
	ssize_t n, i;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n > 0) {
		while (n > 0 && !buf[n - 1])
			n--;
		for (i = 0; i < n; i++)
			if (!buf[i])
				buf[i] = ' ';
		buf[n] = 0;
		return strdup(buf);
	}
	/* a kernel thread, or a zombie: its name */
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return strdup("");
	if (buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
	return strdup(buf);
}

static int parse_columns(const char *list, int *cols, int ncols)
{
	char *copy, *tok, *save = NULL;
	int i;

	if (*list == '+')
		list++;
	else
		ncols = 0;
	copy = strdup(list);
	if (!copy)
		fail(true, "cannot allocate memory");
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < NR_COLS; i++)
			if (!strcasecmp(tok, columns[i].name))
				break;
		if (i == NR_COLS)
			fail(false, "unknown column: %s", tok);
		if (ncols == 2 * NR_COLS)
			fail(false, "too many columns");
		cols[ncols++] = i;
	}
	free(copy);
	if (!ncols)
		fail(false, "no columns given");
	return ncols;
}

/* The text of column @col of @r; for the table (@raw false), escaped. */
static void field(const struct row *r, int col, char *buf, size_t len,
		  bool raw)
{
	switch (col) {
	case COL_NS:
		snprintf(buf, len, "%llu", r->ns);
		break;
	case COL_TYPE:
		snprintf(buf, len, "%s", r->dev->type->name);
		break;
	case COL_DEVICE:
		snprintf(buf, len, "%u:%u", r->dev->major, r->dev->minor);
		break;
	case COL_NAME:
		if (raw)
			snprintf(buf, len, "%s", r->dev->name);
		else
			perns_escape(r->dev->name, buf, len);
		break;
	case COL_CTX:
		snprintf(buf, len, "%llu", r->ctx);
		break;
	case COL_MODE:
		snprintf(buf, len, "%s", r->private ? "private" : "shared");
		break;
	case COL_OWNER:
		if (r->owner)
			snprintf(buf, len, "%llu", r->owner);
		else
			snprintf(buf, len, "-");
		break;
	case COL_NPROCS:
		snprintf(buf, len, "%d", r->nprocs);
		break;
	case COL_PID:
		snprintf(buf, len, "%d", r->pid);
		break;
	case COL_COMMAND:
		/* a command line can hold any byte but NUL */
		if (raw)
			snprintf(buf, len, "%s", r->command);
		else
			perns_escape(r->command, buf, len);
		break;
	}
}

static void print_json(const struct row *rows, int n, const int *cols,
		       int ncols)
{
	bool seen[NR_COLS];
	char buf[4096];
	int i, c;

	printf("{\n   \"devcontexts\": [");
	for (i = 0; i < n; i++) {
		printf("%s\n      {", i ? "," : "");
		memset(seen, 0, sizeof(seen));
		for (c = 0; c < ncols; c++) {
			const char *name = columns[cols[c]].name;

			/* a column given twice is one key: keys are unique */
			if (seen[cols[c]])
				continue;
			printf("%s\"", c ? ", " : "");
			seen[cols[c]] = true;
			for (; *name; name++)
				putchar(tolower((unsigned char)*name));
			printf("\": ");
			if (cols[c] == COL_OWNER && !rows[i].owner) {
				printf("null");
				continue;
			}
			field(&rows[i], cols[c], buf, sizeof(buf), true);
			if (columns[cols[c]].number)
				fputs(buf, stdout);
			else
				json_print_string(stdout, buf);
		}
		printf("}");
	}
	printf("%s]\n}\n", n ? "\n   " : "");
}

static void print_table(const struct row *rows, int n, const int *cols,
			int ncols, bool headings)
{
	int width[2 * NR_COLS], i, c, w;
	static char buf[4 * 4096];

	for (c = 0; c < ncols; c++) {
		width[c] = headings ? strlen(columns[cols[c]].name) : 0;
		for (i = 0; i < n; i++) {
			field(&rows[i], cols[c], buf, sizeof(buf), false);
			w = strlen(buf);
			if (w > width[c])
				width[c] = w;
		}
	}
	for (i = headings ? -1 : 0; i < n; i++) {
		for (c = 0; c < ncols; c++) {
			const char *s = buf;
			bool last = c == ncols - 1;

			if (i < 0)
				s = columns[cols[c]].name;
			else
				field(&rows[i], cols[c], buf, sizeof(buf), false);
			if (c)
				putchar(' ');
			if (columns[cols[c]].number)
				printf("%*s", width[c], s);
			else if (last)
				fputs(s, stdout);
			else
				printf("%-*s", width[c], s);
		}
		putchar('\n');
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "task", required_argument, NULL, 'p' },
		{ "type", required_argument, NULL, 't' },
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int cols[2 * NR_COLS], ncols = NR_COLS, c, i, j, k, m, ndevs, nrows = 0;
	bool json = false, headings = true, types[PERNS_NR_TYPES];
	const struct perns_dev *want_dev = NULL;
	const struct perns_nstype *want_type = NULL;
	const char *device = NULL;
	struct perns_dev *devs;
	struct row *rows = NULL;
	struct dirent *de;
	int task = 0;
	DIR *proc;

	for (i = 0; i < NR_COLS; i++)
		cols[i] = i;
	while ((c = getopt_long(argc, argv, "Jno:p:t:d:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'J':
			json = true;
			break;
		case 'n':
			headings = false;
			break;
		case 'o':
			ncols = parse_columns(optarg, cols, ncols);
			break;
		case 'p':
			task = perns_parse_int(optarg);
			if (task <= 0)
				fail(false, "invalid PID: '%s'", optarg);
			break;
		case 't':
			want_type = perns_type_by_name(optarg);
			if (!want_type)
				fail(false, "unknown namespace type: %s", optarg);
			break;
		case 'd':
			device = optarg;
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

	ndevs = perns_read_devices(&devs);
	if (ndevs < 0)
		fail(true, "cannot read %s", PERNS_DEVICES);
	if (device) {
		unsigned int maj, min;
		struct stat st;
		char end;

		if (sscanf(device, "%u:%u%c", &maj, &min, &end) == 2) {
			st.st_rdev = makedev(maj, min);
		} else {
			if (stat(device, &st))
				fail(true, "cannot stat %s", device);
			if (!S_ISCHR(st.st_mode))
				fail(false, "%s is not a character device", device);
		}
		want_dev = perns_find_device(devs, ndevs, st.st_rdev);
		if (!want_dev)
			fail(false, "%s is not a perns device", device);
	}
	for (i = 0; i < PERNS_NR_TYPES; i++) {
		types[i] = false;
		if (want_type && want_type != &perns_nstypes[i])
			continue;
		for (j = 0; j < ndevs; j++)
			if (devs[j].type == &perns_nstypes[i] &&
			    (!want_dev || want_dev == &devs[j]))
				types[i] = true;
	}

	proc = opendir("/proc");
	if (!proc)
		fail(true, "cannot open /proc");
	while ((de = readdir(proc))) {
		int pid = perns_parse_int(de->d_name);

		/* other users' processes are not readable: skipped, as lsns */
		if (pid > 0)
			scan_pid(pid, types);
	}
	closedir(proc);
	if (task) {
		int first = nr_nsents;
		char path[64];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/%d/ns", task);
		if (stat(path, &st) || scan_pid(task, types))
			fail(true, "cannot read %s", path);
		/* the process's namespaces are the entries after first */
		for (i = first; i < nr_nsents; i++)
			nsents[i].pid = -nsents[i].pid;
	}
	qsort(nsents, nr_nsents, sizeof(*nsents), cmp_nsent);

	for (i = 0; i < nr_nsents; i = j) {
		const struct perns_nstype *type = &perns_nstypes[nsents[i].type];
		int nprocs = 0, pid = 0, fd = -1;
		bool selected = !task;
		char path[64];

		for (j = i; j < nr_nsents && nsents[j].ino == nsents[i].ino &&
		     nsents[j].type == nsents[i].type; j++) {
			if (nsents[j].pid < 0) {
				selected = true;
				continue;
			}
			nprocs++;
			if (!pid)
				pid = nsents[j].pid;
		}
		if (!selected || !pid)
			continue;
		/*
		 * The namespace through the lowest PID still in it: a process
		 * that exited, or whose PID was reused, is skipped.
		 */
		for (pid = 0, m = i; m < j && fd < 0; m++) {
			struct stat st;

			if (nsents[m].pid < 0)
				continue;
			snprintf(path, sizeof(path), "/proc/%d/ns/%s",
				 nsents[m].pid, type->name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (fstat(fd, &st) || st.st_ino != nsents[i].ino) {
				close(fd);
				fd = -1;
				continue;
			}
			pid = nsents[m].pid;
		}
		if (fd < 0)
			continue;	/* every process left it */
		for (k = 0; k < ndevs; k++) {
			struct ns_devctx info;
			struct row *r;

			if (devs[k].type != type || (want_dev && want_dev != &devs[k]))
				continue;
			/* ENODEV: the device went away since the list was read */
			if (perns_get_devctx(fd, devs[k].major, devs[k].minor, &info))
				continue;
			rows = xrealloc(rows, (nrows + 1) * sizeof(*rows));
			r = &rows[nrows++];
			r->ns = nsents[i].ino;
			r->dev = &devs[k];
			r->ctx = info.ctx_id;
			r->private = info.flags & NS_DEVCTX_PRIVATE;
			r->owner = info.owner_ino;
			r->nprocs = nprocs;
			r->pid = pid;
			r->command = read_command(pid);
			if (!r->command)
				fail(true, "cannot allocate memory");
		}
		close(fd);
	}

	if (json)
		print_json(rows, nrows, cols, ncols);
	else
		print_table(rows, nrows, cols, ncols, headings);
	for (i = 0; i < nrows; i++)
		free(rows[i].command);
	free(rows);
	free(nsents);
	free(devs);
	return fflush(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
}
