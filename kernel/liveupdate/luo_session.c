// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live Update Orchestrator: sessions.
 *
 * A session is a named set of preserved files with a file descriptor of
 * its own. Outgoing sessions are created by this kernel's agent and handed
 * over at kexec; incoming ones were handed over by the previous kernel and
 * wait for the agent to retrieve them by name.
 *
 * Closing an outgoing session drops it and unpreserves its files. Closing
 * a retrieved incoming session finishes it: files the agent did not
 * retrieve are released. Incoming sessions nobody retrieves keep their
 * memory reserved for the whole uptime, and are not handed on.
 *
 * luo_state_rwsem orders everything against the handover's finalize:
 * calls that change sessions hold it for reading and fail with -EBUSY
 * while the handover is finalized; freezing holds it for writing.
 */

#define pr_fmt(fmt) "LUO: " fmt

#include <linux/anon_inodes.h>
#include <linux/cleanup.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/liveupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "luo_internal.h"

static DECLARE_RWSEM(luo_state_rwsem);
static bool luo_frozen;			/* records written, sessions fixed */

static LIST_HEAD(luo_outgoing);
static u64 luo_outgoing_count;
static struct kho_block_set luo_outgoing_blocks;
static LIST_HEAD(luo_incoming);
static DEFINE_MUTEX(luo_incoming_lock);

static struct luo_session *luo_session_alloc(const char *name)
{
	struct luo_session *session;

	session = kzalloc(sizeof(*session), GFP_KERNEL);
	if (!session)
		return NULL;
	strscpy(session->name, name, sizeof(session->name));
	luo_file_set_init(&session->file_set);
	INIT_LIST_HEAD(&session->list);
	mutex_init(&session->mutex);
	return session;
}

static void luo_session_free(struct luo_session *session)
{
	mutex_destroy(&session->mutex);
	kfree(session);
}

static struct luo_session *luo_session_find(struct list_head *list,
					    const char *name)
{
	struct luo_session *session;

	list_for_each_entry(session, list, list)
		if (!strncmp(session->name, name, sizeof(session->name)))
			return session;
	return NULL;
}

/* Drop an outgoing session: its files are no longer preserved. */
static void luo_session_drop(struct luo_session *session)
{
	scoped_guard(mutex, &session->mutex)
		luo_file_unpreserve_files(&session->file_set);
	list_del(&session->list);
	luo_outgoing_count--;
	kho_block_set_shrink(&luo_outgoing_blocks, luo_outgoing_count);
	luo_session_free(session);
}

static int luo_session_release(struct inode *inode, struct file *filep)
{
	struct luo_session *session = filep->private_data;
	int err;

	if (!session->retrieved) {
		guard(rwsem_write)(&luo_state_rwsem);
		/* Its record is written: it goes, unless the handover is undone. */
		if (luo_frozen)
			session->closed = true;
		else
			luo_session_drop(session);
		return 0;
	}
	scoped_guard(mutex, &session->mutex)
		err = luo_file_finish(&session->file_set);
	guard(mutex)(&luo_incoming_lock);
	if (err) {
		/* The agent may retrieve it again and finish it later. */
		pr_warn("session %s: closed before its files could be finished (%d); it can be retrieved again\n",
			session->name, err);
		session->retrieved = false;
		return 0;
	}
	list_del(&session->list);
	luo_session_free(session);
	return 0;
}

static int luo_session_preserve_fd(struct luo_session *session,
				   struct luo_ucmd *ucmd)
{
	struct liveupdate_session_preserve_fd *argp = ucmd->cmd;
	int err;

	guard(rwsem_read)(&luo_state_rwsem);
	if (luo_frozen)
		return -EBUSY;
	guard(mutex)(&session->mutex);
	err = luo_preserve_file(&session->file_set, argp->token, argp->fd);
	if (err)
		return err;
	err = luo_ucmd_respond(ucmd, sizeof(*argp));
	if (err)
		pr_warn("session %s: token %#llx is preserved, but the answer did not reach the caller\n",
			session->name, argp->token);
	return err;
}

static int luo_session_retrieve_fd(struct luo_session *session,
				   struct luo_ucmd *ucmd)
{
	struct liveupdate_session_retrieve_fd *argp = ucmd->cmd;
	struct file *file;
	int err;

