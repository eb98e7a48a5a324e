// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live Update Orchestrator: /dev/liveupdate and the LUO subtree.
 *
 * With liveupdate=on (and kho=on), an agent opens /dev/liveupdate and
 * keeps named sessions of preserved files there. This kernel hands them to
 * the next one in the "LUO" subtree of the KHO root FDT, in the luo-v5
 * format of mainline Linux (include/linux/kho/abi/luo.h); a kernel booted
 * by a handover reads the sessions its predecessor handed over, and its
 * agent retrieves them by name.
 *
 * The records are written when the handover is finalized: by kexec -e, or
 * earlier through KHO's debugfs finalize switch, which can fail and be
 * undone. While finalized, sessions cannot change.
 *
 * A handover whose LUO state is damaged loses its sessions, not the boot:
 * the error is reported, the memory those sessions held stays reserved,
 * and this kernel's own live update works as usual.
 */

#define pr_fmt(fmt) "LUO: " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec.h>
#include <linux/kexec_handover.h>
#include <linux/liveupdate.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/notifier.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "luo_internal.h"

static bool luo_enabled;
static u64 luo_incoming_num;		/* live updates before this boot */
static struct luo_ser *luo_ser_out;

/* File handlers register and unregister under it; lookups read it. */
DECLARE_RWSEM(luo_register_rwlock);

static int __init luo_setup(char *arg)
{
	return kstrtobool(arg, &luo_enabled);
}
early_param("liveupdate", luo_setup);

/**
 * liveupdate_enabled - is the Live Update Orchestrator on?
 *
 * Return: true when the kernel was booted with liveupdate=on and KHO is on.
 */
bool liveupdate_enabled(void)
{
	return luo_enabled;
}
EXPORT_SYMBOL_GPL(liveupdate_enabled);

/*
 * File-lifecycle-bound objects: state that several preserved files of
 * mainline's drivers share. No handler of this kernel uses them, so their
 * array is only freed; what they kept stays reserved, and the files that
 * need them cannot be retrieved here.
 */
static void __init luo_release_flbs(u64 phys)
{
	const struct luo_flb_header_ser *header;
	struct folio *folio;

	folio = PAGE_ALIGNED(phys) ? kho_restore_folio(phys) : NULL;
	if (!folio) {
		pr_err("the FLB array at %#llx is not preserved memory; ignoring it\n",
		       phys);
		return;
	}
	header = folio_address(folio);
	if (header->count)
		pr_warn("%llu file-lifecycle-bound objects are not supported by this kernel; their memory stays reserved\n",
			header->count);
	folio_put(folio);
}

/* The LUO subtree's blob: found, of the right size and version? */
static int __init luo_read_ser(phys_addr_t phys, size_t size, u64 *sessions)
{
	const struct luo_ser *ser;
	struct folio *folio;
	int err = 0;

	if (size < sizeof(*ser)) {
		pr_err("the LUO subtree is %zu bytes, %zu expected; its sessions are lost\n",
		       size, sizeof(*ser));
		return -EINVAL;
	}
	folio = kho_restore_folio(phys);
	if (!folio || offset_in_folio(folio, phys) + sizeof(*ser) > folio_size(folio)) {
		pr_err("the LUO subtree at %#llx is not a preserved page; its sessions are lost\n",
		       (u64)phys);
		if (folio)
			folio_put(folio);
		return -EINVAL;
	}
	ser = phys_to_virt(phys);
	if (strncmp(ser->compatible, LUO_ABI_COMPATIBLE, sizeof(ser->compatible))) {
		pr_err("the LUO subtree is \"%.*s\", this kernel reads \"%s\"; its sessions are lost\n",
		       (int)sizeof(ser->compatible), ser->compatible,
		       LUO_ABI_COMPATIBLE);
		err = -EINVAL;
	} else {
		luo_incoming_num = ser->liveupdate_num;
		*sessions = ser->sessions_pa;
		if (ser->flbs_pa)
			luo_release_flbs(ser->flbs_pa);
	}
	folio_put(folio);
	return err;
}

