/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Live Update Orchestrator: the userspace interface.
 *
 * An agent opens /dev/liveupdate (one opener at a time) and creates named
 * sessions there; each session is a file descriptor of its own, into which
 * the agent preserves file descriptors under tokens of its choosing. After
 * kexec, the agent of the next kernel retrieves each session by name and
 * each file by token, then finishes the session.
 *
 * Every argument structure starts with its own size in bytes, so that the
 * structures can grow: the kernel takes what it knows of a larger structure
 * (the rest must be zero) and zero-fills a smaller one, down to the end of
 * the last field a command needs. Numbers and layouts are those of mainline
 * Linux (6.19 and later), so an agent runs unchanged on either kernel.
 */
#ifndef _UAPI_LIVEUPDATE_H
#define _UAPI_LIVEUPDATE_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* ioctl type of /dev/liveupdate and of session file descriptors. */
#define LIVEUPDATE_IOCTL_TYPE		0xBA

/* Longest session name, counting the terminating NUL. */
#define LIVEUPDATE_SESSION_NAME_LENGTH	64

/* Command numbers of /dev/liveupdate. */
enum {
	LIVEUPDATE_CMD_BASE = 0x00,
	LIVEUPDATE_CMD_CREATE_SESSION = LIVEUPDATE_CMD_BASE,
	LIVEUPDATE_CMD_RETRIEVE_SESSION = 0x01,
};

/* Command numbers of a session file descriptor. */
enum {
	LIVEUPDATE_CMD_SESSION_BASE = 0x40,
	LIVEUPDATE_CMD_SESSION_PRESERVE_FD = LIVEUPDATE_CMD_SESSION_BASE,
	LIVEUPDATE_CMD_SESSION_RETRIEVE_FD = 0x41,
	LIVEUPDATE_CMD_SESSION_FINISH = 0x42,
	LIVEUPDATE_CMD_SESSION_GET_NAME = 0x43,
};

/**
 * struct liveupdate_ioctl_create_session - LIVEUPDATE_IOCTL_CREATE_SESSION
 * @size: sizeof(struct liveupdate_ioctl_create_session)
 * @fd:   out: the new session's file descriptor (close-on-exec)
 * @name: in: a NUL-terminated name, unique among this kernel's outgoing
 *        sessions, 1 to LIVEUPDATE_SESSION_NAME_LENGTH - 1 characters
 *
 * Creates an outgoing session. Closing its descriptor before kexec drops
 * the session and unpreserves its files.
 */
struct liveupdate_ioctl_create_session {
	__u32		size;
	__s32		fd;
	__u8		name[LIVEUPDATE_SESSION_NAME_LENGTH];
};

#define LIVEUPDATE_IOCTL_CREATE_SESSION					\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_CREATE_SESSION)

/**
 * struct liveupdate_ioctl_retrieve_session - LIVEUPDATE_IOCTL_RETRIEVE_SESSION
 * @size: sizeof(struct liveupdate_ioctl_retrieve_session)
 * @fd:   out: the session's file descriptor (close-on-exec)
 * @name: in: the name the previous kernel's agent gave the session
 *
 * Takes an incoming session, once: -ENOENT if there is none of that name,
 * -EINVAL if it was retrieved already.
 */
struct liveupdate_ioctl_retrieve_session {
	__u32		size;
	__s32		fd;
	__u8		name[LIVEUPDATE_SESSION_NAME_LENGTH];
};

#define LIVEUPDATE_IOCTL_RETRIEVE_SESSION				\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_RETRIEVE_SESSION)

/**
 * struct liveupdate_session_preserve_fd - LIVEUPDATE_SESSION_PRESERVE_FD
 * @size:  sizeof(struct liveupdate_session_preserve_fd)
 * @fd:    in: the file descriptor to preserve
 * @token: in: the agent's name for it, unique in the session
 *
 * Outgoing sessions only. The file must be of a kind a handler supports
 * (-ENOENT otherwise) and not yet preserved in any session (-EBUSY).
 */
struct liveupdate_session_preserve_fd {
	__u32		size;
	__s32		fd;
	__aligned_u64	token;
};

#define LIVEUPDATE_SESSION_PRESERVE_FD					\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_PRESERVE_FD)

/**
 * struct liveupdate_session_retrieve_fd - LIVEUPDATE_SESSION_RETRIEVE_FD
 * @size:  sizeof(struct liveupdate_session_retrieve_fd)
 * @fd:    out: a new file descriptor for the file (close-on-exec)
 * @token: in: the token the file was preserved with
 *
 * Incoming (retrieved) sessions only.
 */
struct liveupdate_session_retrieve_fd {
	__u32		size;
	__s32		fd;
	__aligned_u64	token;
};

#define LIVEUPDATE_SESSION_RETRIEVE_FD					\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_RETRIEVE_FD)

/**
 * struct liveupdate_session_finish - LIVEUPDATE_SESSION_FINISH
 * @size:     sizeof(struct liveupdate_session_finish)
 * @reserved: must be 0
 *
 * Incoming sessions only: the agent is done with the session. Files not
 * retrieved are taken back and released by the kernel.
 */
struct liveupdate_session_finish {
	__u32		size;
	__u32		reserved;
};

#define LIVEUPDATE_SESSION_FINISH					\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_FINISH)

/**
 * struct liveupdate_session_get_name - LIVEUPDATE_SESSION_GET_NAME
 * @size:     sizeof(struct liveupdate_session_get_name)
 * @reserved: must be 0
 * @name:     out: the session's name, NUL-terminated
 */
struct liveupdate_session_get_name {
	__u32		size;
	__u32		reserved;
	__u8		name[LIVEUPDATE_SESSION_NAME_LENGTH];
};

#define LIVEUPDATE_SESSION_GET_NAME					\
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_GET_NAME)

#endif /* _UAPI_LIVEUPDATE_H */
