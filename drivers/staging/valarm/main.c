// SPDX-License-Identifier: GPL-2.0
/*
 * valarm: the Android alarm device, /dev/valarm, with a wall clock and
 * alarms per user namespace.
 *
 * Model
 *
 * The device is a perns device of the user namespace type. Each perns
 * context holds a struct valarm_ctx: an offset of its wall clock from the
 * host's CLOCK_REALTIME, the five Android alarm slots, the pending and
 * enabled masks, a wait queue, a wakeup source and the owning file. A new
 * user namespace shares its parent's context; setdevns() UNSHARE gives it
 * a private one with the source's offset and no alarms, MIGRATE moves a
 * context, offset, alarms and owner together, so the driver has nothing
 * to do for it. A file works on the context it was bound to at open().
 *
 * SET_RTC needs a file open for writing, as with alarm-dev: the node's mode
 * is the policy. In the initial user namespace's context it sets the
 * host's clock and hardware RTC, for callers in the initial user namespace
 * only, and as /dev/valarm also needs CAP_SYS_TIME, as settimeofday()
 * does; as Android's /dev/alarm (devname=alarm) the file suffices, as it
 * did with alarm-dev (see valarm_set_host()); a caller in another user namespace
 * whose namespace shares that context gets EPERM. In any other context it
 * changes only the context's offset. The RTC alarms of a context are kept
 * in its wall clock and re-armed on the host's clock when the offset
 * changes. ANDROID_ALARM_TIME_CHANGE_MASK is reported once per change of
 * a context's wall clock, to the owner of its alarms only: a SET_RTC of a
 * private context reports it there, a step of the host's clock (seen
 * through the pvclock notifier, see clock.c) to every context, since each
 * wall clock follows the host's; a leap second, which moves TAI with it,
 * reports nothing.
 *
 * Wake policy: wakeup alarms of the initial user namespace's context, and
 * of contexts granted wake permission with VALARM_WAKE_GRANT (which needs
 * CAP_WAKE_ALARM in the initial user namespace), run on alarmtimer and
 * may wake the system; their expiries hold the context's wakeup source
 * until the next WAIT, at most 5 s. In other contexts they are armed on
 * hrtimers of the same clock and hold no wakeup source (they have none),
 * so a container cannot wake a sleeping host or keep it awake unless the
 * host allows it. The policy is read under the context's lock when an
 * alarm is armed; see wake.c.
 *
 * The misc device is "valarm" (/dev/valarm), or "alarm" with the devname
 * parameter (valarm.devname=alarm on the command line when built in), for
 * Android's /dev/alarm.
 *
 * Locking
 *
 *  - valarm_ctx.lock, a spinlock taken with interrupts off because the
 *    timer callbacks take it in hard interrupt context, protects the
 *    masks, the owner, the grant and the slots, and serialises arming
 *    and cancelling the timers. Timers are only try-cancelled under it;
 *    callbacks ignore an expiry whose slot was disabled or re-armed.
 *  - valarm_ctx.offset is written under the lock and read without it by
 *    GET_TIME, which takes no lock at all.
 *  - valarm_contexts_lock, a mutex, protects the list of live contexts;
 *    it nests inside perns_mutex (ctx_init and unshare run under it), and
 *    valarm_ctx.lock nests inside it. No perns function is called with a
 *    valarm lock held.
 *
 * Lifetimes
 *
 *  - A valarm_ctx lives from ctx_init or unshare to ctx_exit, which perns
 *    calls in process context once the last namespace and the last file
 *    let go of the context; ctx_exit cancels the timers synchronously.
 *  - Alarms are armed only by the owning file, which holds the context,
 *    and are cancelled synchronously when it is released.
 *  - Open files hold a reference to the module through valarm_fops.owner.
 *    Module exit removes the misc device, then unregisters from perns,
 *    which releases every context, then stops watching the clock.
 */

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/perns.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/user_namespace.h>

#include "valarm.h"

static LIST_HEAD(valarm_contexts);
static DEFINE_MUTEX(valarm_contexts_lock);

/**
 * valarm_post_all() - report events to the waiters of every context
 * @bits: %ANDROID_ALARM_TIME_CHANGE_MASK
 *
 * Context: process context; takes a mutex.
 */
void valarm_post_all(u32 bits)
{
	struct valarm_ctx *ctx;

	mutex_lock(&valarm_contexts_lock);
	list_for_each_entry(ctx, &valarm_contexts, node)
		valarm_post(ctx, bits);
	mutex_unlock(&valarm_contexts_lock);
}

static int valarm_ctx_setup(struct perns_context *pctx, s64 offset,
			    bool initial)
{
	struct valarm_ctx *ctx = perns_context_priv(pctx);

	ctx->pctx = pctx;
	atomic64_set(&ctx->offset, offset);
	valarm_timens_ctx_init(ctx);
	spin_lock_init(&ctx->lock);
	init_waitqueue_head(&ctx->wait);
	valarm_alarms_init(ctx);

	/* Other contexts get one when they are granted wake permission. */
	if (initial) {
		ctx->ws = valarm_ws_register(pctx);
		if (IS_ENABLED(CONFIG_PM_SLEEP) && !ctx->ws)
			return -ENOMEM;
	}

	mutex_lock(&valarm_contexts_lock);
	list_add_tail(&ctx->node, &valarm_contexts);
	mutex_unlock(&valarm_contexts_lock);
	return 0;
}

