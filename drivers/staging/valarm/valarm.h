/* SPDX-License-Identifier: GPL-2.0 */
/*
 * valarm: the Android alarm device with a wall clock and alarms per user
 * namespace. See main.c for the model, the locking rules and lifetimes.
 */
#ifndef _VALARM_H
#define _VALARM_H

#include <linux/alarmtimer.h>
#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/time_namespace.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <uapi/linux/android_alarm.h>

struct file;
struct perns_context;
struct perns_ns;
struct perns_operations;
struct wakeup_source;

#define VALARM_TYPE_MASK(type)	(1U << (type))
#define VALARM_RTC_TYPES	(ANDROID_ALARM_RTC_WAKEUP_MASK | \
				 ANDROID_ALARM_RTC_MASK)
#define VALARM_WAKEUP_TYPES	(ANDROID_ALARM_RTC_WAKEUP_MASK | \
				 ANDROID_ALARM_ELAPSED_REALTIME_WAKEUP_MASK)

/* How long an expiry keeps the system awake without a WAIT to ack it */
#define VALARM_WAKE_MSEC	5000

/**
 * struct valarm_alarm - one alarm slot of a context
 * @hrt: the timer of a non-wakeup alarm, and of a wakeup alarm in a
 *	context without wake permission
 * @alrm: the timer of a wakeup alarm with wake permission
 * @ctx: the context the slot belongs to
 * @expires: absolute expiry: in the context's wall clock for the RTC
 *	types, in the host's clock of the type otherwise
 * @type: the &enum android_alarm_type of the slot
 * @on_alarm: armed on @alrm rather than @hrt
 * @wake: an expiry holds the context's wakeup source
 */
struct valarm_alarm {
	struct hrtimer hrt;
	struct alarm alrm;
	struct valarm_ctx *ctx;
	ktime_t expires;
	u8 type;
	bool on_alarm;
	bool wake;
};

/**
 * struct valarm_ctx - the driver data of a perns context
 * @offset: wall clock of the context minus the host's CLOCK_REALTIME, in
 *	ns; read without locks, written under @lock
 * @lock: protects everything below; taken from timer callbacks
 * @enabled: types with an armed alarm
 * @pending: types that fired, plus %ANDROID_ALARM_TIME_CHANGE_MASK, not
 *	yet returned by WAIT
 * @wait_pending: a WAIT returned and the wakeup source may still be held
 * @granted: wake permission granted with %VALARM_WAKE_GRANT
 * @owner: the file that owns the alarms, or %NULL
 * @wait: WAIT sleeps here
 * @ws: held from an expiry to the next WAIT; only the initial context and
 *	granted ones have one, %NULL otherwise
 * @node: entry in the list of live contexts, under valarm_contexts_lock
 * @alarms: the alarm slots, one per type
 * @pctx: the perns context this is the driver data of
 * @wall: the wall clock as the time namespaces showing it see it
 *	(timens.c); its offset equals @offset, both set by
 *	valarm_set_offset() under the wall clocks' mutex
 */
struct valarm_ctx {
	atomic64_t offset;
	spinlock_t lock;	/* see "Locking" in main.c */
	u32 enabled;
	u32 pending;
	bool wait_pending;
	bool granted;
	struct file *owner;
	wait_queue_head_t wait;
	struct wakeup_source *ws;
	struct list_head node;
	struct valarm_alarm alarms[ANDROID_ALARM_TYPE_COUNT];
	struct perns_context *pctx;
#ifdef CONFIG_TIME_NS
	struct timens_wall wall;
#endif
};

/* main.c */
extern struct perns_operations valarm_perns;
extern bool valarm_rtc_by_file;
void valarm_post_all(u32 bits);

/* alarm.c */
void valarm_alarms_init(struct valarm_ctx *ctx);
void valarm_alarms_exit(struct valarm_ctx *ctx);
int valarm_claim(struct valarm_ctx *ctx, struct file *file);
void valarm_disown(struct valarm_ctx *ctx, struct file *file);
void valarm_set(struct valarm_ctx *ctx, unsigned int type, ktime_t expires,
		bool initial);
void valarm_clear(struct valarm_ctx *ctx, unsigned int type);
long valarm_wait(struct valarm_ctx *ctx);
void __valarm_post(struct valarm_ctx *ctx, u32 bits);
void valarm_post(struct valarm_ctx *ctx, u32 bits);
void valarm_rearm(struct valarm_ctx *ctx, u32 types);
bool valarm_grant(struct valarm_ctx *ctx, bool allow, bool initial,
		  struct wakeup_source **ws);
void valarm_show(struct valarm_ctx *ctx, u32 *enabled, u32 *waking,
		 bool *granted);

/* clock.c */
void valarm_get_time(struct valarm_ctx *ctx, unsigned int type,
		     struct timespec64 *ts);
ktime_t valarm_to_expiry(unsigned int type, const struct timespec64 *ts);
ktime_t valarm_to_host(struct valarm_ctx *ctx, unsigned int type,
		       ktime_t expires);
int valarm_set_rtc(struct perns_context *pctx, const struct timespec64 *ts);
int valarm_set_offset(struct valarm_ctx *ctx, const struct timespec64 *ts);
int valarm_clock_init(void);
void valarm_clock_exit(void);

/* wake.c */
struct wakeup_source *valarm_ws_register(struct perns_context *pctx);
long valarm_wake_grant(struct perns_operations *ops, void __user *arg);

/* timens.c */
#ifdef CONFIG_TIME_NS
void valarm_timens_ctx_init(struct valarm_ctx *ctx);
void valarm_timens_ctx_exit(struct valarm_ctx *ctx);
int valarm_timens_set_rtc(struct valarm_ctx *ctx, const struct timespec64 *ts);
int valarm_timens_publish(struct valarm_ctx *ctx, s64 offset);
void valarm_timens_changed(struct perns_ns *pns);
int valarm_timens_init(void);
void valarm_timens_exit(void);
#else
static inline void valarm_timens_ctx_init(struct valarm_ctx *ctx)
{
}

static inline void valarm_timens_ctx_exit(struct valarm_ctx *ctx)
{
}

static inline int valarm_timens_set_rtc(struct valarm_ctx *ctx,
					const struct timespec64 *ts)
{
	return valarm_set_offset(ctx, ts);
}

static inline int valarm_timens_publish(struct valarm_ctx *ctx, s64 offset)
{
	return 0;
}

#define valarm_timens_changed NULL

static inline int valarm_timens_init(void)
{
	return 0;
}

static inline void valarm_timens_exit(void)
{
}
#endif

/* ioctl.c */
long valarm_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif /* _VALARM_H */
