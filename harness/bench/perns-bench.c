// SPDX-License-Identifier: GPL-2.0
/*
 * perns benchmark (make bench): the guest half. Measures, in the running
 * kernel, the figures that harness/bench/report compares between the perns
 * kernel (demo) and the same kernel built with PERNS=n (baseline), and the
 * perns-only figures (scaling with the number of devices, valarm). It
 * prints one "@fig KEY VALUE" line per figure and round, and "@info" lines;
 * the verdicts are the host's (harness/bench/report), which has both
 * kernels' figures. See harness/bench/README.md for the method.
 *
 * Sections (-s LETTERS, default all):
 *  c  cost: creation and destruction of each namespace type, single
 *     creations (10th percentile) and create-and-destroy throughput with
 *     one and two processes; clone3() with every namespace flag; setns();
 *     vDSO clock_gettime() and gettimeofday(). On the perns kernel,
 *     rounds alternate between no module and lib/test_perns loaded; the
 *     baseline runs the same measures in their place ("twin").
 *  s  scaling (perns only): creation cost with 0..10000 shared or private
 *     devices of each type, memory per namespace, setdevns() and
 *     NS_GET_DEVCTX latency.
 *  v  valarm (perns only): GET_TIME against the clock_gettime() system
 *     call and the vDSO, alarm lateness against a timerfd.
 *  u  an unprivileged unshare(CLONE_NEWUTS) loop: slab kept per iteration.
 *  i  input (perns only): one key event from a uinput keyboard to a reader
 *     of its vinput node against a reader of its evdev node.
 * -q: quick (reduced counts, for smoke tests).
 * Exit status: 0, or 2 on error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <linux/android_alarm.h>
#include <linux/input.h>
#include <linux/uinput.h>
#include <linux/nsfs.h>
#include <linux/perns.h>

#include "../guest.h"

#ifndef __NR_setdevns
#define __NR_setdevns 472
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define DEV		"/dev/valarm"
#define TEST_DEV	"/dev/test_perns_uts"
#define GET_ITERS	50	/* calls per latency sample */
#define ALARM_AHEAD_NS	10000000LL
#define MAX_ALARMS	100
#define MAX_HELD	10000	/* namespaces held for a memory measure */

/* Counts, reduced by -q. */
static struct {
	int rounds;		/* of the cost section */
	double round_ns;	/* guest time of one measure */
	int get_rounds;		/* latency samples */
	int alarms;
	int nr_levels;		/* of levels[] */
	int held;		/* namespaces held, shared mode */
	long contexts;		/* private contexts held, at most */
	int chain;		/* unshare loop iterations */
	int events;		/* input events per pass */
	int passes;		/* input passes per node and round */
} n = { 6, 40e6, 401, MAX_ALARMS, 5, MAX_HELD, 1000000, 40000, 40, 200 };

static const int levels[] = { 0, 10, 100, 1000, 10000 };

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
#define UTS		1	/* types[UTS] */

static bool have_perns;

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

/* One figure: "@fig KEY VALUE"; KEY from @fmt. */
static void vput(const char *kind, double v, const char *fmt, va_list ap)
{
	char key[96];

	vsnprintf(key, sizeof(key), fmt, ap);
	printf("@%s %s %.6g\n", kind, key, v);
}

/* One sample of a figure; the report takes the median of a run's. */
static void put_fig(double v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vput("fig", v, fmt, ap);
	va_end(ap);
}