/* A fresh context: the host's time, no alarms. */
static int valarm_ctx_init(struct perns_context *pctx, struct perns_ns *pns)
{
	return valarm_ctx_setup(pctx, 0, pns->ns == &init_user_ns.ns);
}

/* A private context: the clock goes on from @src's time, without alarms. */
static int valarm_unshare(struct perns_context *pctx,
			  const struct perns_context *src)
{
	struct valarm_ctx *from = perns_context_priv(src);

	return valarm_ctx_setup(pctx, atomic64_read(&from->offset), false);
}

/*
 * The context moves as a whole; files bound to it, its owner and its
 * alarms go on as before, so there is nothing to check or change.
 */
static int valarm_migrate(struct perns_context *pctx, struct perns_ns *from,
			  struct perns_ns *to)
{
	return 0;
}

static void valarm_ctx_exit(struct perns_context *pctx)
{
	struct valarm_ctx *ctx = perns_context_priv(pctx);

	valarm_timens_ctx_exit(ctx);
	mutex_lock(&valarm_contexts_lock);
	list_del(&ctx->node);
	mutex_unlock(&valarm_contexts_lock);
	valarm_alarms_exit(ctx);
	wakeup_source_unregister(ctx->ws);
}

static int valarm_open(struct inode *inode, struct file *file)
{
	return perns_file_open(file, &valarm_perns);
}

static int valarm_release(struct inode *inode, struct file *file)
{
	valarm_disown(perns_context_priv(perns_file_context(file)), file);
	perns_file_release(file);
	return 0;
}

/* The context, and its alarms as the wake policy placed them. */
static void valarm_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct valarm_ctx *ctx = perns_context_priv(perns_file_context(file));
	u32 enabled, waking;
	bool granted;

	perns_file_show_fdinfo(m, file);
	valarm_show(ctx, &enabled, &waking, &granted);
	seq_printf(m, "valarm_enabled:\t%#x\nvalarm_waking:\t%#x\n",
		   enabled, waking);
	seq_printf(m, "valarm_wake_granted:\t%d\nvalarm_offset_ns:\t%lld\n",
		   granted, (long long)atomic64_read(&ctx->offset));
}

static const struct file_operations valarm_fops = {
	.owner = THIS_MODULE,
	.open = valarm_open,
	.release = valarm_release,
	.unlocked_ioctl = valarm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
	.show_fdinfo = valarm_show_fdinfo,
};

/*
 * Android opens /dev/alarm by that path, and its ueventd.rc and SELinux
 * file contexts name only it; old ueventd names the node after the
 * device, so the device itself must be called "alarm" there.
 */
static char *devname = "valarm";
module_param(devname, charp, 0444);
MODULE_PARM_DESC(devname,
		 "device name: \"valarm\" (default) or \"alarm\", for Android's /dev/alarm");

/* As Android's /dev/alarm, SET_RTC of the host's clock goes by the file. */
bool valarm_rtc_by_file;

static struct miscdevice valarm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.fops = &valarm_fops,
	/* GET_TIME for everybody, as Android's ueventd.rc allowed */
	.mode = 0644,
};

struct perns_operations valarm_perns = {
	.ctx_size = sizeof(struct valarm_ctx),
	.ctx_init = valarm_ctx_init,
	.ctx_exit = valarm_ctx_exit,
	.unshare = valarm_unshare,
	.migrate = valarm_migrate,
	.changed = valarm_timens_changed,
};

static int __init valarm_init(void)
{
	int err;

	if (strcmp(devname, "valarm") && strcmp(devname, "alarm")) {
		pr_err("valarm: devname must be \"valarm\" or \"alarm\"\n");
		return -EINVAL;
	}
	valarm_misc.name = devname;
	valarm_rtc_by_file = !strcmp(devname, "alarm");
	err = valarm_clock_init();
	if (err)
		return err;
	err = register_perns_misc_device(CLONE_NEWUSER, &valarm_perns,
					 &valarm_misc);
	if (err)
		goto out_clock;
	err = valarm_timens_init();
	if (err)
		goto out_device;
	return 0;

out_device:
	unregister_perns_misc_device(CLONE_NEWUSER, &valarm_perns,
				     &valarm_misc);
out_clock:
	valarm_clock_exit();
	return err;
}
module_init(valarm_init);

static void __exit valarm_exit(void)
{
	valarm_timens_exit();
	unregister_perns_misc_device(CLONE_NEWUSER, &valarm_perns,
				     &valarm_misc);
	valarm_clock_exit();
}
module_exit(valarm_exit);

MODULE_DESCRIPTION("Namespace-aware Android alarm device");
MODULE_LICENSE("GPL");
