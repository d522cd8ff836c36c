// SPDX-License-Identifier: GPL-2.0
/*
 * perns benchmark (make bench): measures, in the guest, the performance
 * targets of the perns core and of valarm.
 *
 *  1. Creating a namespace of each type costs the same, within 5 %, with
 *     0 and with 1000 shared-mode devices of that type registered
 *     (lib/test_perns nr_dummy).
 *  2. A namespace that shares every context costs no per-device memory:
 *     the slab bytes a held namespace costs with 1000 devices exceed
 *     those with 0 by less than one byte per device.
 *  3. ANDROID_ALARM_GET_TIME on /dev/valarm costs at most 1.5x a
 *     clock_gettime(CLOCK_REALTIME) system call (not the vDSO), in the
 *     host's context and in a container's private one.
 *  4. The lateness of a valarm alarm matches that of a timerfd on
 *     CLOCK_REALTIME_ALARM: its median is at most 1 ms later.
 *
 * Rounds of the two cases being compared alternate and their medians are
 * compared, so that drift of the (emulated) machine cancels out; before
 * each measure the machine is let settle, so that deferred frees of
 * namespaces made by one measure do not run during the next. For 1. and
 * 2., lib/test_perns is reloaded between the cases with the same number
 * of devices, of four namespace types in one case and of the other four
 * in the other, so that the reload itself does not favour either.
 * Exit status: 0 if every target is met, 1 if one is missed, 2 on error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <linux/android_alarm.h>
#include <linux/perns.h>

#include "../guest.h"

#ifndef __NR_setdevns
#define __NR_setdevns 472
#endif

#define DEV		"/dev/valarm"
#define NR_DEVICES	1000	/* per namespace type */
#define ROUNDS		12	/* per case; a multiple of NR_SPLITS */
#define MEM_ROUNDS	3
#define ROUND_NS	100e6	/* target length of a creation round */
#define HELD		300	/* namespaces held for the memory measure */
#define GET_ITERS	50	/* calls per sample */
#define GET_ROUNDS	2001	/* samples of each */
#define ALARMS		25
#define ALARM_AHEAD_NS	10000000LL

static const struct nstype {
	const char *name;
	int flag;
	const char *self;	/* the /proc/self/ns file that names it */
} types[] = {
	{ "user",   CLONE_NEWUSER,   "user" },
	{ "uts",    CLONE_NEWUTS,    "uts" },
	{ "ipc",    CLONE_NEWIPC,    "ipc" },
	{ "pid",    CLONE_NEWPID,    "pid_for_children" },
	{ "net",    CLONE_NEWNET,    "net" },
	{ "mnt",    CLONE_NEWNS,     "mnt" },
	{ "cgroup", CLONE_NEWCGROUP, "cgroup" },
	{ "time",   CLONE_NEWTIME,   "time_for_children" },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NR_TYPES	ARRAY_SIZE(types)

static bool missed;

static void die(const char *what)
{
	fprintf(stderr, "perns-bench: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void die_ns(const char *what, const struct nstype *t)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s(%s)", what, t->name);
	die(buf);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static long long real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The @p-th percentile of the @n values of @v (nearest rank); sorts @v. */
static double percentile(double *v, long n, int p)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[(n - 1) * p / 100];
}

static double median(double *v, long n)
{
	return percentile(v, n, 50);
}

static const char *verdict(bool ok)
{
	if (!ok)
		missed = true;
	return ok ? "ok" : "MISSED";
}

/* Busy and total CPU time of the machine so far, in ticks (/proc/stat). */
static void cpu_ticks(unsigned long long *busy, unsigned long long *all)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");

	if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
			 &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			 &v[7]) != 8)
		die("/proc/stat");
	fclose(f);
	/* user nice system idle iowait irq softirq steal */
	*busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
	*all = *busy + v[3] + v[4];
}

