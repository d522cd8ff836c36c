// SPDX-License-Identifier: GPL-2.0
/*
 * The clocks of a context: reading them, converting alarm expiries to the
 * host's clocks, SET_RTC, and noticing changes of the host's wall clock.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/irq_work.h>
#include <linux/overflow.h>
#include <linux/perns.h>
#include <linux/pvclock_gtod.h>
#include <linux/rtc.h>
#include <linux/time_namespace.h>
#include <linux/timekeeping.h>
#include <linux/user_namespace.h>
#include <linux/workqueue.h>

#include "valarm.h"

static ktime_t valarm_add(ktime_t a, ktime_t b)
{
	ktime_t sum;

	if (check_add_overflow(a, b, &sum))
		return b > 0 ? KTIME_MAX : S64_MIN;
	return sum;
}

static bool valarm_is_rtc(unsigned int type)
{
	return VALARM_TYPE_MASK(type) & VALARM_RTC_TYPES;
}

/* The caller's time namespace offset for the clock of @type. */
static ktime_t valarm_timens_offset(unsigned int type)
{
	struct timespec64 off = {};

	if (type == ANDROID_ALARM_SYSTEMTIME)
		timens_add_monotonic(&off);
	else
		timens_add_boottime(&off);
	return timespec64_to_ktime(off);
}

/**
 * valarm_get_time() - the current time of a type's clock, as GET_TIME sees it
 * @ctx: the context
 * @type: the alarm type
 * @ts: the time
 *
 * The RTC types read the context's wall clock, the others the caller's
 * time namespace's CLOCK_BOOTTIME or CLOCK_MONOTONIC. Takes no lock.
 */
void valarm_get_time(struct valarm_ctx *ctx, unsigned int type,
		     struct timespec64 *ts)
{
	s64 off;

	switch (type) {
	case ANDROID_ALARM_RTC_WAKEUP:
	case ANDROID_ALARM_RTC:
		off = atomic64_read(&ctx->offset);
		if (!off)
			ktime_get_real_ts64(ts);
		else
			*ts = ktime_to_timespec64(valarm_add(ktime_get_real(),
							     off));
		break;
	case ANDROID_ALARM_ELAPSED_REALTIME_WAKEUP:
	case ANDROID_ALARM_ELAPSED_REALTIME:
		ktime_get_boottime_ts64(ts);
		timens_add_boottime(ts);
		break;
	default:
		ktime_get_ts64(ts);
		timens_add_monotonic(ts);
		break;
	}
}

/**
 * valarm_to_expiry() - the expiry to store for a SET
 * @type: the alarm type
 * @ts: the absolute time the caller asked for, with a valid tv_nsec
 *
 * A negative time is in the past. For the RTC types the result is in the
 * context's wall clock, which may still move; the other types are
 * converted from the caller's time namespace to the host's clock now, as
 * timerfd does.
 *
 * Return: see &struct valarm_alarm.expires.
 */
ktime_t valarm_to_expiry(unsigned int type, const struct timespec64 *ts)
{
	ktime_t t = ts->tv_sec < 0 ? 0 : timespec64_to_ktime(*ts);

	if (valarm_is_rtc(type))
		return t;
	t = valarm_add(t, -valarm_timens_offset(type));
	return t < 0 ? 0 : t;
}

/**
 * valarm_to_host() - the host time at which an alarm expires
 * @ctx: the context
 * @type: the alarm type
 * @expires: see &struct valarm_alarm.expires
 *
 * Return: the absolute expiry in the host's clock of @type.
 */
ktime_t valarm_to_host(struct valarm_ctx *ctx, unsigned int type,
		       ktime_t expires)
{
	if (!valarm_is_rtc(type))
		return expires;
	return valarm_add(expires, -atomic64_read(&ctx->offset));
}

/*
 * SET_RTC of the initial context: the host's clock and RTC, for callers
 * of the initial user namespace only.
 *
 * As /dev/valarm, it needs CAP_SYS_TIME, as RTC_SET_TIME on /dev/rtc
 * does: a container without a user namespace that was given the device,
 * or a service without the capability, must not set the host's clock.
 *
 * As Android's /dev/alarm (devname=alarm), the file is the authority, as
 * with alarm-dev: the node's mode, which Android's ueventd.rc makes 0664
 * system:radio, decides, so that NITZ in the phone process, which never
 * had CAP_SYS_TIME, sets the time as it did.
 *
 * Either way the LSMs decide through their open and ioctl hooks
 * (security_file_ioctl() ran for this call), as for /dev/rtc; the
 * settime hook, which modules cannot call, is not. The clock notifier
 * reports the change.
 */
static int valarm_set_host(const struct timespec64 *ts)
{
	struct rtc_device *rtc;
	struct rtc_time tm;
	int err;

	if (current_user_ns() != &init_user_ns)
		return -EPERM;
	if (!valarm_rtc_by_file && !capable(CAP_SYS_TIME))
		return -EPERM;
	err = do_settimeofday64(ts);
	if (err)
		return err;
	rtc = alarmtimer_get_rtcdev();
	if (rtc) {
		rtc_time64_to_tm(ts->tv_sec, &tm);
		err = rtc_set_time(rtc, &tm);
	}
	return err;
}

/**
 * valarm_set_rtc() - SET_RTC: set the wall clock of a context
 * @pctx: the context the file, open for writing, is bound to
 * @ts: the new time
 *
 * The initial user namespace's context sets the host's clock and hardware
 * RTC, for callers in the initial user namespace; any other context
 * changes only its own offset, re-arms its RTC alarms, and reports
 * %ANDROID_ALARM_TIME_CHANGE_MASK to the owner of its alarms.
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL for a time the host's clock cannot hold, -EPERM for
 * the initial context from another user namespace or, as /dev/valarm,
 * without CAP_SYS_TIME, or the error of setting the clock or the RTC.
 */
