// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver for perns and setdevns().
 *
 * Registers one perns device per namespace type, each a misc device
 * /dev/test_perns_<type> whose per-namespace context holds a counter.
 * Reading a file gives "<context id> <counter>\n" of the context the file
 * is bound to; writing anything to it increments the counter. The unshare
 * op copies the counter; the migrate op refuses with -EBUSY while the
 * counter is 666, so that tests can see a driver's own error.
 *
 * /dev/test_perns_plain (uts) has neither an unshare nor a migrate op.
 * The devices of the eight types check, in their init method, that a new
 * namespace is complete and its perns state reachable; init_checked and
 * init_bad count what they saw. A type the kernel lacks gets no device.
 * nr_dummy registers that many shared-mode devices of each namespace
 * type (of those in dummy_types) without a character device, for scaling
 * measurements; with dummy_private they are PERNS_CTX_PRIVATE devices, so
 * that each new namespace gets a context of each.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/kernel.h>
#include <linux/major.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/perns.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

/* The counter value at which the migrate op refuses. */
#define TEST_PERNS_MIGRATE_BUSY	666

static unsigned int nr_dummy;
module_param(nr_dummy, uint, 0444);
MODULE_PARM_DESC(nr_dummy,
		 "extra shared-mode perns devices per namespace type, without a character device");

static bool dummy_private;
module_param(dummy_private, bool, 0444);
MODULE_PARM_DESC(dummy_private,
		 "the nr_dummy devices are PERNS_CTX_PRIVATE, with a test_perns context each");

/* Counters bumped by concurrent namespace creations, read as parameters. */
static int test_perns_set_count(const char *val, const struct kernel_param *kp)
{
	int n, err = kstrtoint(val, 0, &n);

	if (!err)
		atomic_set((atomic_t *)kp->arg, n);
	return err;
}

static int test_perns_get_count(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read((atomic_t *)kp->arg));
}

static const struct kernel_param_ops test_perns_count_ops = {
	.set = test_perns_set_count,
	.get = test_perns_get_count,
};

static atomic_t init_checked = ATOMIC_INIT(0);
module_param_cb(init_checked, &test_perns_count_ops, &init_checked, 0444);
MODULE_PARM_DESC(init_checked, "new namespaces whose init method found a complete namespace");

static atomic_t init_bad = ATOMIC_INIT(0);
module_param_cb(init_bad, &test_perns_count_ops, &init_bad, 0444);
MODULE_PARM_DESC(init_bad, "new namespaces whose init method found an incomplete namespace");

static unsigned int dummy_types = ~0U;
module_param(dummy_types, uint, 0444);
MODULE_PARM_DESC(dummy_types,
		 "CLONE_NEW* flags of the namespace types given nr_dummy devices (default: all)");

/**
 * struct test_perns_ctx - the driver data of a context
 * @counter: bumped by write(), copied by unshare
 */
struct test_perns_ctx {
	atomic64_t counter;
};

/**
 * struct test_perns_dev - one device of the test driver
 * @misc: the misc device
 * @ops: the perns device
 * @nstype: the namespace type, a CLONE_NEW* flag
 * @registered: the kernel has the namespace type and the device is up
 */
struct test_perns_dev {
	struct miscdevice misc;
	struct perns_operations ops;
	int nstype;
	bool registered;
};

static bool test_perns_live;

static struct test_perns_ctx *test_perns_priv(const struct perns_context *ctx)
{
	return perns_context_priv(ctx);
}

static int test_perns_ctx_init(struct perns_context *ctx, struct perns_ns *pns)
{
	atomic64_set(&test_perns_priv(ctx)->counter, 0);
	return 0;
}

static int test_perns_unshare(struct perns_context *ctx,
			      const struct perns_context *src)
{
	atomic64_set(&test_perns_priv(ctx)->counter,
		     atomic64_read(&test_perns_priv(src)->counter));
	return 0;
}