/*
 * Wait, at most 20 s, for a 200 ms stretch with the machine idle (under
 * 5 % busy), so that deferred frees of namespaces made by one measure do
 * not run during the next.
 */
static void settle(void)
{
	unsigned long long busy0, all0, busy1, all1;
	int i;

	cpu_ticks(&busy0, &all0);
	for (i = 0; i < 100; i++) {
		usleep(200000);
		cpu_ticks(&busy1, &all1);
		if (all1 > all0 && (busy1 - busy0) * 20 < all1 - all0)
			return;
		busy0 = busy1;
		all0 = all1;
	}
}

/* Count the lines of /proc/perns/devices naming a dummy device of @type. */
static int count_dummies(const char *type)
{
	char line[256], name[16];
	FILE *f = fopen("/proc/perns/devices", "r");
	int n = 0;

	if (!f)
		die("/proc/perns/devices");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%15s", name) == 1 && !strcmp(name, type) &&
		    strstr(line, "\tshared\tdummy\n"))
			n++;
	fclose(f);
	return n;
}

/*
 * The two cases of a round: NR_DEVICES devices of each of four types, or
 * of each of the other four (bit i: types[i]). A type is measured with its
 * devices in one case and without in the other, under the same reload and
 * number of devices. Rounds cycle through these splits of the eight types,
 * so that the memory layout a reload leaves differs between the rounds of
 * a type.
 */
static const unsigned int splits[] = { 0x55, 0x0f, 0x33, 0x69 };
#define NR_SPLITS	ARRAY_SIZE(splits)

/* The CLONE_NEW* flags of case @c of round @r. */
static unsigned int case_types(int r, int c)
{
	unsigned int split = c ? ~splits[r % NR_SPLITS] : splits[r % NR_SPLITS];
	unsigned int t, flags = 0;

	for (t = 0; t < NR_TYPES; t++)
		if (split & (1U << t))
			flags |= types[t].flag;
	return flags;
}

/* Seconds the last reload of lib/test_perns took to unload and to load. */
static double unload_s, load_s;

/* (Re)load lib/test_perns with NR_DEVICES dummies of the types in @mask. */
static void load_devices(unsigned int mask)
{
	double t0 = now_ns(), t1;
	char cmd[96];
	unsigned int t;

	if (system("rmmod test_perns 2>/dev/null") < 0)	/* may not be loaded */
		die("system");
	t1 = now_ns();
	snprintf(cmd, sizeof(cmd), "modprobe test_perns nr_dummy=%d dummy_types=%#x",
		 NR_DEVICES, mask);
	if (system(cmd)) {
		errno = EIO;
		die(cmd);
	}
	for (t = 0; t < NR_TYPES; t++) {
		int want = types[t].flag & mask ? NR_DEVICES : 0;
		int got = count_dummies(types[t].name);

		if (got != want) {
			fprintf(stderr, "perns-bench: %d %s dummies registered, not %d\n",
				got, types[t].name, want);
			exit(2);
		}
	}
	unload_s = (t1 - t0) / 1e9;
	load_s = (now_ns() - t1) / 1e9;
	usleep(100000);	/* let the reload's deferred work finish */
}

static int open_self_ns(const struct nstype *t)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", t->self);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	return fd;
}

/* Namespaces are dropped again by going back to @home. */
static void create_in_place(const struct nstype *t, int home, long n,
			    double *out)
{
	long i;

	for (i = 0; i < n; i++) {
		double t0 = now_ns();

		if (unshare(t->flag))
			die_ns("unshare", t);
		if (setns(home, t->flag))
			die_ns("setns", t);
		out[i] = now_ns() - t0;
	}
}

/*
 * A user namespace cannot be left for its parent, nor nested without an id
 * map: each one is created by a child, which reports the time unshare()
 * took.
 */