	argp->fd = get_unused_fd_flags(O_CLOEXEC);
	if (argp->fd < 0)
		return argp->fd;
	scoped_guard(mutex, &session->mutex)
		err = luo_retrieve_file(&session->file_set, argp->token, &file);
	return luo_ucmd_install(ucmd, sizeof(*argp), argp->fd, err ? NULL : file,
				err);
}

static int luo_session_finish(struct luo_session *session,
			      struct luo_ucmd *ucmd)
{
	struct liveupdate_session_finish *argp = ucmd->cmd;
	int err;

	if (argp->reserved)
		return -EINVAL;
	scoped_guard(mutex, &session->mutex)
		err = luo_file_finish(&session->file_set);
	if (err)
		return err;
	return luo_ucmd_respond(ucmd, sizeof(*argp));
}

static int luo_session_get_name(struct luo_session *session,
				struct luo_ucmd *ucmd)
{
	struct liveupdate_session_get_name *argp = ucmd->cmd;

	if (argp->reserved)
		return -EINVAL;
	strscpy((char *)argp->name, session->name, sizeof(argp->name));
	return luo_ucmd_respond(ucmd, sizeof(*argp));
}

/* Which sessions a command is for. */
enum luo_session_kind {
	LUO_SESSION_OUTGOING,
	LUO_SESSION_INCOMING,
	LUO_SESSION_ANY,
};

struct luo_session_op {
	unsigned int cmd;
	unsigned int size;
	unsigned int min_size;
	enum luo_session_kind kind;
	int (*execute)(struct luo_session *session, struct luo_ucmd *ucmd);
};

#define LUO_SESSION_OP(_nr, _cmd, _struct, _last, _kind, _fn)		\
	[(_nr) - LIVEUPDATE_CMD_SESSION_BASE] = {			\
		.cmd = _cmd,						\
		.size = sizeof(_struct),				\
		.min_size = offsetofend(_struct, _last),		\
		.kind = _kind,						\
		.execute = _fn,						\
	}

static const struct luo_session_op luo_session_ops[] = {
	LUO_SESSION_OP(LIVEUPDATE_CMD_SESSION_PRESERVE_FD,
		       LIVEUPDATE_SESSION_PRESERVE_FD,
		       struct liveupdate_session_preserve_fd, token,
		       LUO_SESSION_OUTGOING, luo_session_preserve_fd),
	LUO_SESSION_OP(LIVEUPDATE_CMD_SESSION_RETRIEVE_FD,
		       LIVEUPDATE_SESSION_RETRIEVE_FD,
		       struct liveupdate_session_retrieve_fd, token,
		       LUO_SESSION_INCOMING, luo_session_retrieve_fd),
	LUO_SESSION_OP(LIVEUPDATE_CMD_SESSION_FINISH,
		       LIVEUPDATE_SESSION_FINISH,
		       struct liveupdate_session_finish, reserved,
		       LUO_SESSION_INCOMING, luo_session_finish),
	LUO_SESSION_OP(LIVEUPDATE_CMD_SESSION_GET_NAME,
		       LIVEUPDATE_SESSION_GET_NAME,
		       struct liveupdate_session_get_name, name,
		       LUO_SESSION_ANY, luo_session_get_name),
};

/* Large enough for every command's structure. */
union luo_session_buf {
	struct liveupdate_session_preserve_fd preserve;
	struct liveupdate_session_retrieve_fd retrieve;
	struct liveupdate_session_finish finish;
	struct liveupdate_session_get_name get_name;
};

static bool luo_session_op_applies(const struct luo_session_op *op,
				   const struct luo_session *session)
{
	switch (op->kind) {
	case LUO_SESSION_OUTGOING:
		return !session->retrieved;
	case LUO_SESSION_INCOMING:
		return session->retrieved;
	default:
		return true;
	}
}