/* One sample of a throughput; the report takes the mean of a run's. */
static void put_rate(double v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vput("rate", v, fmt, ap);
	va_end(ap);
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

/* The @p-th percentile of the @cnt values of @v (nearest rank); sorts @v. */
static double percentile(double *v, long cnt, int p)
{
	qsort(v, cnt, sizeof(*v), cmp_double);
	return v[(cnt - 1) * p / 100];
}

static double *xcalloc(long cnt)
{
	double *p = calloc(cnt, sizeof(double));

	if (!p)
		die("calloc");
	return p;
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

static int run(const char *cmd)
{
	int ret = system(cmd);

	if (ret < 0)
		die("system");
	return ret;
}

/* Count the lines of /proc/perns/devices naming a dummy device of @type. */
static int count_dummies(const char *type, const char *mode)
{
	char line[256], name[16], tail[32];
	FILE *f = fopen("/proc/perns/devices", "r");
	int cnt = 0;

	if (!f)
		die("/proc/perns/devices");
	snprintf(tail, sizeof(tail), "\t%s\tdummy\n", mode);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%15s", name) == 1 && !strcmp(name, type) &&
		    strstr(line, tail))
			cnt++;
	fclose(f);
	return cnt;
}

static bool test_perns_loaded;

static void unload_test_perns(void)
{
	if (test_perns_loaded && run("rmmod test_perns")) {
		errno = EIO;
		die("rmmod test_perns");
	}
	test_perns_loaded = false;
}

/*
 * (Re)load lib/test_perns with @nr dummy devices of every type, private
 * ones if @private; 0 devices loads it with its own devices only.
 */
static void load_test_perns(int nr, bool private)
{
	char cmd[96];
	unsigned int t;

	unload_test_perns();
	snprintf(cmd, sizeof(cmd), "modprobe test_perns nr_dummy=%d dummy_private=%d",
		 nr, private);
	if (run(cmd)) {
		errno = EIO;
		die(cmd);
	}
	test_perns_loaded = true;
	for (t = 0; t < NR_TYPES; t++) {
		int got = count_dummies(types[t].name, private ? "private" : "shared");

		if (got != nr) {
			fprintf(stderr, "perns-bench: %d %s dummies registered, not %d\n",
				got, types[t].name, nr);
			exit(2);
		}
	}
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

/* The child of cd_once() for a user namespace: unshares it and exits. */
static int user_child(void *arg)
{
	double *c = arg, t0 = now_ns();

	if (unshare(CLONE_NEWUSER))
		return 1;
	*c = now_ns() - t0;
	return 0;
}

/*
 * Create a namespace of type @t and drop it: unshare() then setns() back
 * to @home, whose times go to @c and @d. A user namespace cannot be left:
 * a child sharing our memory (CLONE_VM | CLONE_VFORK: no page tables to
 * copy and free, whose cost moves from boot to boot) unshares it and
 * exits; @c is then the unshare() and @d the rest of the child's life
 * (clone, exit, wait).
 */
static void cd_once(const struct nstype *t, int home, double *c, double *d)
{
	static char stack[16384] __attribute__((aligned(16)));
	double t0 = now_ns(), t1;
	int status;
	pid_t pid;

	if (t->flag == CLONE_NEWUSER) {
		pid = clone(user_child, stack + sizeof(stack),
			    CLONE_VM | CLONE_VFORK | SIGCHLD, c);
		if (pid < 0)
			die("clone");
		if (waitpid(pid, &status, 0) != pid || status) {
			errno = ECHILD;
			die("unshare(CLONE_NEWUSER) in a child");
		}
		*d = now_ns() - t0 - *c;
		return;
	}
	if (unshare(t->flag))
		die_ns("unshare", t);
	t1 = now_ns();
	if (setns(home, t->flag))
		die_ns("setns", t);
	*d = now_ns() - t1;
	*c = t1 - t0;
}

/* Operations of type @t that take about @ns of guest time; at least 20. */
static long calibrate(const struct nstype *t, int home, double ns)
{
	double c, d, t0;
	long i, cnt;

	for (i = 0; i < 5; i++)
		cd_once(t, home, &c, &d);
	t0 = now_ns();
	for (i = 0; i < 20; i++)
		cd_once(t, home, &c, &d);
	cnt = ns / ((now_ns() - t0) / 20);
	return cnt < 20 ? 20 : cnt;
}

/*
 * Keeps the caller, and the children it makes from now on, on @cpu (modulo
 * the number of CPUs). The scheduler's choice of where a child runs, and
 * so whether a creation pays a wake-up on the other vCPU, otherwise
 * changes from one sample to the next.
 */
static void pin_cpu(int cpu)
{
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(ncpus > 1 ? cpu % ncpus : 0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

/*
 * Create-and-destroy throughput of type @t, in operations per second:
 * @workers processes (forked; 1: this one) each doing @ops of them. The
 * clock starts once every worker is on its vCPU, and they start together.
 */
static double cd_throughput(const struct nstype *t, int home, int workers,
			 long ops)
{
	int w, status, ready[2], go[2];
	double c, d, t0;
	char b;
	long i;

	settle();
	if (workers == 1) {
		t0 = now_ns();
		for (i = 0; i < ops; i++)
			cd_once(t, home, &c, &d);
		return ops / ((now_ns() - t0) / 1e9);
	}
	if (pipe(ready) || pipe(go))
		die("pipe");
	for (w = 0; w < workers; w++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (!pid) {
			close(ready[0]);
			close(go[1]);
			pin_cpu(w);
			/* on its vCPU; then wait for the others */
			if (write(ready[1], "r", 1) != 1 || read(go[0], &b, 1) != 0)
				_exit(3);
			for (i = 0; i < ops; i++)
				cd_once(t, home, &c, &d);
			_exit(0);
		}
	}
	close(ready[1]);
	close(go[0]);
	for (w = 0; w < workers; w++)
		if (read(ready[0], &b, 1) != 1)
			die("throughput worker start");
	close(ready[0]);
	t0 = now_ns();
	close(go[1]);	/* every worker reads EOF: go */
	for (w = 0; w < workers; w++)
		if (wait(&status) < 0 || status) {
			errno = ECHILD;
			die("throughput worker");
		}
	return workers * ops / ((now_ns() - t0) / 1e9);
}

/*
 * Some namespaces (ipc, net, user) are freed by deferred work, which a
 * creation loop can outrun by more than the default limit of namespaces
 * of a type; lift the limits while measuring.
 */
static void lift_ns_limits(void)
{
	char path[64];
	unsigned int t;

	for (t = 0; t < NR_TYPES; t++) {
		snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces",
			 types[t].name);
		if (write_file(path, "1000000\n"))
			die(path);
	}
}

struct clone_args_v0 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		 stack_size, tls;
};

#define ALL_NS	(CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | \
		 CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWTIME)

/* clone3() of a child in new namespaces of every type, which exits; waited. */
static double clone_all_once(void)
{
	struct clone_args_v0 args = { .flags = ALL_NS, .exit_signal = SIGCHLD };
	double t0 = now_ns();
	int status;
	long pid;

	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		die("clone3(every CLONE_NEW*)");
	if (!pid)
		syscall(SYS_exit_group, 0);
	if (waitpid(pid, &status, 0) != pid || status) {
		errno = ECHILD;
		die("clone3 child");
	}
	return now_ns() - t0;
}

/*
 * Samples per round of a create-and-destroy throughput: the deferred
 * frees of each type (and for two processes, the round-robin of QEMU's
 * vCPUs) give its rounds several levels (net, 2 vCPUs: about 4190 or 3380
 * operations/s in either kernel), which only many samples average out.
 */
#define TPUT_SAMPLES	8

/*
 * clone3() with every flag is measured first, on a system nothing else
 * has run on yet. Each call is followed by a pause of 3 ms: the child's
 * net namespace is torn down by deferred work (cleanup_net(), then RCU)
 * that the next call would otherwise meet half done, on either vCPU; with
 * the pause it runs while this program sleeps, and -icount's sleep=off
 * skips the idle time. Measured later, after the other figures, a round's
 * calls still took one of three levels (about 355, 360 or 395 us, each
 * within 0.1 % inside a round) that changed between rounds and boots,
 * in either kernel (harness/bench/README.md, "clone3()").
 */
#define CLONE_ALL_CALLS		60
#define CLONE_ALL_PAUSE_US	3000

/*
 * n.rounds rounds of TPUT_SAMPLES samples of CLONE_ALL_CALLS calls.
 * Figures: per round the 10th percentile of its calls, per sample the
 * calls per second of the time spent in them (the pauses left out).
 */
/* One such call, then the pause; returns the call's time. */
static double clone_all_paced(void)
{
	double t = clone_all_once();

	usleep(CLONE_ALL_PAUSE_US);
	return t;
}

static void bench_clone_all(void)
{
	long cnt = CLONE_ALL_CALLS * TPUT_SAMPLES, i;
	double *v = xcalloc(cnt), sum;
	int r;

	settle();
	/* the first calls of a boot are cheaper: not measured */
	for (i = 0; i < CLONE_ALL_CALLS; i++)
		clone_all_paced();
	for (r = 0; r < n.rounds; r++) {
		for (i = 0, sum = 0; i < cnt; i++) {
			v[i] = clone_all_paced();
			sum += v[i];
			if ((i + 1) % CLONE_ALL_CALLS)
				continue;
			put_rate(CLONE_ALL_CALLS / (sum / 1e9),
				 "cost.plain.clone3_all.tput1");
			sum = 0;
		}
		put_fig(percentile(v, cnt, 10), "cost.plain.clone3_all.create");
	}
	free(v);
}

/*
 * ns per setns() into another namespace of type @t and back, 10th pct. A
 * pid namespace can be opened only once it has an init: it gets one, which
 * waits for the end of the measure.
 */
static double setns_cost(const struct nstype *t, int home, int samples)
{
	double *v = xcalloc(samples), r;
	int fd, i, j, p[2], status;
	pid_t pid = 0;
	char c;

	if (pipe(p))
		die("pipe");
	if (unshare(t->flag))
		die_ns("unshare", t);
	if (t->flag == CLONE_NEWPID) {
		pid = fork();
		if (pid < 0)
			die("fork");
		if (!pid) {
			close(p[1]);
			_exit(read(p[0], &c, 1) != 0);
		}
	}
	fd = open_self_ns(t);
	if (setns(home, t->flag))
		die_ns("setns", t);
	close(p[0]);
	for (i = 0; i < samples; i++) {
		double t0 = now_ns();

		for (j = 0; j < 10; j++)
			if (setns(fd, t->flag) || setns(home, t->flag))
				die_ns("setns", t);
		v[i] = (now_ns() - t0) / 20;
	}
	close(p[1]);
	if (pid && (waitpid(pid, &status, 0) != pid || status)) {
		errno = ECHILD;
		die("init of a pid namespace");
	}
	close(fd);
	r = percentile(v, samples, 10);
	free(v);
	return r;
}

/* ns per vDSO call: gettimeofday() if @tod, else clock_gettime(@clk) */
static double vdso_ns(clockid_t clk, bool tod)
{
	struct timespec ts;
	struct timeval tv;
	double t0 = now_ns();
	int i;

	for (i = 0; i < GET_ITERS; i++)
		if (tod ? gettimeofday(&tv, NULL) : clock_gettime(clk, &ts))
			die("vDSO");
	return (now_ns() - t0) / GET_ITERS;
}

static void bench_vdso(void)
{
	double *g = xcalloc(n.get_rounds), *s = xcalloc(n.get_rounds);
	int r;

	settle();
	for (r = 0; r < n.get_rounds; r++) {
		g[r] = vdso_ns(CLOCK_REALTIME, false);
		s[r] = vdso_ns(CLOCK_REALTIME, true);
	}
	put_fig(percentile(g, n.get_rounds, 10), "vdso.clock_gettime");
	put_fig(percentile(s, n.get_rounds, 10), "vdso.gettimeofday");
	free(g);
	free(s);
}

/* One case of a round of the cost section: every type, then the rest. */
static void cost_case(const char *cname, long *ops, int *home, bool all)
{
	unsigned int t;
	long i;

	for (t = 0; t < NR_TYPES; t++) {
		const struct nstype *ty = &types[t];
		double *c = xcalloc(ops[t]), *d = xcalloc(ops[t]);

		settle();
		for (i = 0; i < ops[t]; i++)
			cd_once(ty, home[t], &c[i], &d[i]);
		put_fig(percentile(c, ops[t], 10), "cost.%s.%s.create", cname, ty->name);
		put_fig(percentile(d, ops[t], 10), "cost.%s.%s.destroy", cname, ty->name);
		free(c);
		free(d);
		/* the noisiest figures: several samples per round */
		for (i = 0; i < TPUT_SAMPLES; i++)
			put_rate(cd_throughput(ty, home[t], 1, ops[t]),
			    "cost.%s.%s.tput1", cname, ty->name);
		for (i = 0; i < TPUT_SAMPLES; i++)
			put_rate(cd_throughput(ty, home[t], 2, (ops[t] + 1) / 2),
			    "cost.%s.%s.tput2", cname, ty->name);
	}
	if (!all)
		return;
	settle();
	for (t = 1; t < NR_TYPES; t++)
		put_fig(setns_cost(&types[t], home[t], 50), "setns.%s", types[t].name);
	bench_vdso();
}

/*
 * The cost section. On the perns kernel, the cases "plain" (nothing
 * registered) and "loaded" (lib/test_perns: a device of every type)
 * alternate, which goes first alternating too. The baseline, which has no
 * test_perns, runs the loaded case's measures as "twin", so that both
 * guests do the same work in the same order: some figures change level
 * after a given amount of work since boot, not of time (net's 2-vCPU
 * throughput about 5700 -> 6080 operations/s and ipc's 13.6k -> 21.1k ->
 * 23.3k after about 115, 150 and 290 s of measuring, in either kernel,
 * with or without 200 s of idle first), and with the same order they do
 * so at the same samples in both.
 */
static void bench_cost(void)
{
	const int cases = 2;
	int home[NR_TYPES], r, i;
	long ops[NR_TYPES];
	unsigned int t;

	printf("@info cost rounds %d\n", n.rounds);
	bench_clone_all();
	fprintf(stderr, "   cost: clone3() with every flag done\n");
	for (t = 0; t < NR_TYPES; t++) {
		home[t] = t ? open_self_ns(&types[t]) : -1;
		ops[t] = calibrate(&types[t], home[t], n.round_ns);
		printf("@info ops.%s %ld\n", types[t].name, ops[t]);
	}
	for (r = 0; r < n.rounds; r++) {
		for (i = 0; i < cases; i++) {
			int c = i ^ (r & 1);

			if (c && have_perns)
				load_test_perns(0, false);
			else
				unload_test_perns();
			cost_case(!c ? "plain" : have_perns ? "loaded" : "twin",
				  ops, home, !c);
		}
		unload_test_perns();
		fprintf(stderr, "   cost: round %d/%d done\n", r + 1, n.rounds);
	}
	for (t = 1; t < NR_TYPES; t++)
		close(home[t]);
}

/* Slab and used memory (MemTotal - MemFree), in bytes (/proc/meminfo). */
static void read_meminfo(long *slab, long *used)
{
	long total = -1, free_kb = -1, slab_kb = -1, v;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		die("/proc/meminfo");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemTotal: %ld kB", &v) == 1)
			total = v;
		else if (sscanf(line, "MemFree: %ld kB", &v) == 1)
			free_kb = v;
		else if (sscanf(line, "Slab: %ld kB", &v) == 1)
			slab_kb = v;
	}
	fclose(f);
	if (total < 0 || free_kb < 0 || slab_kb < 0) {
		errno = ENOENT;
		die("/proc/meminfo");
	}
	*slab = slab_kb * 1024;
	*used = (total - free_kb) * 1024;
}