static void create_user(long n, double *out)
{
	long i;

	for (i = 0; i < n; i++) {
		int p[2], status;
		pid_t pid;
		double t;

		if (pipe(p))
			die("pipe");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (!pid) {
			double t0 = now_ns();

			if (unshare(CLONE_NEWUSER))
				_exit(1);
			t = now_ns() - t0;
			_exit(write(p[1], &t, sizeof(t)) != sizeof(t));
		}
		close(p[1]);
		if (read(p[0], &t, sizeof(t)) != sizeof(t) ||
		    waitpid(pid, &status, 0) != pid || status) {
			errno = ECHILD;
			die("unshare(CLONE_NEWUSER) in a child");
		}
		close(p[0]);
		out[i] = t;
	}
}

/* Create @n namespaces of type @t; the time each took goes to @out. */
static void create(const struct nstype *t, int home, long n, double *out)
{
	if (t->flag == CLONE_NEWUSER)
		create_user(n, out);
	else
		create_in_place(t, home, n, out);
}

static long slab_bytes(void)
{
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");
	long kb = -1;

	if (!f)
		die("/proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kb) == 1)
			break;
	fclose(f);
	if (kb < 0) {
		errno = ENOENT;
		die("Slab in /proc/meminfo");
	}
	return kb * 1024;
}

/*
 * Slab bytes per namespace of type @t, HELD of them held by nsfs files. A
 * pid namespace can be opened only once it has an init: each gets one,
 * which waits for the end of the measure.
 */
static double held_bytes(const struct nstype *t)
{
	int home = open_self_ns(t), fds[HELD], p[2], i, status;
	bool pidns = t->flag == CLONE_NEWPID;
	long before, after;
	char c;

	if (pipe(p))
		die("pipe");
	settle();
	before = slab_bytes();
	for (i = 0; i < HELD; i++) {
		if (unshare(t->flag))
			die_ns("unshare", t);
		if (pidns) {
			pid_t pid = fork();

			if (pid < 0)
				die("fork");
			if (!pid) {
				close(p[1]);
				_exit(read(p[0], &c, 1) != 0);
			}
		}
		fds[i] = open_self_ns(t);
		if (setns(home, t->flag))
			die_ns("setns", t);
	}
	after = slab_bytes();
	close(p[0]);
	close(p[1]);
	for (i = 0; i < HELD; i++) {
		close(fds[i]);
		if (pidns && (wait(&status) < 0 || status)) {
			errno = ECHILD;
			die("init of a held pid namespace");
		}
	}
	close(home);
	return (double)(after - before) / HELD;
}

/*
 * Some namespaces (ipc, net, user) are freed by deferred work, which a
 * creation loop can outrun by more than the default limit of namespaces
 * of a type; lift the limits while measuring, then restore them.
 */
static void lift_ns_limits(bool lift)
{
	static char saved[NR_TYPES][24];
	char path[64];
	unsigned int t;

	for (t = 0; t < NR_TYPES; t++) {
		snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces",
			 types[t].name);
		if (lift) {
			FILE *f = fopen(path, "r");

			if (!f || !fgets(saved[t], sizeof(saved[t]), f))
				die(path);
			fclose(f);
		}
		if (write_file(path, lift ? "1000000\n" : saved[t]))
			die(path);
	}
}

/* 1 if type @t has its devices in case @c of round @r, else 0 */
static int with(unsigned int t, int r, int c)
{
	return !!(types[t].flag & case_types(r, c));
}

