// SPDX-License-Identifier: GPL-2.0
/*
 * The five alarm slots of a context: arming, expiry, WAIT and ownership.
 */

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/sched/signal.h>

#include "valarm.h"

static const clockid_t valarm_clocks[ANDROID_ALARM_TYPE_COUNT] = {
	[ANDROID_ALARM_RTC_WAKEUP] = CLOCK_REALTIME,
	[ANDROID_ALARM_RTC] = CLOCK_REALTIME,
	[ANDROID_ALARM_ELAPSED_REALTIME_WAKEUP] = CLOCK_BOOTTIME,
	[ANDROID_ALARM_ELAPSED_REALTIME] = CLOCK_BOOTTIME,
	[ANDROID_ALARM_SYSTEMTIME] = CLOCK_MONOTONIC,
};

/* An expiry of @slot, from a timer callback in hard interrupt context. */
static void valarm_fired(struct valarm_alarm *slot, bool from_alarm)
{
	struct valarm_ctx *ctx = slot->ctx;
	u32 mask = VALARM_TYPE_MASK(slot->type);
	unsigned long flags;
	bool requeued;

	spin_lock_irqsave(&ctx->lock, flags);
	/*
	 * A SET may have re-armed the slot, on either timer, while this
	 * callback waited for the lock: that expiry is not this one.
	 */
	if (from_alarm)
		/* Written by alarmtimer under its lock, stable under ours */
		requeued = data_race(slot->alrm.state) & ALARMTIMER_STATE_ENQUEUED;
	else
		requeued = hrtimer_is_queued(&slot->hrt);
	if (slot->on_alarm == from_alarm && !requeued &&
	    (ctx->enabled & mask)) {
		if (slot->wake)
			__pm_wakeup_event(ctx->ws, VALARM_WAKE_MSEC);
		ctx->enabled &= ~mask;
		ctx->pending |= mask;
		wake_up(&ctx->wait);
	}
	spin_unlock_irqrestore(&ctx->lock, flags);
}

static enum hrtimer_restart valarm_hrtimer_fn(struct hrtimer *hrt)
{
	valarm_fired(container_of(hrt, struct valarm_alarm, hrt), false);
	return HRTIMER_NORESTART;
}

static enum alarmtimer_restart valarm_alarm_fn(struct alarm *alrm, ktime_t now)
{
	valarm_fired(container_of(alrm, struct valarm_alarm, alrm), true);
	return ALARMTIMER_NORESTART;
}

/**
 * valarm_alarms_init() - set up the alarm slots of a new context
 * @ctx: the context, zeroed
 */
void valarm_alarms_init(struct valarm_ctx *ctx)
{
	unsigned int type;

	for (type = 0; type < ANDROID_ALARM_TYPE_COUNT; type++) {
		struct valarm_alarm *slot = &ctx->alarms[type];

		slot->ctx = ctx;
		slot->type = type;
		hrtimer_init(&slot->hrt, valarm_clocks[type], HRTIMER_MODE_ABS);
		slot->hrt.function = valarm_hrtimer_fn;
		alarm_init(&slot->alrm,
			   valarm_clocks[type] == CLOCK_REALTIME ?
			   ALARM_REALTIME : ALARM_BOOTTIME, valarm_alarm_fn);
	}
}

/* Both timers of every slot; the slots are disabled, so none fires again. */
static void valarm_cancel_sync(struct valarm_ctx *ctx)
{
	unsigned int type;

	for (type = 0; type < ANDROID_ALARM_TYPE_COUNT; type++) {
		hrtimer_cancel(&ctx->alarms[type].hrt);
		alarm_cancel(&ctx->alarms[type].alrm);
	}
}

/**
 * valarm_alarms_exit() - stop the alarm slots of a context being released
 * @ctx: the context; no file is bound to it any longer
 *
 * Context: process context; waits for running timer callbacks.
 */
void valarm_alarms_exit(struct valarm_ctx *ctx)
{
	spin_lock_irq(&ctx->lock);
	ctx->enabled = 0;
	spin_unlock_irq(&ctx->lock);
	valarm_cancel_sync(ctx);
	if (ctx->pending || ctx->wait_pending)
		__pm_relax(ctx->ws);
}

static void valarm_try_cancel(struct valarm_alarm *slot)
{
	hrtimer_try_to_cancel(&slot->hrt);
	alarm_try_to_cancel(&slot->alrm);
}