static int held_fds[MAX_HELD];

/*
 * Memory per uts namespace, @cnt of them held by nsfs files: slab and
 * all used memory (large tables come from the page allocator).
 */
static void held_bytes(int cnt, double *slab, double *used)
{
	const struct nstype *t = &types[UTS];
	long s0, u0, s1, u1;
	int home = open_self_ns(t), i;

	settle();
	read_meminfo(&s0, &u0);
	for (i = 0; i < cnt; i++) {
		if (unshare(t->flag))
			die_ns("unshare", t);
		held_fds[i] = open_self_ns(t);
		if (setns(home, t->flag))
			die_ns("setns", t);
	}
	settle();
	read_meminfo(&s1, &u1);
	for (i = 0; i < cnt; i++)
		close(held_fds[i]);
	close(home);
	*slab = (double)(s1 - s0) / cnt;
	*used = (double)(u1 - u0) / cnt;
}

/*
 * setdevns() (UNSHARE then SHARE back) and NS_GET_DEVCTX latency on
 * /dev/test_perns_uts for a held child uts namespace: 10th percentiles.
 */
static void devctx_latency(const char *mode, int nr)
{
	int samples = n.get_rounds / 4 + 1, dev, home, ns, i, j;
	double *sd = xcalloc(samples), *gd = xcalloc(samples), t0;
	struct ns_devctx info;
	struct stat st;

	dev = open(TEST_DEV, O_RDWR | O_CLOEXEC);
	if (dev < 0 || fstat(dev, &st))
		die(TEST_DEV);
	home = open_self_ns(&types[UTS]);
	if (unshare(CLONE_NEWUTS))
		die("unshare(CLONE_NEWUTS)");
	ns = open_self_ns(&types[UTS]);
	if (setns(home, CLONE_NEWUTS))
		die("setns(uts)");
	settle();
	for (i = 0; i < samples; i++) {
		t0 = now_ns();
		for (j = 0; j < 5; j++)
			if (syscall(__NR_setdevns, dev, ns, CLONE_NEWUTS, SETDEVNS_UNSHARE) ||
			    syscall(__NR_setdevns, dev, ns, CLONE_NEWUTS, SETDEVNS_SHARE))
				die("setdevns");
		sd[i] = (now_ns() - t0) / 10;
		t0 = now_ns();
		for (j = 0; j < GET_ITERS; j++) {
			memset(&info, 0, sizeof(info));
			info.size = sizeof(info);
			info.dev_major = major(st.st_rdev);
			info.dev_minor = minor(st.st_rdev);
			if (ioctl(ns, NS_GET_DEVCTX, &info))
				die("NS_GET_DEVCTX");
		}
		gd[i] = (now_ns() - t0) / GET_ITERS;
	}
	put_fig(percentile(sd, samples, 10), "devctx.%s.%d.setdevns", mode, nr);
	put_fig(percentile(gd, samples, 10), "devctx.%s.%d.get", mode, nr);
	free(sd);
	free(gd);
	close(ns);
	close(home);
	close(dev);
}