static void bench_namespaces(void)
{
	double *samples[NR_TYPES][2], mem[NR_TYPES][2][MEM_ROUNDS];
	struct rlimit rl = { HELD + 64, HELD + 64 };
	double t0, reg_s = 0, unreg_s = 0;
	long iters[NR_TYPES], done[NR_TYPES][2] = { { 0 } };
	int home[NR_TYPES], r, c, i, w;
	unsigned int t;

	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit");
	lift_ns_limits(true);
	load_devices(case_types(0, 0));
	for (t = 0; t < NR_TYPES; t++) {
		double cal[50];

		home[t] = types[t].flag == CLONE_NEWUSER ? -1 : open_self_ns(&types[t]);
		/* calibrate: iterations that take about ROUND_NS of wall time */
		create(&types[t], home[t], 20, cal);
		t0 = now_ns();
		create(&types[t], home[t], 50, cal);
		iters[t] = ROUND_NS / ((now_ns() - t0) / 50);
		if (iters[t] < 50)
			iters[t] = 50;
		for (w = 0; w < 2; w++) {
			samples[t][w] = calloc(ROUNDS * iters[t], sizeof(double));
			if (!samples[t][w])
				die("calloc");
		}
	}
	/* a first pass fills the slab caches and is not counted */
	t0 = now_ns();
	for (t = 0; t < NR_TYPES; t++) {
		create(&types[t], home[t], iters[t], samples[t][0]);
		if (t)
			held_bytes(&types[t]);
	}
	fprintf(stderr, "   warm-up done (%.0f s)\n", (now_ns() - t0) / 1e9);

	t0 = now_ns();
	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < 2; i++) {
			c = i ^ (r & 1);	/* which case goes first alternates too */
			load_devices(case_types(r, c));
			reg_s = reg_s > load_s ? reg_s : load_s;
			unreg_s = unreg_s > unload_s ? unreg_s : unload_s;
			for (t = 0; t < NR_TYPES; t++) {
				w = with(t, r, c);
				settle();
				create(&types[t], home[t], iters[t],
				       samples[t][w] + done[t][w]);
				done[t][w] += iters[t];
			}
			if (r >= MEM_ROUNDS)
				continue;
			/* user namespaces cannot be left, so are not held in place */
			for (t = 1; t < NR_TYPES; t++)
				mem[t][with(t, r, c)][r] = held_bytes(&types[t]);
		}
		fprintf(stderr, "   round %d/%d done (%.0f s)\n", r + 1, ROUNDS,
			(now_ns() - t0) / 1e9);
	}
	lift_ns_limits(false);

	printf("\n== 1. namespace creation, 0 vs %d shared-mode devices of the type\n",
	       NR_DEVICES);
	printf("   (unshare() and back with setns(); user: unshare() in a child;\n"
	       "    %d devices of four types, or of the other four, in alternating\n"
	       "    cases, over %d splits of the types; %d rounds of about %.0f ms\n"
	       "    per case; median and 10th percentile (p10) of the single\n"
	       "    creations: the noise of the emulated machine and of deferred\n"
	       "    frees only adds, so p10 is the cost of the creation path)\n",
	       NR_DEVICES * 4, (int)NR_SPLITS, ROUNDS, ROUND_NS / 1e6);
	printf("   %-7s %7s %18s %18s %13s   %s\n", "type", "created",
	       "0 devices", "1000 devices", "ratio", "target: p10");
	printf("   %-7s %7s %18s %18s %13s   %s\n", "", "", "median    p10",
	       "median    p10", "median  p10", "ratio 0.95..1.05");
	for (t = 0; t < NR_TYPES; t++) {
		double m[2], p10[2], ratio;

		for (w = 0; w < 2; w++) {
			m[w] = median(samples[t][w], done[t][w]);
			p10[w] = percentile(samples[t][w], done[t][w], 10);
			free(samples[t][w]);
		}
		ratio = p10[1] / p10[0];
		printf("   %-7s %7ld %8.1f %6.1f us %8.1f %6.1f us %6.3f %6.3f   %s\n",
		       types[t].name, done[t][0] + done[t][1], m[0] / 1e3,
		       p10[0] / 1e3, m[1] / 1e3, p10[1] / 1e3, m[1] / m[0],
		       ratio, verdict(ratio >= 0.95 && ratio <= 1.05));
		if (home[t] >= 0)
			close(home[t]);
	}
	printf("   (registering %d devices took at most %.2f s, unregistering them %.2f s)\n",
	       NR_DEVICES * (int)NR_TYPES / 2, reg_s, unreg_s);

	printf("\n== 2. memory of a namespace sharing every context, 0 vs %d devices\n",
	       NR_DEVICES);
	printf("   (Slab of /proc/meminfo over %d namespaces held by nsfs files,\n"
	       "    median of %d alternating rounds; a pointer per device would be %d B)\n",
	       HELD, MEM_ROUNDS, NR_DEVICES * (int)sizeof(void *));
	printf("   %-7s %12s %12s %12s   %s\n", "type", "0 devices",
	       "1000 devices", "difference", "target < 1000 B");
	for (t = 1; t < NR_TYPES; t++) {
		double m0 = median(mem[t][0], MEM_ROUNDS);
		double m1 = median(mem[t][1], MEM_ROUNDS);

		printf("   %-7s %10.0f B %10.0f B %10.0f B   %s\n", types[t].name,
		       m0, m1, m1 - m0, verdict(m1 - m0 < NR_DEVICES));
	}
}

