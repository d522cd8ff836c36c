// SPDX-License-Identifier: GPL-2.0
/*
 * NS_GET_DEVCTX: which context a namespace uses for a perns device, on an
 * nsfs file. An extensible ioctl, as NS_MNT_GET_INFO: the size of
 * struct ns_devctx is in the command number, a larger struct from newer
 * userspace works if its unknown tail is zero, a smaller known version
 * gets what it knows.
 */

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/kdev_t.h>
#include <linux/minmax.h>
#include <linux/setdevns.h>
#include <linux/uaccess.h>
#include <uapi/linux/nsfs.h>

/**
 * ns_ioctl_devctx() - NS_GET_DEVCTX
 * @ns: the namespace of the nsfs file
 * @cmd: the ioctl command, whose size is the caller's struct ns_devctx
 * @uarg: the caller's struct ns_devctx
 *
 * Context: process context.
 * Return: 0; -ENOTTY if @cmd is not a read-write NSIO command; -EINVAL if
 * the struct is smaller than the first version; -E2BIG if it is larger
 * than the kernel's and its tail is not zero; -EFAULT; -ENODEV if the
 * device number is not a registered perns device's; -EINVAL if the device
 * is of another namespace type.
 */
long ns_ioctl_devctx(struct ns_common *ns, unsigned int cmd,
		     void __user *uarg)
{
	size_t usize = _IOC_SIZE(cmd);
	struct perns_devctx info;
	struct ns_devctx kinfo;
	int err;

	if (_IOC_TYPE(cmd) != NSIO || _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;
	if (usize < NS_DEVCTX_SIZE_VER0)
		return -EINVAL;
	err = copy_struct_from_user(&kinfo, sizeof(kinfo), uarg, usize);
	if (err)
		return err;
	if (kinfo.dev_major > MAJOR(~0U) || kinfo.dev_minor > MINOR(~0U))
		return -ENODEV;
	err = perns_ns_devctx(ns, MKDEV(kinfo.dev_major, kinfo.dev_minor),
			      &info);
	if (err)
		return err;
	kinfo.size = min(usize, sizeof(kinfo));
	kinfo.flags = info.private ? NS_DEVCTX_PRIVATE : 0;
	kinfo.ctx_id = info.ctx_id;
	kinfo.owner_ino = info.owner_ino;
	if (copy_to_user(uarg, &kinfo, kinfo.size))
		return -EFAULT;
	return 0;
}