/* Creation p10 of type @t: samples for about n.round_ns / 2, 10 at least. */
static double scale_create(const struct nstype *t, int home)
{
	long cnt = 0, max = 4000;
	double *c = xcalloc(max), d, t0, r;

	settle();
	t0 = now_ns();
	while (cnt < max && (cnt < 10 || now_ns() - t0 < n.round_ns / 2)) {
		cd_once(t, home, &c[cnt], &d);
		cnt++;
	}
	r = percentile(c, cnt, 10);
	free(c);
	return r;
}

/*
 * The scaling section: for each number of devices of every type, shared
 * then private, creation cost of each type, memory per uts namespace and
 * setdevns()/NS_GET_DEVCTX latency. Two passes, up then down the levels.
 */
static void bench_scaling(void)
{
	int home[NR_TYPES], pass, m, li, l;
	unsigned int t;

	for (t = 1; t < NR_TYPES; t++)
		home[t] = open_self_ns(&types[t]);
	home[0] = -1;
	for (pass = 0; pass < 2; pass++) {
		for (m = 0; m < 2; m++) {
			const char *mode = m ? "private" : "shared";

			for (li = 0; li < n.nr_levels; li++) {
				int nr = levels[pass ? n.nr_levels - 1 - li : li], held;
				double slab, used;

				load_test_perns(nr, m);
				for (t = 0; t < NR_TYPES; t++)
					put_fig(scale_create(&types[t], home[t]),
					    "scale.%s.%d.%s.create", mode, nr,
					    types[t].name);
				held = n.held;
				if (m && nr && n.contexts / nr < held)
					held = n.contexts / nr;
				held_bytes(held, &slab, &used);
				put_fig(slab, "scale.%s.%d.uts.slab", mode, nr);
				put_fig(used, "scale.%s.%d.uts.mem", mode, nr);
				put_fig(held, "scale.%s.%d.uts.held", mode, nr);
				devctx_latency(mode, nr);
				fprintf(stderr, "   scaling: pass %d, %s, %d devices done\n",
					pass + 1, mode, nr);
			}
		}
	}
	unload_test_perns();
	for (t = 1; t < NR_TYPES; t++)
		close(home[t]);
	for (l = 0; l < n.nr_levels; l++)
		printf("@info level %d\n", levels[l]);
}

