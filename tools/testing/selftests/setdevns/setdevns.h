/* SPDX-License-Identifier: GPL-2.0 */

#ifndef __SETDEVNS_H
#define __SETDEVNS_H

#include <unistd.h>
#include <sys/syscall.h>
#include <asm/unistd.h>
#include <linux/perns.h>

/*
 * 463 in the generic table; alpha numbers its own, and MIPS adds the base
 * of each ABI: 4000 for o32, 6000 for n32, 5000 for n64.
 */
#ifndef __NR_setdevns
#if defined(__alpha__)
#define __NR_setdevns 573
#elif defined(_MIPS_SIM)
#if _MIPS_SIM == _MIPS_SIM_ABI32
#define __NR_setdevns 4463
#endif
#if _MIPS_SIM == _MIPS_SIM_NABI32
#define __NR_setdevns 6463
#endif
#if _MIPS_SIM == _MIPS_SIM_ABI64
#define __NR_setdevns 5463
#endif
#else
#define __NR_setdevns 463
#endif
#endif

static inline int sys_setdevns(int dev_fd, int ns_fd, int nstype,
			       unsigned int flags)
{
	return syscall(__NR_setdevns, dev_fd, ns_fd, nstype, flags);
}

#endif /* __SETDEVNS_H */
