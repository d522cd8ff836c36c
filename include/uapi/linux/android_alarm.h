/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Android alarm device ABI, as served by /dev/valarm.
 *
 * Byte-compatible with the /dev/alarm interface of Android 1.0 to 4.4
 * (drivers/staging/android/uapi/android_alarm.h, removed in Linux 4.1).
 *
 * The ioctls that take a time use the C library's struct timespec, so the
 * size field of the ioctl number is that of the caller's ABI: 16 bytes for
 * 64-bit programs and for 32-bit programs built with 64-bit time_t, 8 bytes
 * for 32-bit programs with 32-bit time_t. The driver accepts both sizes.
 * Include <time.h> before using them.
 */
#ifndef _UAPI_LINUX_ANDROID_ALARM_H
#define _UAPI_LINUX_ANDROID_ALARM_H

#include <linux/ioctl.h>
#include <linux/types.h>

enum android_alarm_type {
	/* return code bit numbers or set alarm arg */
	ANDROID_ALARM_RTC_WAKEUP,
	ANDROID_ALARM_RTC,
	ANDROID_ALARM_ELAPSED_REALTIME_WAKEUP,
	ANDROID_ALARM_ELAPSED_REALTIME,
	ANDROID_ALARM_SYSTEMTIME,

	ANDROID_ALARM_TYPE_COUNT,

	/* return code bit numbers */
	/* ANDROID_ALARM_TIME_CHANGE = 16 */
};

enum android_alarm_return_flags {
	ANDROID_ALARM_RTC_WAKEUP_MASK = 1U << ANDROID_ALARM_RTC_WAKEUP,
	ANDROID_ALARM_RTC_MASK = 1U << ANDROID_ALARM_RTC,
	ANDROID_ALARM_ELAPSED_REALTIME_WAKEUP_MASK =
				1U << ANDROID_ALARM_ELAPSED_REALTIME_WAKEUP,
	ANDROID_ALARM_ELAPSED_REALTIME_MASK =
				1U << ANDROID_ALARM_ELAPSED_REALTIME,
	ANDROID_ALARM_SYSTEMTIME_MASK = 1U << ANDROID_ALARM_SYSTEMTIME,
	ANDROID_ALARM_TIME_CHANGE_MASK = 1U << 16
};

/* Disable alarm */
#define ANDROID_ALARM_CLEAR(type)           _IO('a', 0 | ((type) << 4))

/* Ack last alarm and wait for next */
#define ANDROID_ALARM_WAIT                  _IO('a', 1)

#define ALARM_IOW(c, type, size)            _IOW('a', (c) | ((type) << 4), size)
/* Set alarm */
#define ANDROID_ALARM_SET(type)             ALARM_IOW(2, type, struct timespec)
#define ANDROID_ALARM_SET_AND_WAIT(type)    ALARM_IOW(3, type, struct timespec)
/* _IOW as in the original, although the kernel writes the time */
#define ANDROID_ALARM_GET_TIME(type)        ALARM_IOW(4, type, struct timespec)
#define ANDROID_ALARM_SET_RTC               _IOW('a', 5, struct timespec)
#define ANDROID_ALARM_BASE_CMD(cmd)         ((cmd) & ~(_IOC(0, 0, 0xf0, 0)))
#define ANDROID_ALARM_IOCTL_TO_TYPE(cmd)    (_IOC_NR(cmd) >> 4)

/**
 * struct valarm_wake_grant - let a user namespace's alarms wake the system
 * @userns_fd: an nsfs file of a user namespace (/proc/PID/ns/user), or a
 *	pidfd of a process in it
 * @allow: 1 to grant, 0 to revoke
 *
 * Not part of the Android ABI: a valarm extension. Wakeup alarms armed in
 * a context that is not the initial user namespace's are armed as the
 * non-wakeup alarm of the same clock unless the context was granted wake
 * permission with %VALARM_WAKE_GRANT, which needs CAP_WAKE_ALARM in the
 * initial user namespace. The grant applies to the context the namespace
 * uses at the time of the call. The ioctl returns the previous setting.
 */
struct valarm_wake_grant {
	__s32 userns_fd;
	__u32 allow;
};

/* nr 0x0e: type nibble 0, command 14, outside the Android encodings */
#define VALARM_WAKE_GRANT   _IOW('a', 0x0e, struct valarm_wake_grant)

#endif /* _UAPI_LINUX_ANDROID_ALARM_H */