static double get_time_ns(int fd)
{
	struct timespec ts;
	double t0 = now_ns();
	int i;

	for (i = 0; i < GET_ITERS; i++)
		if (ioctl(fd, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC), &ts))
			die("GET_TIME");
	return (now_ns() - t0) / GET_ITERS;
}

static double clock_gettime_ns(void)
{
	struct timespec ts;
	double t0 = now_ns();
	int i;

	for (i = 0; i < GET_ITERS; i++)
		if (syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts))
			die("clock_gettime");
	return (now_ns() - t0) / GET_ITERS;
}

/*
 * ns per GET_TIME on @fd and per syscall: 10th percentile of samples of
 * GET_ITERS calls, the two alternating.
 */
static void get_time_rounds(int fd, double *get, double *sys)
{
	static double g[GET_ROUNDS], s[GET_ROUNDS];
	int r;

	settle();
	get_time_ns(fd);
	clock_gettime_ns();
	for (r = 0; r < GET_ROUNDS; r++) {
		g[r] = get_time_ns(fd);
		s[r] = clock_gettime_ns();
	}
	*get = percentile(g, GET_ROUNDS, 10);
	*sys = percentile(s, GET_ROUNDS, 10);
}

static void print_get_time(const char *who, double get, double sys)
{
	printf("   %-18s %9.0f ns %9.0f ns %7.2f   %s\n", who, get, sys,
	       get / sys, verdict(get / sys <= 1.5));
}

/* Lateness of @n alarms of @type on @fd, in ns, into @late. */
static void valarm_lateness(int fd, int type, double *late, int n)
{
	int i;

	settle();
	for (i = 0; i < n; i++) {
		long long due = real_ns() + ALARM_AHEAD_NS, off;
		struct timespec ts, at;
		int ret;

		/* the context's clock may differ from the host's */
		if (ioctl(fd, ANDROID_ALARM_GET_TIME(type), &ts))
			die("GET_TIME");
		off = ts.tv_sec * 1000000000LL + ts.tv_nsec - real_ns();
		at.tv_sec = (due + off) / 1000000000LL;
		at.tv_nsec = (due + off) % 1000000000LL;
		if (ioctl(fd, ANDROID_ALARM_SET(type), &at))
			die("SET");
		do {
			ret = ioctl(fd, ANDROID_ALARM_WAIT);
			if (ret < 0 && errno != EINTR)
				die("WAIT");
		} while (ret < 0 || !(ret & (1 << type)));
		late[i] = real_ns() - due;
	}
}

static void timerfd_lateness(double *late, int n)
{
	int fd = timerfd_create(CLOCK_REALTIME_ALARM, 0), i;
	unsigned long long ticks;

	if (fd < 0)
		die("timerfd_create(CLOCK_REALTIME_ALARM)");
	settle();
	for (i = 0; i < n; i++) {
		long long due = real_ns() + ALARM_AHEAD_NS;
		struct itimerspec its = {
			.it_value = { due / 1000000000LL, due % 1000000000LL },
		};

		if (timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL))
			die("timerfd_settime");
		if (read(fd, &ticks, sizeof(ticks)) != sizeof(ticks))
			die("timerfd read");
		late[i] = real_ns() - due;
	}
	close(fd);
}