static int test_perns_migrate(struct perns_context *ctx, struct perns_ns *from,
			      struct perns_ns *to)
{
	if (atomic64_read(&test_perns_priv(ctx)->counter) ==
	    TEST_PERNS_MIGRATE_BUSY)
		return -EBUSY;
	return 0;
}

static int test_perns_init_ns(struct perns_ns *pns);

static int test_perns_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;
	struct test_perns_dev *dev = container_of(misc, struct test_perns_dev,
						  misc);

	return perns_file_open(file, &dev->ops);
}

static int test_perns_release(struct inode *inode, struct file *file)
{
	perns_file_release(file);
	return 0;
}

static ssize_t test_perns_read(struct file *file, char __user *buf,
			       size_t count, loff_t *ppos)
{
	struct perns_context *ctx = perns_file_context(file);
	char text[48];
	int len;

	len = scnprintf(text, sizeof(text), "%llu %lld\n", ctx->id,
			atomic64_read(&test_perns_priv(ctx)->counter));
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

static ssize_t test_perns_write(struct file *file, const char __user *buf,
				size_t count, loff_t *ppos)
{
	struct perns_context *ctx = perns_file_context(file);

	atomic64_inc(&test_perns_priv(ctx)->counter);
	return count;
}

static const struct file_operations test_perns_fops = {
	.owner = THIS_MODULE,
	.open = test_perns_open,
	.release = test_perns_release,
	.read = test_perns_read,
	.write = test_perns_write,
	.llseek = default_llseek,
	.show_fdinfo = perns_file_show_fdinfo,
};

#define TEST_PERNS_DEV(_nstype, _name, _init, _unshare, _migrate)	\
	{							\
		.misc = {					\
			.minor = MISC_DYNAMIC_MINOR,		\
			.name = "test_perns_" _name,		\
			.fops = &test_perns_fops,		\
		},						\
		.ops = {					\
			.count = 1,				\
			.ctx_size = sizeof(struct test_perns_ctx), \
			.ctx_init = test_perns_ctx_init,	\
			.init = _init,				\
			.unshare = _unshare,			\
			.migrate = _migrate,			\
		},						\
		.nstype = _nstype,				\
	}

#define TEST_PERNS_FULL(_nstype, _name) \
	TEST_PERNS_DEV(_nstype, _name, test_perns_init_ns, test_perns_unshare, \
		       test_perns_migrate)

static struct test_perns_dev test_perns_devs[] = {
	TEST_PERNS_FULL(CLONE_NEWUSER, "user"),
	TEST_PERNS_FULL(CLONE_NEWUTS, "uts"),
	TEST_PERNS_FULL(CLONE_NEWIPC, "ipc"),
	TEST_PERNS_FULL(CLONE_NEWPID, "pid"),
	TEST_PERNS_FULL(CLONE_NEWNET, "net"),
	TEST_PERNS_FULL(CLONE_NEWNS, "mnt"),
	TEST_PERNS_FULL(CLONE_NEWCGROUP, "cgroup"),
	TEST_PERNS_FULL(CLONE_NEWTIME, "time"),
	/* No unshare or migrate op: setdevns() fails with -EOPNOTSUPP. */
	TEST_PERNS_DEV(CLONE_NEWUTS, "plain", NULL, NULL, NULL),
};

/*
 * The init method of the eight devices, which are in the order of the
 * perns type indexes: at creation, the namespace must be complete, point
 * to @pns and resolve the device's context.
 */
static int test_perns_init_ns(struct perns_ns *pns)
{
	struct test_perns_dev *dev = &test_perns_devs[pns->type];
	struct perns_context *ctx;

	/* At registration, the device is not live yet. */
	if (!READ_ONCE(test_perns_live))
		return 0;
	ctx = NULL;
	if (pns->ns && pns->ns->perns == pns && pns->ns->ops && pns->ns->inum)
		ctx = perns_context_get(&dev->ops, pns->ns);
	if (ctx) {
		atomic_inc(&init_checked);
		perns_context_put(ctx);
	} else {
		atomic_inc(&init_bad);
	}
	return 0;
}

/**
 * struct test_perns_dummy - a shared-mode device without a character device
 * @ops: the perns device
 * @nstype: the namespace type it is registered for
 */
struct test_perns_dummy {
	struct perns_operations ops;
	int nstype;
};

static struct test_perns_dummy *test_perns_dummies;
static unsigned int test_perns_nr_dummies;	/* registered */

/* A namespace type the kernel is built without gets no device. */
static int test_perns_add(struct test_perns_dev *dev)
{
	int err;

	err = register_perns_misc_device(dev->nstype, &dev->ops, &dev->misc);
	if (err == -EOPNOTSUPP) {
		pr_info("%s: no such namespace type in this kernel\n",
			dev->misc.name);
		return 0;
	}
	dev->registered = !err;
	return err;
}

static void test_perns_del(struct test_perns_dev *dev)
{
	if (dev->registered)
		unregister_perns_misc_device(dev->nstype, &dev->ops,
					     &dev->misc);
	dev->registered = false;
}

static void test_perns_del_dummies(void)
{
	struct test_perns_dummy *d;

	while (test_perns_nr_dummies) {
		d = &test_perns_dummies[--test_perns_nr_dummies];
		unregister_perns_device(d->nstype, &d->ops);
	}
	kvfree(test_perns_dummies);
	test_perns_dummies = NULL;
}

/* nr_dummy devices of each type in dummy_types, in the order of the types. */
static int test_perns_add_dummies(void)
{
	unsigned int i, j;
	int err;

	if (!nr_dummy)
		return 0;
	test_perns_dummies = kvcalloc(array_size(nr_dummy, PERNS_NR_TYPES),
				      sizeof(*test_perns_dummies), GFP_KERNEL);
	if (!test_perns_dummies)
		return -ENOMEM;
	/* The first PERNS_NR_TYPES devices give one of each type. */
	for (i = 0; i < PERNS_NR_TYPES; i++) {
		int nstype = test_perns_devs[i].nstype;

		if (!(nstype & dummy_types) || !test_perns_devs[i].registered)
			continue;
		for (j = 0; j < nr_dummy; j++) {
			struct test_perns_dummy *d =
				&test_perns_dummies[test_perns_nr_dummies];

			d->ops.name = "dummy";
			if (dummy_private) {
				d->ops.flags = PERNS_CTX_PRIVATE;
				d->ops.ctx_size = sizeof(struct test_perns_ctx);
			}
			d->nstype = nstype;
			err = register_perns_device(nstype, &d->ops);
			if (err) {
				test_perns_del_dummies();
				return err;
			}
			test_perns_nr_dummies++;
			cond_resched();
		}
	}
	return 0;
}

static int __init test_perns_init(void)
{
	unsigned int i;
	int err;

	/* test_perns_init_ns() indexes the devices by perns type. */
	BUILD_BUG_ON(ARRAY_SIZE(test_perns_devs) != PERNS_NR_TYPES + 1);

	for (i = 0; i < ARRAY_SIZE(test_perns_devs); i++) {
		err = test_perns_add(&test_perns_devs[i]);
		if (err) {
			pr_err("cannot register %s: %d\n",
			       test_perns_devs[i].misc.name, err);
			goto out_del;
		}
	}
	err = test_perns_add_dummies();
	if (err) {
		pr_err("cannot register %u dummy devices per type: %d\n",
		       nr_dummy, err);
		goto out_del;
	}
	WRITE_ONCE(test_perns_live, true);
	return 0;

out_del:
	while (i--)
		test_perns_del(&test_perns_devs[i]);
	return err;
}

static void __exit test_perns_exit(void)
{
	unsigned int i = ARRAY_SIZE(test_perns_devs);

	test_perns_del_dummies();
	while (i--)
		test_perns_del(&test_perns_devs[i]);
}

module_init(test_perns_init);
module_exit(test_perns_exit);

MODULE_DESCRIPTION("Test driver for perns device contexts and setdevns()");
MODULE_LICENSE("GPL");
