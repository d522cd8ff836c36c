/* SPDX-License-Identifier: GPL-2.0 */

#ifndef __SETDEVNS_H
#define __SETDEVNS_H

#include <unistd.h>
#include <sys/syscall.h>
#include <asm/unistd.h>
#include <linux/nsfs.h>
#include <linux/perns.h>

/*
 * 472 in the generic table, the first number free in mainline (463-471
 * went to setxattrat() and later calls); alpha numbers its own, and MIPS
 * adds the base of each ABI: 4000 for o32, 6000 for n32, 5000 for n64.
 */
#ifndef __NR_setdevns
#if defined(__alpha__)
#define __NR_setdevns 582
#elif defined(_MIPS_SIM)
#if _MIPS_SIM == _MIPS_SIM_ABI32
#define __NR_setdevns 4472
#endif
#if _MIPS_SIM == _MIPS_SIM_NABI32
#define __NR_setdevns 6472
#endif
#if _MIPS_SIM == _MIPS_SIM_ABI64
#define __NR_setdevns 5472
#endif
#else
#define __NR_setdevns 472
#endif
#endif

/* The generic number, which the x86 tables use too. */
#define SETDEVNS_NR_GENERIC	472

static inline int sys_setdevns(int dev_fd, int ns_fd, int nstype,
			       unsigned int flags)
{
	return syscall(__NR_setdevns, dev_fd, ns_fd, nstype, flags);
}

#endif /* __SETDEVNS_H */
