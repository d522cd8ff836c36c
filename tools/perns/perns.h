/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by setdevns, lsdevns and perns-oci-hook: the setdevns() system
 * call, NS_GET_DEVCTX, /proc/perns/devices, namespace types, and a tiny
 * JSON reader and writer.
 */
#ifndef PERNS_TOOLS_H
#define PERNS_TOOLS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <linux/types.h>
#include <linux/nsfs.h>

#define PERNS_TOOLS_VERSION	"6.12-perns"

/*
 * The tools build against the C library's kernel headers too: what the
 * perns series adds to the uapi is repeated here when they lack it.
 */
#if defined(__has_include)
#if __has_include("linux/perns.h")
#include <linux/perns.h>
#endif
#endif
#ifndef SETDEVNS_SHARE
#define SETDEVNS_SHARE		0x1
#define SETDEVNS_UNSHARE	0x2
#define SETDEVNS_MIGRATE	0x4
#endif

#ifndef NS_GET_DEVCTX
struct ns_devctx {
	__u32 size;
	__u32 flags;
	__u32 dev_major;
	__u32 dev_minor;
	__u64 ctx_id;
	__u64 owner_ino;
};

#define NS_DEVCTX_PRIVATE	0x1
#define NS_GET_DEVCTX		_IOWR(NSIO, 0x40, struct ns_devctx)
#endif
#ifndef NS_DEVCTX_SIZE_VER1
#define NS_DEVCTX_SIZE_VER0	24
#define NS_DEVCTX_SIZE_VER1	32
#endif

#ifndef __NR_setdevns
#if defined(__alpha__)
#define __NR_setdevns 582
#else
#define __NR_setdevns 472
#endif
#endif

#define PERNS_DEVICES	"/proc/perns/devices"

/* A namespace type: its name, CLONE_NEW* flag and the option letter. */
struct perns_nstype {
	const char *name;
	int flag;
};

extern const struct perns_nstype perns_nstypes[];
#define PERNS_NR_TYPES	8

const struct perns_nstype *perns_type_by_name(const char *name);

/* One line of /proc/perns/devices. */
struct perns_dev {
	const struct perns_nstype *type;
	unsigned int major, minor, count;
	bool private_default;
	char name[64];
};

/*
 * Reads /proc/perns/devices into a new array (*devs, freed by the caller).
 * Returns the number of devices, or -1 with errno set.
 */
int perns_read_devices(struct perns_dev **devs);

/* The device of @devs that @rdev is a minor of, or NULL. */
const struct perns_dev *perns_find_device(const struct perns_dev *devs, int n,
					  dev_t rdev);

int sys_setdevns(int dev_fd, int ns_fd, int nstype, unsigned int flags);

/* NS_GET_DEVCTX on the namespace file @ns_fd; 0 or -1 with errno. */
int perns_get_devctx(int ns_fd, unsigned int major, unsigned int minor,
		     struct ns_devctx *info);

/*
 * Opens @path with @flags | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY from inside
 * the @type namespace of process @pid: a child process, not dumpable,
 * joins it with setns() and passes the file back. If @rdev is not 0, the
 * file must be the character device @rdev (else ENODEV). Returns the file
 * descriptor, or -1 with errno set to the error of opening the namespace,
 * joining it or opening @path; *@step says which (0 the namespace, 1
 * setns(), 2 the open), or 3 with ECHILD if the child died or failed
 * without an answer.
 */
int perns_open_in_ns(pid_t pid, const struct perns_nstype *type,
		     const char *path, int flags, dev_t rdev, int *step);

/* The length of the valid UTF-8 sequence at @p (Unicode Table 3-7), or 0. */
size_t perns_utf8_len(const unsigned char *p);

/*
 * Copies @s into @buf of @len bytes for a terminal or a log: control
 * characters (C0, DEL, C1), backslashes and bytes that are not valid UTF-8
 * become \xHH. Truncates at a whole character. Returns @buf.
 */
char *perns_escape(const char *s, char *buf, size_t len);

/* Parses a non-negative decimal integer that fits an int; -1 if invalid. */
int perns_parse_int(const char *s);

/* ---- JSON ---- */

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING,
		 JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	char *key;		/* member name, in an object */
	char *str;		/* JSON_STRING */
	double num;		/* JSON_NUMBER */
	bool boolean;		/* JSON_BOOL */
	struct json *child;	/* JSON_ARRAY, JSON_OBJECT: first element */
	struct json *next;	/* next element of the parent */
};

/*
 * Parses the NUL-terminated @text. Returns the value, or NULL with a
 * message in @err (of @errlen bytes).
 */
struct json *json_parse(const char *text, char *err, size_t errlen);
void json_free(struct json *v);
/* The member @key of the object @obj, or NULL. */
struct json *json_get(const struct json *obj, const char *key);

/* Writes @s as a JSON string, with its quotes. */
void json_print_string(FILE *f, const char *s);

#endif /* PERNS_TOOLS_H */