/* ns per call of GET_TIME on @fd, the syscall and the vDSO, per sample */
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

/*
 * ns per call of an ioctl valarm rejects at once (-ENOTTY): the cost of
 * getting to the driver and back, which GET_TIME has and clock_gettime()
 * has not.
 */
static double enotty_ns(int fd)
{
	double t0 = now_ns();
	int i;

	for (i = 0; i < GET_ITERS; i++)
		if (ioctl(fd, _IO('a', 0xff)) != -1 || errno != ENOTTY)
			die("ioctl _IO('a', 0xff) is not ENOTTY");
	return (now_ns() - t0) / GET_ITERS;
}

static double syscall_ns(void)
{
	struct timespec ts;
	double t0 = now_ns();
	int i;

	for (i = 0; i < GET_ITERS; i++)
		if (syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts))
			die("clock_gettime");
	return (now_ns() - t0) / GET_ITERS;
}

struct get_result {
	double get, enotty, sys, vdso, vdso_tod, vdso_mono;
};

/* GET_TIME, ENOTTY, syscall and vDSO samples alternating: 10th percentiles */
static void get_time_rounds(int fd, struct get_result *res)
{
	static double g[2048], e[2048], s[2048], v[2048], t[2048], m[2048];
	int r, cnt = n.get_rounds;

	settle();
	for (r = 0; r < cnt; r++) {
		g[r] = get_time_ns(fd);
		e[r] = enotty_ns(fd);
		s[r] = syscall_ns();
		v[r] = vdso_ns(CLOCK_REALTIME, false);
		t[r] = vdso_ns(CLOCK_REALTIME, true);
		m[r] = vdso_ns(CLOCK_MONOTONIC, false);
	}
	res->get = percentile(g, cnt, 10);
	res->enotty = percentile(e, cnt, 10);
	res->sys = percentile(s, cnt, 10);
	res->vdso = percentile(v, cnt, 10);
	res->vdso_tod = percentile(t, cnt, 10);
	res->vdso_mono = percentile(m, cnt, 10);
}