static long luo_session_ioctl(struct file *filep, unsigned int cmd,
			      unsigned long arg)
{
	struct luo_session *session = filep->private_data;
	unsigned int nr = _IOC_NR(cmd);
	union luo_session_buf buf;
	struct luo_ucmd ucmd = { .ubuffer = (void __user *)arg, .cmd = &buf };
	const struct luo_session_op *op;
	int err;

	if (nr < LIVEUPDATE_CMD_SESSION_BASE ||
	    nr - LIVEUPDATE_CMD_SESSION_BASE >= ARRAY_SIZE(luo_session_ops))
		return -EINVAL;
	op = &luo_session_ops[nr - LIVEUPDATE_CMD_SESSION_BASE];
	err = get_user(ucmd.user_size, (u32 __user *)ucmd.ubuffer);
	if (err)
		return err;
	if (op->cmd != cmd)
		return -ENOIOCTLCMD;
	if (!luo_session_op_applies(op, session) ||
	    ucmd.user_size < op->min_size)
		return -EINVAL;
	err = copy_struct_from_user(&buf, op->size, ucmd.ubuffer,
				    ucmd.user_size);
	if (err)
		return err;
	return op->execute(session, &ucmd);
}

static const struct file_operations luo_session_fops = {
	.owner		= THIS_MODULE,
	.release	= luo_session_release,
	.unlocked_ioctl	= luo_session_ioctl,
};

static struct file *luo_session_file(struct luo_session *session)
{
	char name[LIVEUPDATE_SESSION_NAME_LENGTH + 16];

	snprintf(name, sizeof(name), "[luo_session] %s", session->name);
	return anon_inode_getfile(name, &luo_session_fops, session, O_RDWR);
}

/**
 * luo_session_create - a new outgoing session
 * @name:  its name, from the caller's LIVEUPDATE_SESSION_NAME_LENGTH bytes
 * @filep: set to the session's file
 *
 * Return: 0; -EINVAL for an empty or unterminated name; -EEXIST when an
 * outgoing session has the name; -EBUSY while the handover is finalized;
 * -ENOMEM.
 */
int luo_session_create(const char *name, struct file **filep)
{
	size_t len = strnlen(name, LIVEUPDATE_SESSION_NAME_LENGTH);
	struct luo_session *session;
	struct file *file;
	int err;

	if (!len || len == LIVEUPDATE_SESSION_NAME_LENGTH)
		return -EINVAL;
	session = luo_session_alloc(name);
	if (!session)
		return -ENOMEM;
	guard(rwsem_write)(&luo_state_rwsem);
	if (luo_frozen)
		err = -EBUSY;
	else if (luo_session_find(&luo_outgoing, name))
		err = -EEXIST;
	else
		err = kho_block_set_grow(&luo_outgoing_blocks,
					 luo_outgoing_count + 1);
	if (err)
		goto free;
	file = luo_session_file(session);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		kho_block_set_shrink(&luo_outgoing_blocks, luo_outgoing_count);
		goto free;
	}
	list_add_tail(&session->list, &luo_outgoing);
	luo_outgoing_count++;
	*filep = file;
	return 0;
free:
	luo_session_free(session);
	return err;
}

/**
 * luo_session_retrieve - take an incoming session
 * @name:  the name the previous kernel's agent gave it
 * @filep: set to the session's file
 *
 * Return: 0; -ENOENT when no incoming session has the name (or it was
 * finished); -EINVAL when it is retrieved already; -ENOMEM.
 */
int luo_session_retrieve(const char *name, struct file **filep)
{
	struct luo_session *session;
	struct file *file;

	guard(mutex)(&luo_incoming_lock);
	session = luo_session_find(&luo_incoming, name);
	if (!session)
		return -ENOENT;
	if (session->retrieved)
		return -EINVAL;
	file = luo_session_file(session);
	if (IS_ERR(file))
		return PTR_ERR(file);
	session->retrieved = true;
	*filep = file;
	return 0;
}

/* Undo the freeze of the sessions before @failed (all when NULL). */
static void luo_session_thaw(struct luo_session *failed)
{
	struct luo_session *session, *next;

	list_for_each_entry_safe(session, next, &luo_outgoing, list) {
		if (session == failed)
			break;
		scoped_guard(mutex, &session->mutex)
			luo_file_unfreeze(&session->file_set);
		if (session->closed)
			luo_session_drop(session);
	}
}

/*
 * Freeze one session's files into its record. At kexec -e, which cannot
 * be stopped, a session that fails is left out of the handover and the
 * others go on; otherwise the first failure undoes the whole freeze.
 */
static int luo_session_freeze_one(struct luo_session *session,
				  struct kho_block_writer *w, bool at_kexec)
{
	struct luo_session_ser *ser = kho_block_writer_next(w);
	int err;

