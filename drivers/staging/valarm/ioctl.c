// SPDX-License-Identifier: GPL-2.0
/*
 * The Android alarm ioctls: decoding for every ABI and dispatch.
 *
 * The ioctl numbers carry the size of the caller's struct timespec: 8
 * bytes for 32-bit time_t, 16 for 64-bit programs and for 32-bit programs
 * built with 64-bit time_t. Both are accepted from every caller, so
 * compat_ioctl only needs compat_ptr().
 */

#include <linux/fs.h>
#include <linux/perns.h>
#include <linux/time32.h>
#include <linux/uaccess.h>

#include "valarm.h"

/* Commands: the low nibble of the ioctl number; the type is the high one */
enum valarm_cmd {
	VALARM_CLEAR,
	VALARM_WAIT,
	VALARM_SET,
	VALARM_SET_AND_WAIT,
	VALARM_GET_TIME,
	VALARM_SET_RTC,
};

#define VALARM_TS32_SIZE	sizeof(struct old_timespec32)
#define VALARM_TS64_SIZE	sizeof(struct __kernel_timespec)

/* Whether @cmd is one of the Android encodings, for any ABI. */
static bool valarm_cmd_valid(unsigned int cmd)
{
	unsigned int size = _IOC_SIZE(cmd);

	if (_IOC_TYPE(cmd) != 'a')
		return false;
	switch (_IOC_NR(cmd) & 0xf) {
	case VALARM_CLEAR:
	case VALARM_WAIT:
		return _IOC_DIR(cmd) == _IOC_NONE && !size;
	case VALARM_SET:
	case VALARM_SET_AND_WAIT:
	case VALARM_GET_TIME:
	case VALARM_SET_RTC:
		return _IOC_DIR(cmd) == _IOC_WRITE &&
		       (size == VALARM_TS32_SIZE || size == VALARM_TS64_SIZE);
	default:
		return false;
	}
}

static int valarm_get_ts(unsigned int cmd, const void __user *uts,
			 struct timespec64 *ts)
{
	int err;

	if (_IOC_SIZE(cmd) == VALARM_TS32_SIZE)
		err = get_old_timespec32(ts, uts);
	else
		err = get_timespec64(ts, uts);
	if (err)
		return err;
	if (ts->tv_nsec < 0 || ts->tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	return 0;
}

static int valarm_put_ts(unsigned int cmd, const struct timespec64 *ts,
			 void __user *uts)
{
	if (_IOC_SIZE(cmd) == VALARM_TS64_SIZE)
		return put_timespec64(ts, uts);
	if (ts->tv_sec != (s32)ts->tv_sec)
		return -EOVERFLOW;
	return put_old_timespec32(ts, uts);
}

/**
 * valarm_ioctl() - the ioctls of /dev/valarm
 * @file: a file bound to a context
 * @cmd: an Android alarm ioctl or %VALARM_WAKE_GRANT
 * @arg: a pointer to a struct timespec of the caller's ABI, or unused
 *
 * Return: 0; for WAIT and SET_AND_WAIT the positive mask of the events;
 * -ENOTTY for an unknown @cmd, -EINVAL for a type >= 5 or a bad tv_nsec,
 * -EPERM for anything but GET_TIME on a file not open for writing (the
 * node's mode is the policy, as with alarm-dev),
 * -EFAULT, -EBUSY if another file owns the context's alarms, -EOVERFLOW if
 * the time does not fit a 32-bit time_t, or the errors of SET_RTC.
 */
long valarm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct perns_context *pctx = perns_file_context(file);
	struct valarm_ctx *ctx = perns_context_priv(pctx);
	unsigned int type = _IOC_NR(cmd) >> 4;
	unsigned int op = _IOC_NR(cmd) & 0xf;
	void __user *uarg = (void __user *)arg;
	struct timespec64 ts;
	int err;

	if (cmd == VALARM_WAKE_GRANT) {
		if (!(file->f_mode & FMODE_WRITE))
			return -EPERM;
		return valarm_wake_grant(&valarm_perns, uarg);
	}
	if (!valarm_cmd_valid(cmd))
		return -ENOTTY;
	if (type >= ANDROID_ALARM_TYPE_COUNT)
		return -EINVAL;
	if (op != VALARM_GET_TIME && !(file->f_mode & FMODE_WRITE))
		return -EPERM;

	if (op == VALARM_SET || op == VALARM_SET_AND_WAIT ||
	    op == VALARM_SET_RTC) {
		err = valarm_get_ts(cmd, uarg, &ts);
		if (err)
			return err;
	}
	if (op != VALARM_GET_TIME && op != VALARM_SET_RTC) {
		err = valarm_claim(ctx, file);
		if (err)
			return err;
	}

	switch (op) {
	case VALARM_CLEAR:
		valarm_clear(ctx, type);
		return 0;
	case VALARM_SET:
	case VALARM_SET_AND_WAIT:
		valarm_set(ctx, type, valarm_to_expiry(type, &ts),
			   perns_context_is_initial(pctx));
		if (op == VALARM_SET)
			return 0;
		fallthrough;
	case VALARM_WAIT:
		return valarm_wait(ctx);
	case VALARM_GET_TIME:
		valarm_get_time(ctx, type, &ts);
		return valarm_put_ts(cmd, &ts, uarg);
	default:
		return valarm_set_rtc(pctx, &ts);
	}
}