/* Lateness of @cnt alarms of @type on @fd, in ns, into @late. */
static void valarm_lateness(int fd, int type, double *late, int cnt)
{
	int i;

	settle();
	for (i = 0; i < cnt; i++) {
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

static void timerfd_lateness(double *late, int cnt)
{
	int fd = timerfd_create(CLOCK_REALTIME_ALARM, 0), i;
	unsigned long long ticks;

	if (fd < 0)
		die("timerfd_create(CLOCK_REALTIME_ALARM)");
	settle();
	for (i = 0; i < cnt; i++) {
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

static void lateness_figs(const char *who, double *late, int cnt)
{
	put_fig(percentile(late, cnt, 50), "late.%s.median", who);
	put_fig(percentile(late, cnt, 99), "late.%s.p99", who);
}

static void get_figs(const char *who, const struct get_result *r)
{
	put_fig(r->get, "valarm.%s.get", who);
	put_fig(r->enotty, "valarm.%s.enotty", who);
	put_fig(r->sys, "valarm.%s.syscall", who);
	put_fig(r->vdso, "valarm.%s.vdso", who);
	put_fig(r->vdso_tod, "valarm.%s.vdso_tod", who);
	put_fig(r->vdso_mono, "valarm.%s.vdso_mono", who);
}

/*
 * What the container measures in its private context: everything with
 * an offset whose sub-second part is about 1 ms, and the vDSO again with
 * one of about 1 s - 1 ms (@carry).
 */
struct container_result {
	struct get_result get;
	struct get_result carry;
	double late[MAX_ALARMS];
};

/*
 * Set the container's clock (@fd: its private context, whose alarms it
 * owns) to 2038-06-01, with an offset from the host's clock whose
 * sub-second part is about @sub ns (the set itself takes microseconds).
 * Called from the initial (host's) time namespace, which the container's
 * process stays in.
 */
static void container_set(int fd, long sub)
{
	struct timespec ts = { .tv_sec = 2159006400 };	/* 2038-06-01 */
	struct timespec host;
	long got;
	int ret;

	if (clock_gettime(CLOCK_REALTIME, &host))
		die("container: clock_gettime");
	ts.tv_nsec = (host.tv_nsec + sub) % 1000000000L;
	if (ioctl(fd, ANDROID_ALARM_SET_RTC, &ts))
		die("container: SET_RTC");
	ret = ioctl(fd, ANDROID_ALARM_WAIT);
	if (ret < 0 || !(ret & ANDROID_ALARM_TIME_CHANGE_MASK)) {
		errno = EPROTO;
		die("container: WAIT after SET_RTC");
	}
	/* The sub-second part the offset got: @sub less the set's delay */
	if (ioctl(fd, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC), &ts) ||
	    clock_gettime(CLOCK_REALTIME, &host))
		die("container: GET_TIME");
	got = ((ts.tv_nsec - host.tv_nsec) % 1000000000L + 1000000000L) % 1000000000L;
	printf("@info container offset sub-second part %ld ns (asked %ld)\n", got, sub);
	if (got > sub || got < sub - 500000L) {
		errno = EPROTO;
		die("container: the offset's sub-second part is off by over 0.5 ms");
	}
}

/* ns between the context's clock (GET_TIME) and CLOCK_REALTIME here */
static long long container_skew(int fd)
{
	struct timespec ts;
	long long d;

	if (ioctl(fd, ANDROID_ALARM_GET_TIME(ANDROID_ALARM_RTC), &ts))
		die("container: GET_TIME");
	d = ts.tv_sec * 1000000000LL + ts.tv_nsec - real_ns();
	return d < 0 ? -d : d;
}

/* Run @fn in a child of the container's time namespace; 0 if it did. */
static int container_child(void (*fn)(int fd, struct container_result *res),
			   int fd, struct container_result *res)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("container: fork");
	if (!pid) {
		/* The namespace shows the context's current clock */
		if (container_skew(fd) > 5000000LL) {
			errno = EPROTO;
			die("container: CLOCK_REALTIME is not the context's");
		}
		fn(fd, res);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 2;
	return WEXITSTATUS(status);
}

static void container_measure(int fd, struct container_result *res)
{
	get_time_rounds(fd, &res->get);
	valarm_lateness(fd, ANDROID_ALARM_RTC, res->late, n.alarms);
}

static void container_measure_carry(int fd, struct container_result *res)
{
	get_time_rounds(fd, &res->carry);
}

/*
 * The container: its private context set to 2038, measured from inside.
 * A vDSO read in a time namespace whose nanoseconds plus the offset's
 * reach a second normalises once more (a few instructions on x86), and
 * the reads of one round all fall within a few milliseconds of one
 * second: with an offset whose sub-second part is f, a fraction f of a
 * container's reads carry. The container measures with f of about 1 ms
 * (no read carries) and again with about 1 s - 1 ms (every read does);
 * over all settings of a clock the mean of the two is what reads cost.
 */
static void run_container(int go, int back)
{
	struct container_result *res;
	int fd, ret;
	char c;

	if (read(go, &c, 1) != 1)
		_exit(2);
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		die("container: setresuid");
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		die("container: mmap");
	fd = open(DEV, O_RDWR);
	if (fd < 0)
		die("container: open " DEV);
	/* The owner of the context's alarms sees the TIME_CHANGE. */
	if (ioctl(fd, ANDROID_ALARM_CLEAR(ANDROID_ALARM_SYSTEMTIME)))
		die("container: CLEAR");
	/*
	 * The measures run in a time namespace of the container's, which
	 * shows the context's clock: its clock_gettime() and gettimeofday()
	 * read 2038 too. This process stays in the initial one, whose
	 * clock is the host's, to set the context's.
	 */
	if (unshare(CLONE_NEWTIME))
		die("container: unshare(CLONE_NEWTIME)");
	container_set(fd, 1000000L);
	ret = container_child(container_measure, fd, res);
	if (ret)
		_exit(ret);
	container_set(fd, 999000000L);
	ret = container_child(container_measure_carry, fd, res);
	if (ret)
		_exit(ret);
	if (write(back, res, sizeof(*res)) != sizeof(*res))
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
		close(go[1]);
		close(back[0]);
		if (unshare(CLONE_NEWUSER))
			die("container: unshare(CLONE_NEWUSER)");
		if (write(back[1], &c, 1) != 1)
			_exit(2);
		run_container(go[0], back[1]);
	}
	/* A container that dies is an EOF on back[0], not a hang. */
	close(go[0]);
	close(back[1]);
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
	close(go[1]);
	*back_fd = back[0];
	return pid;
}

static void bench_valarm(void)
{
	struct container_result res;
	struct get_result get;
	double late[MAX_ALARMS];
	int dev, back, status;
	pid_t pid;

	dev = open(DEV, O_RDWR);
	if (dev < 0 && errno == ENOENT && !run("modprobe valarm"))
		dev = open(DEV, O_RDWR);
	if (dev < 0) {
		printf("@info skip valarm: cannot open " DEV ": %s\n", strerror(errno));
		return;
	}
	get_time_rounds(dev, &get);
	get_figs("host", &get);
	/* the container runs alone: its alarms would perturb the host's */
	pid = start_container(dev, &back);
	if (read(back, &res, sizeof(res)) != sizeof(res) ||
	    waitpid(pid, &status, 0) != pid || status) {
		errno = ECHILD;
		die("container");
	}
	close(back);
	get_figs("container", &res.get);
	put_fig(res.carry.vdso, "valarm.container.vdso_carry");
	put_fig(res.carry.vdso_tod, "valarm.container.vdso_tod_carry");
	timerfd_lateness(late, n.alarms);
	lateness_figs("timerfd", late, n.alarms);
	valarm_lateness(dev, ANDROID_ALARM_RTC_WAKEUP, late, n.alarms);
	lateness_figs("host_rtc_wakeup", late, n.alarms);
	valarm_lateness(dev, ANDROID_ALARM_RTC, late, n.alarms);
	lateness_figs("host_rtc", late, n.alarms);
	lateness_figs("container_rtc", res.late, n.alarms);
	close(dev);
	run("rmmod valarm 2>/dev/null");
}

/*
 * An unprivileged unshare() loop: uid 65534 in its own user namespace
 * makes each uts namespace from the last, which dies. perns must keep
 * nothing of the dead ones (target: < 16 bytes of slab per iteration).
 */
static void bench_unshare_chain(void)
{
	int sync[2], go[2], status;
	long before, after, used;
	pid_t pid;
	char c;

	if (pipe(sync) || pipe(go))
		die("pipe");
	settle();
	read_meminfo(&before, &used);
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
		for (i = 0; i < n.chain; i++)
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
	read_meminfo(&after, &used);
	close(go[1]);
	if (waitpid(pid, &status, 0) != pid || status)
		die("the unshare loop's exit");
	put_fig((double)(after - before) / n.chain, "chain.slab_per_iter");
	printf("@info chain iterations %d\n", n.chain);
}

#define CLOCKSOURCE "/sys/devices/system/clocksource/clocksource0/current_clocksource"

/*
 * Input: the time from a key event written to /dev/uinput to its read by
 * the only reader of the device's evdev node, and of its vinput node (the
 * foreground seat's). The same write path runs both handlers either way;
 * what differs is the handler that has a client and the read. The cost of
 * an event has two levels in the guest, 8000 instructions apart, and the
 * guest moves between them over tens of milliseconds: short passes of
 * n.events events on each node, alternating, n.passes of each per round,
 * give both nodes the same mix. One figure per round and node: its mean
 * time per event.
 */
static int input_node(const char *sys, const char *prefix, char *out,
		      size_t len)
{
	char path[128];
	struct dirent *d;
	DIR *dir;
	int ret = -1;

	snprintf(path, sizeof(path), "/sys/class/input/%s", sys);
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

static int input_key(int ufd, int value)
{
	struct input_event ev[2] = {
		{ .type = EV_KEY, .code = KEY_L, .value = value },
		{ .type = EV_SYN, .code = SYN_REPORT },
	};

	return write(ufd, ev, sizeof(ev)) == sizeof(ev) ? 0 : -1;
}

static double input_latency(int ufd, const char *node)
{
	struct pollfd pfd = { .events = POLLIN };
	struct input_event ev[4];
	double t;
	int i;

	pfd.fd = open(node, O_RDONLY | O_CLOEXEC);
	if (pfd.fd < 0)
		die(node);
	t = now_ns();
	/* n.events is even: the key is up again at the end of a pass */
	for (i = 0; i < n.events; i++)
		if (input_key(ufd, !(i & 1)) || poll(&pfd, 1, 1000) != 1 ||
		    read(pfd.fd, ev, sizeof(ev)) != 2 * sizeof(ev[0])) {
			fprintf(stderr, "perns-bench: %s: input event %d lost\n",
				node, i);
			exit(2);
		}
	t = now_ns() - t;
	close(pfd.fd);
	return t;
}

static void bench_input(void)
{
	struct uinput_setup setup = {
		.id = { .bustype = BUS_VIRTUAL, .vendor = 0x1234,
			.product = 0x5679, .version = 1 },
		.name = "perns-bench keyboard",
	};
	char sys[64], evdev[64], vinput[64];
	int ufd, r;

	if (run("modprobe vinput >/dev/null 2>&1") &&
	    access("/sys/module/vinput", F_OK)) {
		printf("@info skip input: no vinput module\n");
		return;
	}
	ufd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (ufd < 0) {
		printf("@info skip input: no /dev/uinput\n");
		return;
	}
	if (ioctl(ufd, UI_SET_EVBIT, EV_KEY) ||
	    ioctl(ufd, UI_SET_KEYBIT, KEY_L) ||
	    ioctl(ufd, UI_DEV_SETUP, &setup) || ioctl(ufd, UI_DEV_CREATE) ||
	    ioctl(ufd, UI_GET_SYSNAME(sizeof(sys)), sys) < 0)
		die("uinput");
	if (input_node(sys, "event", evdev, sizeof(evdev)) ||
	    input_node(sys, "vinput", vinput, sizeof(vinput)))
		die("no evdev or vinput node for the uinput keyboard");
	for (r = 0; r < n.rounds; r++) {
		double tv = 0, te = 0;
		int i;

		settle();
		for (i = 0; i < n.passes; i++) {
			if ((i ^ r) & 1)
				tv += input_latency(ufd, vinput);
			te += input_latency(ufd, evdev);
			if (!((i ^ r) & 1))
				tv += input_latency(ufd, vinput);
		}
		put_fig(tv / n.passes / n.events, "input.vinput");
		put_fig(te / n.passes / n.events, "input.evdev");
	}
	ioctl(ufd, UI_DEV_DESTROY);
	close(ufd);
}

/*
 * The kernel moves from tsc-early to tsc about a second after boot: wait
 * for it (at most 10 s), so that both kernels measure with the same clock.
 */
static void wait_clocksource(void)
{
	char buf[32];
	int i;

	for (i = 0; i < 100; i++) {
		FILE *f = fopen(CLOCKSOURCE, "r");

		if (!f || !fgets(buf, sizeof(buf), f)) {
			if (f)
				fclose(f);
			return;
		}
		fclose(f);
		if (strcmp(buf, "tsc-early\n"))
			return;
		usleep(100000);
	}
}

static void info_file(const char *key, const char *path)
{
	char buf[128] = "";
	FILE *f = fopen(path, "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
	printf("@info %s %s\n", key, buf[0] ? buf : "(none)");
}

int main(int argc, char **argv)
{
	const char *sections = "csvui";
	double t0 = now_ns();
	struct rlimit rl = { MAX_HELD + 64, MAX_HELD + 64 };
	int opt;

	while ((opt = getopt(argc, argv, "qs:")) != -1) {
		switch (opt) {
		case 'q':
			n.rounds = 2;
			n.round_ns = 10e6;
			n.get_rounds = 41;
			n.alarms = 10;
			n.nr_levels = 3;
			n.held = 500;
			n.contexts = 20000;
			n.chain = 4000;
			n.passes = 10;
			break;
		case 's':
			sections = optarg;
			break;
		default:
			fprintf(stderr, "usage: perns-bench [-q] [-s csvui]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* kernel messages below warnings would break the figure lines */
	write_file("/proc/sys/kernel/printk", "4\n");
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit");
	have_perns = !access("/proc/perns/devices", R_OK);
	info_file("kernel", "/proc/sys/kernel/osrelease");
	info_file("version", "/proc/version");
	wait_clocksource();
	info_file("clocksource", CLOCKSOURCE);
	printf("@info cpus %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	printf("@info perns %s\n", have_perns ? "yes" : "no");
	printf("@info quick %s\n", n.rounds == 2 ? "yes" : "no");
	lift_ns_limits();
	pin_cpu(0);
	printf("@info pinned this program on vCPU 0, 2-vCPU workers on vCPUs 0 and 1\n");
	if (strchr(sections, 'c'))
		bench_cost();
	if (strchr(sections, 's')) {
		if (have_perns)
			bench_scaling();
		else
			printf("@info skip scaling: no perns in this kernel (no /proc/perns/devices)\n");
	}
	if (strchr(sections, 'v')) {
		if (have_perns)
			bench_valarm();
		else
			printf("@info skip valarm: no perns in this kernel\n");
	}
	if (strchr(sections, 'u'))
		bench_unshare_chain();
	if (strchr(sections, 'i')) {
		if (have_perns)
			bench_input();
		else
			printf("@info skip input: no perns in this kernel\n");
	}
	unload_test_perns();
	printf("@info guest_seconds %.1f\n", (now_ns() - t0) / 1e9);
	printf("perns-bench: done (%.0f s of guest time)\n", (now_ns() - t0) / 1e9);
	return 0;
}