int valarm_set_rtc(struct perns_context *pctx, const struct timespec64 *ts)
{
	struct valarm_ctx *ctx = perns_context_priv(pctx);

	if (!timespec64_valid_settod(ts))
		return -EINVAL;
	if (perns_context_is_initial(pctx))
		return valarm_set_host(ts);
	return valarm_timens_set_rtc(ctx, ts);
}

/**
 * valarm_set_offset() - set the wall clock of a context other than the
 *	initial one
 * @ctx: the context
 * @ts: the new time, valid for settimeofday()
 *
 * Shows the new time in the time namespaces showing the context's wall
 * clock, re-arms the context's RTC alarms and reports
 * %ANDROID_ALARM_TIME_CHANGE_MASK to the owner of its alarms. With time
 * namespaces, called by the wall clock's settime method.
 *
 * Return: 0, or what valarm_timens_publish() returns, changing nothing:
 * -EINVAL if @ts is further than %TIMENS_WALL_OFFSET_MAX (272 years) from
 * the host's clock, which a time settimeofday() accepts is not while the
 * host's clock is before the year 2242.
 */
int valarm_set_offset(struct valarm_ctx *ctx, const struct timespec64 *ts)
{
	s64 offset = ktime_sub(timespec64_to_ktime(*ts), ktime_get_real());
	int err;

	err = valarm_timens_publish(ctx, offset);
	if (err)
		return err;
	spin_lock_irq(&ctx->lock);
	atomic64_set(&ctx->offset, offset);
	valarm_rearm(ctx, VALARM_RTC_TYPES);
	__valarm_post(ctx, ANDROID_ALARM_TIME_CHANGE_MASK);
	spin_unlock_irq(&ctx->lock);
	return 0;
}

/*
 * Changes of the host's wall clock.
 *
 * The timekeeping core tells nobody outside itself but timerfd and the
 * pvclock notifier chain that the clock was set. The chain is called on
 * every timekeeping update with the timekeeper locked, so the notifier only
 * queues an irq_work, which queues a work: queueing a work there directly
 * could wake a task that reads the clock. The work compares
 * CLOCK_REALTIME - CLOCK_BOOTTIME and CLOCK_TAI - CLOCK_BOOTTIME with their
 * last values and posts when both moved: a step of the clock
 * (settimeofday(), clock_settime(), adjtimex() ADJ_SETOFFSET, valarm's own
 * SET_RTC of the initial context) moves both, and posts once. A resume,
 * which is reported as a clock change, moves neither; a leap second moves
 * CLOCK_REALTIME only, and a new TAI offset (adjtimex() ADJ_TAI) CLOCK_TAI
 * only: neither is a change of the time an alarm of the RTC types waits
 * for, so they post nothing. Only the work, one at a time, touches the
 * last values.
 */

struct valarm_clock_deltas {
	ktime_t real;		/* CLOCK_REALTIME - CLOCK_BOOTTIME */
	ktime_t tai;		/* CLOCK_TAI - CLOCK_BOOTTIME */
};

static struct valarm_clock_deltas valarm_clock_last;

/*
 * Reads both differences, CLOCK_REALTIME's twice: a step between the reads
 * shows in the second, and a change of the TAI offset alone leaves
 * CLOCK_REALTIME's as it was. Only a resume, which moves every offset,
 * can tear CLOCK_TAI's; it leaves CLOCK_REALTIME's as it was, so nothing
 * is posted, and its own clock change runs the work again.
 */
static ktime_t valarm_since_boot(enum tk_offsets offs)
{
	return ktime_sub(ktime_mono_to_any(0, offs),
			 ktime_mono_to_any(0, TK_OFFS_BOOT));
}

static void valarm_clock_deltas(struct valarm_clock_deltas *d)
{
	ktime_t real;

	do {
		real = valarm_since_boot(TK_OFFS_REAL);
		d->tai = valarm_since_boot(TK_OFFS_TAI);
		d->real = valarm_since_boot(TK_OFFS_REAL);
	} while (d->real != real);
}

static void valarm_clock_work_fn(struct work_struct *work)
{
	struct valarm_clock_deltas d;
	bool step;

	valarm_clock_deltas(&d);
	step = d.real != valarm_clock_last.real &&
	       d.tai != valarm_clock_last.tai;
	valarm_clock_last = d;
	if (step)
		valarm_post_all(ANDROID_ALARM_TIME_CHANGE_MASK);
}

static DECLARE_WORK(valarm_clock_work, valarm_clock_work_fn);

static void valarm_clock_irq_work_fn(struct irq_work *work)
{
	schedule_work(&valarm_clock_work);
}

static DEFINE_IRQ_WORK(valarm_clock_irq_work, valarm_clock_irq_work_fn);

static int valarm_clock_notify(struct notifier_block *nb,
			       unsigned long was_set, void *tk)
{
	if (was_set)
		irq_work_queue(&valarm_clock_irq_work);
	return NOTIFY_OK;
}

static struct notifier_block valarm_clock_nb = {
	.notifier_call = valarm_clock_notify,
};

/**
 * valarm_clock_init() - start watching the host's wall clock
 *
 * Return: 0 or a negative errno.
 */
int valarm_clock_init(void)
{
	valarm_clock_deltas(&valarm_clock_last);
	return pvclock_gtod_register_notifier(&valarm_clock_nb);
}

/**
 * valarm_clock_exit() - stop watching the host's wall clock
 */
void valarm_clock_exit(void)
{
	pvclock_gtod_unregister_notifier(&valarm_clock_nb);
	irq_work_sync(&valarm_clock_irq_work);
	cancel_work_sync(&valarm_clock_work);
}
