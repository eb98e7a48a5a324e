/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Live Update Orchestrator: what its parts share.
 */
#ifndef _KERNEL_LIVEUPDATE_LUO_INTERNAL_H
#define _KERNEL_LIVEUPDATE_LUO_INTERNAL_H

#include <linux/kho/abi/luo.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/types.h>

#include "kho_block.h"

struct file;

/**
 * struct luo_ucmd - one ioctl call
 * @ubuffer:   the caller's argument structure
 * @user_size: its size, as its first field says
 * @cmd:       the kernel's copy, as large as the kernel's structure
 */
struct luo_ucmd {
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
};

int luo_ucmd_respond(struct luo_ucmd *ucmd, size_t kernel_size);
int luo_ucmd_install(struct luo_ucmd *ucmd, size_t size, int fd,
		     struct file *file, int err);

/**
 * struct luo_file_set - the files of one session
 * @files:  struct luo_file, in the order they were preserved
 * @count:  how many
 * @blocks: outgoing sessions: room for their records in the handover
 */
struct luo_file_set {
	struct list_head files;
	u64 count;
	struct kho_block_set blocks;
};

/**
 * struct luo_session - a named set of preserved files
 * @name:      its name, NUL-terminated
 * @file_set:  its files
 * @list:      in the outgoing or the incoming list
 * @mutex:     serialises the calls on this session
 * @retrieved: an incoming session the agent has retrieved
 * @closed:    an outgoing session closed while the handover was
 *             finalized: dropped if the handover is undone
 */
struct luo_session {
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	struct luo_file_set file_set;
	struct list_head list;
	struct mutex mutex;		/* serialises calls on this session */
	bool retrieved;
	bool closed;
};

extern struct rw_semaphore luo_register_rwlock;

/* luo_session.c */
int luo_session_create(const char *name, struct file **filep);
int luo_session_retrieve(const char *name, struct file **filep);
int luo_session_freeze(u64 *sessions_phys, bool at_kexec);
void luo_session_unfreeze(void);
int luo_session_read_incoming(u64 sessions_phys);

/* luo_file.c */
void luo_file_set_init(struct luo_file_set *file_set);
int luo_preserve_file(struct luo_file_set *file_set, u64 token, int fd);
void luo_file_unpreserve_files(struct luo_file_set *file_set);
int luo_file_freeze(struct luo_file_set *file_set,
		    struct luo_file_set_ser *ser);
void luo_file_unfreeze(struct luo_file_set *file_set);
int luo_retrieve_file(struct luo_file_set *file_set, u64 token,
		      struct file **filep);
int luo_file_finish(struct luo_file_set *file_set);
int luo_file_read_incoming(struct luo_file_set *file_set,
			   const struct luo_file_set_ser *ser);

#endif /* _KERNEL_LIVEUPDATE_LUO_INTERNAL_H */