/* (Re)arms @slot at its expiry. Called with ctx->lock held. */
static void valarm_start(struct valarm_ctx *ctx, struct valarm_alarm *slot)
{
	ktime_t host = valarm_to_host(ctx, slot->type, slot->expires);

	lockdep_assert_held(&ctx->lock);
	valarm_try_cancel(slot);
	if (slot->on_alarm)
		alarm_start(&slot->alrm, host);
	else
		hrtimer_start(&slot->hrt, host, HRTIMER_MODE_ABS);
}

/**
 * valarm_claim() - take ownership of a context's alarms
 * @ctx: the context
 * @file: the file issuing SET, SET_AND_WAIT, CLEAR or WAIT
 *
 * The first file to ask owns the alarms until it is closed.
 *
 * Return: 0 if @file owns them, -EBUSY if another file does.
 */
int valarm_claim(struct valarm_ctx *ctx, struct file *file)
{
	int ret = 0;

	spin_lock_irq(&ctx->lock);
	if (!ctx->owner)
		ctx->owner = file;
	else if (ctx->owner != file)
		ret = -EBUSY;
	spin_unlock_irq(&ctx->lock);
	return ret;
}

/**
 * valarm_disown() - cancel the alarms of a closing file if it owns them
 * @ctx: the context the file is bound to
 * @file: the file being released
 *
 * Context: process context; waits for running timer callbacks.
 */
void valarm_disown(struct valarm_ctx *ctx, struct file *file)
{
	spin_lock_irq(&ctx->lock);
	if (ctx->owner != file) {
		spin_unlock_irq(&ctx->lock);
		return;
	}
	ctx->enabled = 0;
	spin_unlock_irq(&ctx->lock);

	/* Still the owner meanwhile: nobody can arm a slot. */
	valarm_cancel_sync(ctx);

	spin_lock_irq(&ctx->lock);
	if (ctx->pending || ctx->wait_pending)
		__pm_relax(ctx->ws);
	ctx->pending = 0;
	ctx->wait_pending = false;
	ctx->owner = NULL;
	spin_unlock_irq(&ctx->lock);
}

/* Where @slot runs: decided under ctx->lock, with the grant it reads. */
static void valarm_place(struct valarm_ctx *ctx, struct valarm_alarm *slot,
			 bool initial)
{
	bool wake = ctx->granted || initial;

	lockdep_assert_held(&ctx->lock);
	slot->wake = wake;
	slot->on_alarm = wake &&
			 (VALARM_TYPE_MASK(slot->type) & VALARM_WAKEUP_TYPES);
}

/**
 * valarm_set() - arm an alarm
 * @ctx: the context
 * @type: the alarm type
 * @expires: absolute expiry, see &struct valarm_alarm.expires
 * @initial: the context is the initial user namespace's, which may wake
 *	the system whatever its grant
 *
 * Whether the alarm may wake the system is decided in the same critical
 * section that arms it, so that a concurrent revoke either comes before
 * and is seen, or comes after and moves the alarm. A fired alarm that
 * WAIT did not report yet stays pending.
 */
void valarm_set(struct valarm_ctx *ctx, unsigned int type, ktime_t expires,
		bool initial)
{
	struct valarm_alarm *slot = &ctx->alarms[type];

	spin_lock_irq(&ctx->lock);
	ctx->enabled |= VALARM_TYPE_MASK(type);
	slot->expires = expires;
	valarm_place(ctx, slot, initial);
	valarm_start(ctx, slot);
	spin_unlock_irq(&ctx->lock);
}

/**
 * valarm_clear() - disarm an alarm and drop its pending expiry
 * @ctx: the context
 * @type: the alarm type
 */
void valarm_clear(struct valarm_ctx *ctx, unsigned int type)
{
	u32 mask = VALARM_TYPE_MASK(type);

	spin_lock_irq(&ctx->lock);
	valarm_try_cancel(&ctx->alarms[type]);
	if (ctx->pending & mask) {
		ctx->pending &= ~mask;
		if (!ctx->pending && !ctx->wait_pending)
			__pm_relax(ctx->ws);
	}
	ctx->enabled &= ~mask;
	spin_unlock_irq(&ctx->lock);
}

/**
 * valarm_wait() - ack the last expiry and wait for the next
 * @ctx: the context
 *
 * Context: process context; sleeps, interruptible.
 * Return: the mask of the types that fired, with
 * %ANDROID_ALARM_TIME_CHANGE_MASK if the context's wall clock changed, or
 * -ERESTARTSYS.
 */