/* Sessions the previous kernel handed over, ready to be retrieved. */
static void __init luo_take_incoming(void)
{
	u64 sessions_phys = 0;
	phys_addr_t phys;
	size_t size;
	int ret;

	ret = kho_retrieve_subtree(LUO_KHO_ENTRY_NAME, &phys, &size);
	if (ret == -ENOENT)
		return;
	if (!ret)
		ret = luo_read_ser(phys, size, &sessions_phys);
	if (!ret)
		ret = luo_session_read_incoming(sessions_phys);
	if (ret < 0)
		pr_err("no sessions are taken over from the previous kernel (%d)\n",
		       ret);
	else
		pr_info("live update %llu: %d sessions handed over\n",
			luo_incoming_num, ret);
}

/*
 * KHO finalizes the handover at kexec -e (with non-NULL @data: too late
 * to fail, so an error only loses the sessions) or from debugfs, and
 * aborts a debugfs finalize.
 */
static int luo_kho_notifier(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	int err;

	switch (action) {
	case KHO_FINALIZE:
		err = luo_session_freeze(&luo_ser_out->sessions_pa, !!data);
		/* At kexec -e, the clients after this one must be asked too. */
		return data ? NOTIFY_OK : notifier_from_errno(err);
	case KHO_ABORT:
		luo_session_unfreeze();
		luo_ser_out->sessions_pa = 0;
		return NOTIFY_DONE;
	}
	return NOTIFY_DONE;
}

static struct notifier_block luo_kho_nb = {
	.notifier_call = luo_kho_notifier,
};

/* The LUO subtree of this kernel's handover. */
static int __init luo_set_up_outgoing(void)
{
	int err;

	luo_ser_out = kho_alloc_preserve(sizeof(*luo_ser_out));
	if (IS_ERR(luo_ser_out)) {
		err = PTR_ERR(luo_ser_out);
		luo_ser_out = NULL;
		return err;
	}
	strscpy(luo_ser_out->compatible, LUO_ABI_COMPATIBLE,
		sizeof(luo_ser_out->compatible));
	luo_ser_out->liveupdate_num = luo_incoming_num + 1;
	err = kho_add_subtree(LUO_KHO_ENTRY_NAME, luo_ser_out,
			      sizeof(*luo_ser_out));
	if (err)
		goto free;
	err = kho_register_notifier(&luo_kho_nb);
	if (!err)
		return 0;
	kho_remove_subtree(luo_ser_out);
free:
	kho_unpreserve_free(luo_ser_out);
	luo_ser_out = NULL;
	return err;
}

/**
 * luo_ucmd_respond - copy an ioctl's results back to the caller
 * @ucmd:        the call
 * @kernel_size: size of the kernel's argument structure
 *
 * A caller with a smaller structure gets what fits in it.
 *
 * Return: 0, or -EFAULT.
 */
int luo_ucmd_respond(struct luo_ucmd *ucmd, size_t kernel_size)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min_t(size_t, ucmd->user_size, kernel_size)))
		return -EFAULT;
	return 0;
}

/**
 * luo_ucmd_install - answer an ioctl that hands the caller a new descriptor
 * @ucmd: the call, whose structure holds @fd
 * @size: size of the kernel's argument structure
 * @fd:   the descriptor reserved for @file
 * @file: the file, or NULL when getting it failed with @err
 * @err:  0, or why there is no file
 *
 * The descriptor appears only once the answer reached the caller;
 * otherwise it is given back and the file put.
 *
 * Return: 0, @err, or -EFAULT.
 */
int luo_ucmd_install(struct luo_ucmd *ucmd, size_t size, int fd,
		     struct file *file, int err)
{
	if (!err)
		err = luo_ucmd_respond(ucmd, size);
	if (err) {
		if (file)
			fput(file);
		put_unused_fd(fd);
		return err;
	}
	fd_install(fd, file);
	return 0;
}

/*
 * CREATE_SESSION and RETRIEVE_SESSION have the same shape: a name in, a
 * new descriptor out, which only appears once the answer reached the
 * caller.
 */
static int luo_ioctl_open_session(struct luo_ucmd *ucmd,
				  int (*get)(const char *name,
					     struct file **filep))
{
	struct liveupdate_ioctl_create_session *argp = ucmd->cmd;
	struct file *file;
	int err;

	argp->fd = get_unused_fd_flags(O_CLOEXEC);
	if (argp->fd < 0)
		return argp->fd;
	err = get((const char *)argp->name, &file);
	return luo_ucmd_install(ucmd, sizeof(*argp), argp->fd, err ? NULL : file,
				err);
}