static void print_lateness(const char *who, double *late, int n, double ref)
{
	double m = median(late, n), p90 = percentile(late, n, 90);

	printf("   %-30s %8.0f us %8.0f us   %s\n", who, m / 1e3, p90 / 1e3,
	       ref < 0 ? "reference" : verdict(m <= ref + 1e6));
}

/* What the container measures in its private context. */
struct container_result {
	double get, sys;
	double late[ALARMS];
};

/* The container: its private context set to 2038, measured from inside. */
static void run_container(int go, int back)
{
	struct timespec ts = { .tv_sec = 2159006400 };	/* 2038-06-01 */
	struct container_result res;
	char c;
	int fd, ret;

	if (read(go, &c, 1) != 1)
		_exit(2);
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		die("container: setresuid");
	fd = open(DEV, O_RDWR);
	if (fd < 0)
		die("container: open " DEV);
	/* The owner of the context's alarms sees the TIME_CHANGE. */
	if (ioctl(fd, ANDROID_ALARM_CLEAR(ANDROID_ALARM_SYSTEMTIME)))
		die("container: CLEAR");
	if (ioctl(fd, ANDROID_ALARM_SET_RTC, &ts))
		die("container: SET_RTC");
	ret = ioctl(fd, ANDROID_ALARM_WAIT);
	if (ret < 0 || !(ret & ANDROID_ALARM_TIME_CHANGE_MASK)) {
		errno = EPROTO;
		die("container: WAIT after SET_RTC");
	}
	get_time_rounds(fd, &res.get, &res.sys);
	valarm_lateness(fd, ANDROID_ALARM_RTC, res.late, ALARMS);
	if (write(back, &res, sizeof(res)) != sizeof(res))
		_exit(2);
	_exit(0);
}

/* Start the container: a child in a new user namespace with a private context. */
static pid_t start_container(int dev, int *back_fd)
{
	int go[2], back[2], ns;
	char path[64], c = 0;
	pid_t pid;

	if (pipe(go) || pipe(back))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(dev);
		if (unshare(CLONE_NEWUSER))
			die("container: unshare(CLONE_NEWUSER)");
		if (write(back[1], &c, 1) != 1)
			_exit(2);
		run_container(go[0], back[1]);
	}
	if (read(back[0], &c, 1) != 1) {
		errno = ECHILD;
		die("container start");
	}
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	if (write_file(path, "0 0 1\n"))
		die(path);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	if (write_file(path, "0 0 1\n"))
		die(path);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
	ns = open(path, O_RDONLY);
	if (ns < 0)
		die(path);
	if (syscall(__NR_setdevns, dev, ns, CLONE_NEWUSER, SETDEVNS_UNSHARE))
		die("setdevns(UNSHARE)");
	close(ns);
	if (write(go[1], &c, 1) != 1)
		die("container go");
	*back_fd = back[0];
	return pid;
}