long valarm_wait(struct valarm_ctx *ctx)
{
	long ret;

	spin_lock_irq(&ctx->lock);
	if (!ctx->pending && ctx->wait_pending) {
		__pm_relax(ctx->ws);
		ctx->wait_pending = false;
	}
	spin_unlock_irq(&ctx->lock);

	ret = wait_event_interruptible(ctx->wait, READ_ONCE(ctx->pending));
	if (ret)
		return ret;

	spin_lock_irq(&ctx->lock);
	ret = ctx->pending;
	ctx->pending = 0;
	ctx->wait_pending = true;
	spin_unlock_irq(&ctx->lock);
	return ret;
}

/* Reports @bits to the owner of @ctx, if it has one. Under ctx->lock. */
void __valarm_post(struct valarm_ctx *ctx, u32 bits)
{
	lockdep_assert_held(&ctx->lock);
	if (!ctx->owner)
		return;
	ctx->pending |= bits;
	wake_up(&ctx->wait);
}

/**
 * valarm_post() - report events to the owner of a context's alarms
 * @ctx: the context
 * @bits: %ANDROID_ALARM_TIME_CHANGE_MASK
 *
 * Nothing is queued in a context whose alarms nobody owns: a file that
 * claims them later starts with a clean slate, as on a fresh device.
 */
void valarm_post(struct valarm_ctx *ctx, u32 bits)
{
	unsigned long flags;

	spin_lock_irqsave(&ctx->lock, flags);
	__valarm_post(ctx, bits);
	spin_unlock_irqrestore(&ctx->lock, flags);
}

/**
 * valarm_grant() - grant or revoke wake permission to a context
 * @ctx: the context
 * @allow: the new permission
 * @initial: the context is the initial user namespace's, which may wake
 *	the system anyway and keeps its wakeup source
 * @ws: in: a wakeup source for a grant, or %NULL; out: a wakeup source
 *	the caller must unregister, or %NULL
 *
 * Armed alarms move to the timer their new permission calls for. A grant
 * installs @ws if the context has none; a revoke takes the context's away.
 *
 * Return: the previous permission.
 */
bool valarm_grant(struct valarm_ctx *ctx, bool allow, bool initial,
		  struct wakeup_source **ws)
{
	unsigned int type;
	bool old;

	spin_lock_irq(&ctx->lock);
	old = ctx->granted;
	ctx->granted = allow;
	if (allow && !ctx->ws)
		swap(ctx->ws, *ws);
	else if (!allow && !initial)
		swap(ctx->ws, *ws);
	for (type = 0; type < ANDROID_ALARM_TYPE_COUNT; type++) {
		struct valarm_alarm *slot = &ctx->alarms[type];

		valarm_place(ctx, slot, initial);
		if (ctx->enabled & VALARM_TYPE_MASK(type))
			valarm_start(ctx, slot);
	}
	spin_unlock_irq(&ctx->lock);
	return old;
}

/**
 * valarm_show() - the state of a context's alarms, for fdinfo
 * @ctx: the context
 * @enabled: the types armed
 * @waking: the types armed to wake the system (on alarmtimer)
 * @granted: the context's wake permission
 */
void valarm_show(struct valarm_ctx *ctx, u32 *enabled, u32 *waking,
		 bool *granted)
{
	unsigned int type;

	spin_lock_irq(&ctx->lock);
	*enabled = ctx->enabled;
	*granted = ctx->granted;
	*waking = 0;
	for (type = 0; type < ANDROID_ALARM_TYPE_COUNT; type++)
		if ((ctx->enabled & VALARM_TYPE_MASK(type)) &&
		    ctx->alarms[type].on_alarm)
			*waking |= VALARM_TYPE_MASK(type);
	spin_unlock_irq(&ctx->lock);
}

/**
 * valarm_rearm() - re-arm armed alarms after their clock or wake state moved
 * @ctx: the context
 * @types: mask of the types to re-arm
 *
 * Called with @ctx->lock held.
 */
void valarm_rearm(struct valarm_ctx *ctx, u32 types)
{
	unsigned int type;

	lockdep_assert_held(&ctx->lock);
	for (type = 0; type < ANDROID_ALARM_TYPE_COUNT; type++) {
		if (ctx->enabled & types & VALARM_TYPE_MASK(type))
			valarm_start(ctx, &ctx->alarms[type]);
	}
}
