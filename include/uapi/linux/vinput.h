/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vinput: per-namespace input seats over real input devices.
 *
 * A vinput node (/dev/input/vinputN, one per input device) speaks the evdev
 * ABI of <linux/input.h> unchanged. Each pid namespace uses a seat of the
 * device, shared with the initial pid namespace unless setdevns() gave it
 * another; exactly one seat of a device is the foreground and receives the
 * device's events. The ioctls below, on a vinput file, act on the seat the
 * file was bound to when it was opened.
 *
 * Their type, 0xB9, differs from evdev's 'E', so they cannot collide with
 * any EVIOC* number on the same file.
 */
#ifndef _UAPI_LINUX_VINPUT_H
#define _UAPI_LINUX_VINPUT_H

#include <linux/ioctl.h>

#define VINPUT_IOC_MAGIC	0xB9

/*
 * VINPUT_SET_FOREGROUND: make the file's seat the foreground seat of its
 * input device. The old foreground seat's clients get a release of every
 * key and button held and of every multitouch contact, then SYN_REPORT;
 * the new one's get SYN_DROPPED and SYN_REPORT, and resynchronise with
 * EVIOCGKEY, EVIOCGABS and EVIOCGMTSLOTS.
 * Needs CAP_SYS_ADMIN in the initial user namespace (EPERM otherwise);
 * ENODEV once the input device is gone or the file was revoked.
 */
#define VINPUT_SET_FOREGROUND	_IO(VINPUT_IOC_MAGIC, 0x01)

/*
 * VINPUT_GET_FOREGROUND: stores 1 in the int argument if the file's seat
 * is the foreground seat of its input device, 0 if it is in the
 * background.
 */
#define VINPUT_GET_FOREGROUND	_IOR(VINPUT_IOC_MAGIC, 0x02, int)

#endif /* _UAPI_LINUX_VINPUT_H */
