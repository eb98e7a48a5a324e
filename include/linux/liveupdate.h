/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Live Update Orchestrator: the interface for file handlers.
 *
 * A file handler knows how to preserve one kind of file (memfd, say)
 * across kexec. It registers with a compatible string, which names its
 * record format in the handover; the next kernel finds the same handler by
 * that string. The orchestrator calls the handler's operations as the
 * agent preserves, retrieves and finishes files of its sessions, and at
 * kexec.
 */
#ifndef _LINUX_LIVEUPDATE_H
#define _LINUX_LIVEUPDATE_H

#include <linux/kho/abi/luo.h>
#include <linux/list.h>
#include <linux/types.h>
#include <uapi/linux/liveupdate.h>

struct file;
struct module;
struct liveupdate_file_handler;

/**
 * struct liveupdate_file_op_args - what a file handler operation works on
 * @handler:         the handler called
 * @retrieve_status: for can_finish() and finish(): 0 if the file was never
 *                   retrieved, positive if it was, a negative errno if its
 *                   retrieval failed
 * @file:            the file; retrieve() sets it to the file it rebuilt
 * @serialized_data: the handler's handle for its record: preserve() and
 *                   freeze() set it, the other operations read it (in the
 *                   next kernel, the value freeze() left)
 * @private_data:    the handler's own state between preserve() and the
 *                   end of the file's life in this kernel
 */
struct liveupdate_file_op_args {
	struct liveupdate_file_handler *handler;
	int retrieve_status;
	struct file *file;
	u64 serialized_data;
	void *private_data;
};

/**
 * struct liveupdate_file_ops - operations of a file handler
 * @can_preserve: is @file of this handler's kind? Required.
 * @preserve:     preserve args->file: keep its memory for the next kernel
 *                and set args->serialized_data. Required.
 * @unpreserve:   undo preserve(), when the agent closes the session before
 *                kexec. Required.
 * @freeze:       at kexec: record what changed since preserve(); may fail,
 *                which cancels the kexec. Optional.
 * @unfreeze:     undo freeze() after a cancelled kexec. Optional.
 * @retrieve:     in the next kernel, rebuild the file from
 *                args->serialized_data and set args->file. Required.
 * @can_finish:   may the session finish now? Optional.
 * @finish:       the session is finished: release what was not retrieved
 *                and the record. Required.
 * @get_id:       an identity of the file that tells whether it is
 *                preserved already (default: the struct file). Optional.
 * @owner:        the module that provides the handler
 */
struct liveupdate_file_ops {
	bool (*can_preserve)(struct liveupdate_file_handler *handler,
			     struct file *file);
	int (*preserve)(struct liveupdate_file_op_args *args);
	void (*unpreserve)(struct liveupdate_file_op_args *args);
	int (*freeze)(struct liveupdate_file_op_args *args);
	void (*unfreeze)(struct liveupdate_file_op_args *args);
	int (*retrieve)(struct liveupdate_file_op_args *args);
	bool (*can_finish)(struct liveupdate_file_op_args *args);
	void (*finish)(struct liveupdate_file_op_args *args);
	unsigned long (*get_id)(struct file *file);
	struct module *owner;
};

/**
 * struct liveupdate_file_handler - a kind of file that can be preserved
 * @ops:        its operations
 * @compatible: names its record format; at most
 *              LIVEUPDATE_HNDL_COMPAT_LENGTH - 1 characters
 * @list:       private: the orchestrator's list of handlers
 */
struct liveupdate_file_handler {
	const struct liveupdate_file_ops *ops;
	const char compatible[LIVEUPDATE_HNDL_COMPAT_LENGTH];
	struct list_head list;
};

#ifdef CONFIG_LIVEUPDATE
bool liveupdate_enabled(void);
int liveupdate_register_file_handler(struct liveupdate_file_handler *fh);
void liveupdate_unregister_file_handler(struct liveupdate_file_handler *fh);
#else
static inline bool liveupdate_enabled(void)
{
	return false;
}

static inline int
liveupdate_register_file_handler(struct liveupdate_file_handler *fh)
{
	return -EOPNOTSUPP;
}

static inline void
liveupdate_unregister_file_handler(struct liveupdate_file_handler *fh)
{
}
#endif /* CONFIG_LIVEUPDATE */

#endif /* _LINUX_LIVEUPDATE_H */
