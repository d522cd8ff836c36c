/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_TIMENS_TIMER_H
#define _LINUX_TIMENS_TIMER_H

#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/overflow.h>
#include <linux/types.h>

struct task_struct;
struct time_namespace;

/**
 * struct timens_timer - a timer that follows the CLOCK_REALTIME of a time
 *	namespace
 * @node: in the namespace's list of timers
 * @ns: the namespace, held while the timer is listed; %NULL otherwise
 * @offset: the namespace's realtime offset the timer's absolute expiry was
 *	converted with (timens_timer_to_host()), or that it last followed;
 *	written under the owner's lock, a sleeper's under the timers mutex
 * @shift: called whenever the namespace's clock changes (a wall clock
 *	set, attached or detached), under the owner's lock: reads the
 *	namespace's offset as it is then (timens_timer_offset()) and, if it
 *	is not @offset, cancels a timer that asked to be cancelled then,
 *	moves an armed absolute expiry by @offset minus the new offset,
 *	re-arming the timer, and records the new offset. Called under the
 *	namespace's timers mutex, which nests outside the owner's locks,
 *	and possibly again for a change it has already followed.
 *
 * An absolute CLOCK_REALTIME, CLOCK_TAI or CLOCK_REALTIME_ALARM timer
 * expires in the host's clock, at the time its namespace's clock shows its
 * expiry; a timer listed with timens_timer_add() keeps doing so when that
 * clock changes, as a host timer does when the host's clock is set.
 */
struct timens_timer {
	struct list_head node;
	struct time_namespace *ns;
	s64 offset;
	void (*shift)(struct timens_timer *t);
};

/**
 * struct timens_sleeper - an absolute sleep that follows the CLOCK_REALTIME
 *	of a time namespace (timens_sleeper_add())
 * @tns: listed on the namespace; @tns.offset is the offset to convert the
 *	expiry with, read with READ_ONCE() after setting the task state
 * @task: the sleeping task, woken whenever that offset changes
 *
 * Lives on the sleeping task's stack, listed from timens_sleeper_add()
 * until timens_timer_del(), which the task calls before it returns: once
 * that returns, nothing reads @task any more.
 */
struct timens_sleeper {
	struct timens_timer tns;
	struct task_struct *task;
};

/* @expires plus @delta, saturated to what an absolute expiry can be */
static inline ktime_t timens_shift_expiry(ktime_t expires, s64 delta)
{
	ktime_t res;

	if (check_add_overflow(expires, delta, &res))
		return delta > 0 ? KTIME_MAX : 0;
	return res < 0 ? 0 : res;
}

/*
 * How far an expiry converted with offset @from moves when the offset
 * becomes @to: @from minus @to, saturated, as two offsets may be further
 * apart than an s64 holds; timens_shift_expiry() then saturates the expiry.
 */
static inline s64 timens_offset_delta(s64 from, s64 to)
{
	s64 delta;

	if (check_sub_overflow(from, to, &delta))
		return to < 0 ? S64_MAX : S64_MIN;
	return delta;
}

#endif /* _LINUX_TIMENS_TIMER_H */