	if (WARN_ON_ONCE(!ser))
		return -ENOSPC;
	strscpy(ser->name, session->name, sizeof(ser->name));
	scoped_guard(mutex, &session->mutex)
		err = luo_file_freeze(&session->file_set, &ser->file_set_ser);
	if (!err)
		return 0;
	kho_block_writer_drop(w);
	if (!at_kexec) {
		pr_err("session %s: cannot freeze its files (%d)\n",
		       session->name, err);
		return err;
	}
	pr_err("session %s: cannot freeze its files (%d); it is not handed over\n",
	       session->name, err);
	return 0;
}

/**
 * luo_session_freeze - write the outgoing sessions' records
 * @sessions_phys: set to the first block of the session records, 0 when
 *                 there are none
 * @at_kexec:      kexec -e is under way and cannot fail
 *
 * Freezes every preserved file; sessions cannot change until
 * luo_session_unfreeze().
 *
 * Return: 0, or the error of the file that could not be frozen (nothing
 * stays frozen then).
 */
int luo_session_freeze(u64 *sessions_phys, bool at_kexec)
{
	struct luo_session *session;
	struct kho_block_writer w;
	int err = 0;

	guard(rwsem_write)(&luo_state_rwsem);
	if (luo_frozen)
		return 0;
	kho_block_writer_init(&w, &luo_outgoing_blocks);
	list_for_each_entry(session, &luo_outgoing, list) {
		err = luo_session_freeze_one(session, &w, at_kexec);
		if (err)
			break;
	}
	if (err) {
		luo_session_thaw(session);
		return err;
	}
	*sessions_phys = kho_block_writer_end(&w);
	luo_frozen = true;
	return 0;
}

/**
 * luo_session_unfreeze - the handover was undone: sessions may change again
 *
 * Sessions closed while the handover was finalized are dropped now.
 */
void luo_session_unfreeze(void)
{
	guard(rwsem_write)(&luo_state_rwsem);
	if (!luo_frozen)
		return;
	luo_session_thaw(NULL);
	luo_frozen = false;
}

/*
 * One session record of the previous kernel. A record that cannot be used
 * costs only its own session: the read goes on.
 */
static int __init luo_session_read_one(const void *record, void *arg)
{
	const struct luo_session_ser *ser = record;
	struct luo_session *session;
	int err;

	if (!strnlen(ser->name, sizeof(ser->name)) ||
	    strnlen(ser->name, sizeof(ser->name)) == sizeof(ser->name)) {
		pr_err("a session record has no valid name; dropping it\n");
		return 0;
	}
	if (luo_session_find(&luo_incoming, ser->name)) {
		pr_err("session %s: handed over twice; dropping the second\n",
		       ser->name);
		return 0;
	}
	session = luo_session_alloc(ser->name);
	if (!session)
		return -ENOMEM;
	err = luo_file_read_incoming(&session->file_set, &ser->file_set_ser);
	if (err) {
		pr_err("session %s: its files cannot be taken over (%d); dropping it\n",
		       session->name, err);
		luo_session_free(session);
		return 0;
	}
	list_add_tail(&session->list, &luo_incoming);
	(*(unsigned int *)arg)++;
	return 0;
}

/**
 * luo_session_read_incoming - take the sessions the previous kernel handed over
 * @sessions_phys: the first block of their records, 0 for none
 *
 * When the chain of records is damaged, the sessions read before the
 * damage are kept.
 *
 * Return: the number of sessions taken over, or a negative errno when the
 * chain is damaged before any could be.
 */
int __init luo_session_read_incoming(u64 sessions_phys)
{
	unsigned int sessions = 0;
	int ret;

	ret = kho_block_chain_read(sessions_phys, sizeof(struct luo_session_ser),
				   INT_MAX, luo_session_read_one, &sessions);
	if (ret < 0 && sessions)
		pr_err("the session list is damaged: the %u sessions before the damage are kept\n",
		       sessions);
	if (ret < 0 && !sessions)
		return ret;
	return sessions;
}

static int __init luo_session_init(void)
{
	kho_block_set_init(&luo_outgoing_blocks, sizeof(struct luo_session_ser));
	return 0;
}
core_initcall(luo_session_init);