static int luo_ioctl_create_session(struct luo_ucmd *ucmd)
{
	return luo_ioctl_open_session(ucmd, luo_session_create);
}

static int luo_ioctl_retrieve_session(struct luo_ucmd *ucmd)
{
	return luo_ioctl_open_session(ucmd, luo_session_retrieve);
}

static_assert(sizeof(struct liveupdate_ioctl_create_session) ==
	      sizeof(struct liveupdate_ioctl_retrieve_session));

/*
 * One ioctl of /dev/liveupdate: its structure's size and the size up to
 * its last field the command needs, which an older caller's structure
 * must reach.
 */
struct luo_ioctl_op {
	unsigned int cmd;
	unsigned int size;
	unsigned int min_size;
	int (*execute)(struct luo_ucmd *ucmd);
};

static const struct luo_ioctl_op luo_ioctl_ops[] = {
	[LIVEUPDATE_CMD_CREATE_SESSION - LIVEUPDATE_CMD_BASE] = {
		.cmd = LIVEUPDATE_IOCTL_CREATE_SESSION,
		.size = sizeof(struct liveupdate_ioctl_create_session),
		.min_size = offsetofend(struct liveupdate_ioctl_create_session, name),
		.execute = luo_ioctl_create_session,
	},
	[LIVEUPDATE_CMD_RETRIEVE_SESSION - LIVEUPDATE_CMD_BASE] = {
		.cmd = LIVEUPDATE_IOCTL_RETRIEVE_SESSION,
		.size = sizeof(struct liveupdate_ioctl_retrieve_session),
		.min_size = offsetofend(struct liveupdate_ioctl_retrieve_session, name),
		.execute = luo_ioctl_retrieve_session,
	},
};

static long luo_ioctl(struct file *filep, unsigned int cmd, unsigned long arg)
{
	struct liveupdate_ioctl_create_session buf;
	unsigned int nr = _IOC_NR(cmd) - LIVEUPDATE_CMD_BASE;
	struct luo_ucmd ucmd = { .ubuffer = (void __user *)arg, .cmd = &buf };
	const struct luo_ioctl_op *op;
	int err;

	if (nr >= ARRAY_SIZE(luo_ioctl_ops))
		return -EINVAL;
	op = &luo_ioctl_ops[nr];
	err = get_user(ucmd.user_size, (u32 __user *)ucmd.ubuffer);
	if (err)
		return err;
	if (op->cmd != cmd)
		return -ENOIOCTLCMD;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	err = copy_struct_from_user(&buf, op->size, ucmd.ubuffer,
				    ucmd.user_size);
	if (err)
		return err;
	return op->execute(&ucmd);
}

/* One agent at a time, as on mainline: a second opener gets -EBUSY. */
static atomic_t luo_dev_in_use = ATOMIC_INIT(0);

static int luo_open(struct inode *inode, struct file *filep)
{
	if (atomic_cmpxchg(&luo_dev_in_use, 0, 1))
		return -EBUSY;
	return 0;
}

static int luo_release(struct inode *inode, struct file *filep)
{
	atomic_set(&luo_dev_in_use, 0);
	return 0;
}

static const struct file_operations luo_fops = {
	.owner		= THIS_MODULE,
	.open		= luo_open,
	.release	= luo_release,
	.unlocked_ioctl	= luo_ioctl,
};

static struct miscdevice luo_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "liveupdate",
	.fops	= &luo_fops,
};

static int __init luo_init(void)
{
	int err;

	if (!luo_enabled)
		return 0;
	if (!kho_is_enabled()) {
		pr_warn("liveupdate=on needs kho=on: live update is off\n");
		luo_enabled = false;
		return 0;
	}
	luo_take_incoming();
	/* The device first: without it no agent can reach the sessions. */
	err = misc_register(&luo_miscdev);
	if (!err) {
		err = luo_set_up_outgoing();
		if (err)
			misc_deregister(&luo_miscdev);
	}
	if (err) {
		pr_err("live update is off: cannot set up the handover (%d)\n",
		       err);
		luo_enabled = false;
		return 0;
	}
	pr_info("live update %llu is prepared: /dev/liveupdate is ready\n",
		luo_incoming_num + 1);
	return 0;
}
late_initcall(luo_init);