static void bench_valarm(void)
{
	struct container_result res;
	double late[ALARMS], ref, get, sys;
	int dev, back, status;
	pid_t pid;

	dev = open(DEV, O_RDWR);
	if (dev < 0 && errno == ENOENT && !system("modprobe valarm"))
		dev = open(DEV, O_RDWR);
	if (dev < 0)
		die("open " DEV);

	printf("\n== 3. GET_TIME(RTC) on " DEV " vs the clock_gettime(CLOCK_REALTIME) syscall\n");
	printf("   (%d alternating samples of %d calls each, 10th percentile)\n",
	       GET_ROUNDS, GET_ITERS);
	printf("   %-18s %12s %12s %7s   %s\n", "context", "GET_TIME",
	       "syscall", "ratio", "target <= 1.5");
	get_time_rounds(dev, &get, &sys);
	print_get_time("host (initial)", get, sys);
	/* the container runs alone: its alarms would perturb the host's */
	pid = start_container(dev, &back);
	if (read(back, &res, sizeof(res)) != sizeof(res) ||
	    waitpid(pid, &status, 0) != pid || status) {
		errno = ECHILD;
		die("container");
	}
	print_get_time("container (2038)", res.get, res.sys);

	printf("\n== 4. alarm lateness: fired minus due, %d alarms %lld ms ahead\n",
	       ALARMS, ALARM_AHEAD_NS / 1000000);
	printf("   %-30s %11s %11s   %s\n", "alarm", "median", "p90",
	       "target: median <= reference + 1 ms");
	timerfd_lateness(late, ALARMS);
	ref = median(late, ALARMS);
	print_lateness("timerfd CLOCK_REALTIME_ALARM", late, ALARMS, -1);
	valarm_lateness(dev, ANDROID_ALARM_RTC_WAKEUP, late, ALARMS);
	print_lateness("valarm RTC_WAKEUP, host", late, ALARMS, ref);
	valarm_lateness(dev, ANDROID_ALARM_RTC, late, ALARMS);
	print_lateness("valarm RTC, host", late, ALARMS, ref);
	print_lateness("valarm RTC, container (2038)", res.late, ALARMS, ref);
	close(dev);
}

#define CHAIN_LOOPS	40000

/*
 * An unprivileged unshare() loop: uid 65534 in its own user namespace
 * makes each uts namespace from the last, which dies. perns must keep
 * nothing of the dead ones (target: < 16 bytes of slab per iteration).
 */
static void bench_unshare_chain(void)
{
	int sync[2], go[2], status;
	long before, after;
	double per;
	pid_t pid;
	char c;

	if (pipe(sync) || pipe(go))
		die("pipe");
	settle();
	before = slab_bytes();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int i;

		/* Only the parent's end may keep the pipes open. */
		close(sync[0]);
		close(go[1]);
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534) || unshare(CLONE_NEWUSER))
			_exit(1);
		for (i = 0; i < CHAIN_LOOPS; i++)
			if (unshare(CLONE_NEWUTS))
				_exit(2);
		c = 'k';
		if (write(sync[1], &c, 1) != 1 || read(go[0], &c, 1) < 0)
			_exit(3);
		_exit(0);
	}
	close(sync[1]);
	close(go[0]);
	if (read(sync[0], &c, 1) != 1)
		die("the unshare loop");
	settle();
	after = slab_bytes();
	close(go[1]);
	if (waitpid(pid, &status, 0) != pid || status)
		die("the unshare loop's exit");
	per = (double)(after - before) / CHAIN_LOOPS;
	printf("\n== 5. unprivileged unshare(CLONE_NEWUTS) loop, %d iterations by uid 65534\n",
	       CHAIN_LOOPS);
	printf("   slab %+ld bytes while the process lives: %.1f B per iteration (target < 16)  %s\n",
	       after - before, per, verdict(per < 16));
}

int main(void)
{
	double t0 = now_ns();
	char rel[64] = "";
	FILE *f = fopen("/proc/sys/kernel/osrelease", "r");

	if (f) {
		if (!fgets(rel, sizeof(rel), f))
			rel[0] = 0;
		rel[strcspn(rel, "\n")] = 0;
		fclose(f);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("perns benchmark: kernel %s, %ld CPUs\n", rel,
	       sysconf(_SC_NPROCESSORS_ONLN));
	bench_namespaces();
	bench_valarm();
	bench_unshare_chain();
	if (system("rmmod test_perns")) {
		errno = EIO;
		die("rmmod test_perns");
	}
	printf("\nperns benchmark: %s (%.0f s)\n",
	       missed ? "a target was MISSED" : "every target met",
	       (now_ns() - t0) / 1e9);
	return missed;
}
